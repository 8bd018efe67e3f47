/**
 * A closed stdout (`delta-serverless scan t | head -1`): the reader goes away and every later
 * write fails with EPIPE. That used to escape as an unhandled 'error' event, killing the process
 * (a stack trace; an OPTIMIZE could die between writing its files and committing them). Now
 * output is dropped: scan stops quietly, OPTIMIZE commits and leaves no orphan file.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, expect, it } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { removeTempDirs, tempDir as readTempDir } from '../read/support.js';
import { validatedDirs } from '../support/validate-written.js';

afterAll(removeTempDirs);
// Every table these tests write goes through the independent validator after the test.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

const REPO = path.resolve(import.meta.dirname, '../..');

/** Run the CLI with stdout read until its first chunk, then closed (as `| head -1` does). */
async function headOne(...argv: string[]): Promise<{ code: number | null; first: string; err: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts', ...argv],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const first = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => {
      child.stdout.destroy(); // the reader goes away
      resolve(d.toString());
    }),
  );
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, first, err };
}

const rows = (from: number, n: number) =>
  arrow.tableFromArrays({ id: BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i)) });

it('scan | head -1 ends quietly', async () => {
  const dir = tempDir('ds-pipe-');
  await writeDeltaTable(dir, rows(0, 200_000));
  const r = await headOne('scan', dir, '--format', 'ndjson');
  expect(r.first).toMatch(/^\{"id":0\}/);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
});

it('optimize | head -1 commits and leaves no orphan files', async () => {
  const dir = tempDir('ds-pipe-');
  for (let i = 0; i < 8; i++) await writeDeltaTable(dir, rows(i * 10, 10));
  const r = await headOne('optimize', dir);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const table = await DeltaTable.open(dir);
  expect((await table.history({ limit: 1 }))[0]!.operation).toBe('OPTIMIZE');
  expect(table.snapshot.files()).toHaveLength(1);
  // Every data file on disk is one some version references.
  const referenced = new Set<string>();
  for (let v = 0; v <= table.version; v++)
    for (const f of (await DeltaTable.open(dir, { version: v })).snapshot.files()) referenced.add(f.path);
  const onDisk = fs.readdirSync(dir).filter((f) => f.endsWith('.parquet'));
  expect(onDisk.filter((f) => !referenced.has(f))).toEqual([]);
  expect((await table.toArrow()).numRows).toBe(80);
});
