/** Test-only helpers for VACUUM tests: small tables, row reads and commit inspection. */
import * as arrow from 'apache-arrow';
import { commitPath } from '../../src/log/file-names.js';
import { parseActions } from '../../src/log/commit-file.js';
import type { CommitInfo } from '../../src/protocol/actions.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import type { DeltaTable } from '../../src/table/delta-table.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Rows (id long, part string). */
export function rows(ids: readonly number[], part?: readonly string[]): arrow.Table {
  const cols: Record<string, arrow.Vector> = {
    id: arrow.vectorFromArray(
      ids.map((i) => BigInt(i)),
      new arrow.Int64(),
    ),
  };
  if (part) cols.part = arrow.vectorFromArray([...part], new arrow.Utf8());
  return new arrow.Table(cols);
}

/** Sorted ids of the table at a version (latest when undefined). */
export async function ids(table: DeltaTable, version?: number): Promise<number[]> {
  const t = await table.toArrow(version === undefined ? {} : { version });
  const col = t.getChild('id');
  const out: number[] = [];
  if (col) for (const v of col) out.push(Number(v as bigint));
  return out.sort((a, b) => a - b);
}

/** commitInfo of one version, read from the log. */
export async function commitInfoAt(store: ObjectStore, version: number): Promise<CommitInfo> {
  const actions = parseActions(await store.get(commitPath(version)), commitPath(version));
  const info = actions.find((a) => a.commitInfo)?.commitInfo;
  if (!info) throw new Error(`no commitInfo at version ${version}`);
  return info;
}

/** Keys of the data files (not under _delta_log) present in the store. */
export async function storedKeys(store: ObjectStore): Promise<string[]> {
  const out: string[] = [];
  for await (const m of store.list('')) if (!m.path.startsWith('_delta_log/')) out.push(m.path);
  return out.sort();
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
