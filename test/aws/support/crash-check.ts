/**
 * Shared by the crash tests: a base table in dynamodb mode (version 0, ids BASE), the rows of
 * the crashing writer (VICTIM) and of the writer that comes after it (RESCUER), and the check
 * that the table is whole after recovery.
 */
import { expect } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import type { CommitStep } from './sdk-hooks.js';
import {
  batch,
  lockEntries,
  logVersions,
  newS3Table,
  openStore,
  range,
  readIds,
  storageOptions,
  validateS3Table,
  type S3Table,
} from './tables.js';

export const BASE = range(0, 3);
export const VICTIM = range(100, 3);
export const RESCUER = range(200, 3);
export const sorted = (...parts: number[][]): number[] => parts.flat().sort((a, b) => a - b);

/** Was the version claimed in the lock table when the writer stopped? Then its commit must surface. */
export const claimed = (step: CommitStep): boolean => step !== 'after-temp';

export async function baseTable(): Promise<S3Table> {
  const t = await newS3Table();
  await writeDeltaTable(t.uri, batch(BASE, 'base'), { storageOptions: storageOptions('dynamodb', t.lockTable) });
  return t;
}

/** The table is whole: versions 0..n contiguous, all lock entries complete, `ids` exactly, valid. */
export async function expectWhole(t: S3Table, versions: number, ids: number[]): Promise<void> {
  const reader = await DeltaTable.open(t.uri, { store: openStore(t, 'dynamodb') });
  expect(reader.version).toBe(versions);
  expect(await readIds(reader)).toEqual(ids);
  expect(await logVersions(t)).toEqual(range(0, versions + 1));
  const entries = await lockEntries(t.lockTable, t.uri);
  expect(entries.map((e) => e['complete']?.S)).toEqual(entries.map(() => 'true'));
  await validateS3Table(t);
}

/** Commit retry deadline for writers that must get past a half-done commit (fail fast, not in 120 s). */
export const FAIL_FAST = { retry: { deadlineMs: 15_000 } };
