/**
 * DELETE/UPDATE under Delta's isolation levels, deterministically: a competing commit lands
 * right before the statement's commit put (InterleavingStore), then the statement either
 * retries at the next version (no logical conflict) or fails with Spark's typed conflict and
 * leaves no file behind.
 */
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  ConcurrentAppendError,
  ConcurrentDeleteReadError,
  DeltaTable,
  LocalStore,
  writeDeltaTable,
} from '@delta-serverless/core';
import { InterleavingStore, orphanDataFiles, rawCommits, readIds, rows, tempDir } from '../support/txn-harness.js';
import { assertValidTable } from '../support/validate-table.js';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** ids 0..19 (v = id / 2) in partitions A (< 10) and B, one file each; deletion vectors on. */
async function seeded(name: string): Promise<string> {
  const dir = path.join(tempDir(name), 't');
  await writeDeltaTable(
    dir,
    rows(range(0, 20), (id) => (id < 10 ? 'A' : 'B')),
    {
      partitionBy: ['p'],
      properties: { 'delta.enableDeletionVectors': 'true', 'delta.enableChangeDataFeed': 'true' },
    },
  );
  return dir;
}

/** A handle whose next commit is preceded by `competitor` committing through its own handle. */
async function raced(dir: string, competitor: (other: DeltaTable) => Promise<unknown>): Promise<DeltaTable> {
  const store = new InterleavingStore(new LocalStore(dir), async () => {
    await competitor(await DeltaTable.open(dir));
  });
  return DeltaTable.open(store);
}

describe('DELETE and UPDATE against concurrent commits', () => {
  test('WriteSerializable: a blind append of matching rows slides in before the DELETE, which retries', async () => {
    const dir = await seeded('dml-ws');
    // ids 4 and 5 again (v = 2, 2.5): rows the predicate matches, appended after the DELETE read.
    const table = await raced(dir, (o) => o.append(rows([4, 5], 'A')));
    const r = await table.delete('v < 3');
    expect([r.version, r.conflictsRetried, r.metrics.numDeletedRows]).toEqual([2, 1, 6]);
    expect(await readIds(dir)).toEqual([4, 5, ...range(6, 14)]);
    await assertValidTable(dir);
  });

  test('Serializable: the same append is a ConcurrentAppendError and nothing is left behind', async () => {
    const dir = await seeded('dml-ser');
    const table = await raced(dir, (o) => o.append(rows([4, 5], 'A')));
    await expect(table.delete('v < 3', { isolation: 'Serializable' })).rejects.toThrow(ConcurrentAppendError);
    expect(rawCommits(dir)).toHaveLength(2);
    expect(orphanDataFiles(dir)).toEqual([]);
  });

  test('appends that cannot match do not conflict even under Serializable', async () => {
    const dir = await seeded('dml-ser-ok');
    const table = await raced(dir, (o) => o.append(rows([100], 'B')));
    const r = await table.update({ where: "p = 'A' AND v < 3", set: { v: -1 } }, { isolation: 'Serializable' });
    expect(r.version).toBe(2);
  });

  test('DELETE vs DELETE of rows of the same file: the loser gets ConcurrentDeleteReadError', async () => {
    const dir = await seeded('dml-dd');
    const table = await raced(dir, (o) => o.delete('id = 1'));
    await expect(table.delete('id = 2')).rejects.toThrow(ConcurrentDeleteReadError);
    expect(await readIds(dir)).toEqual(range(0, 20).filter((i) => i !== 1));
    expect(orphanDataFiles(dir)).toEqual([]);
  });

  test('DELETE of another partition: no logical conflict, retried', async () => {
    const dir = await seeded('dml-parts');
    const table = await raced(dir, (o) => o.delete('id = 15'));
    const r = await table.delete("p = 'A' AND id = 2");
    expect(r.conflictsRetried).toBe(1);
    expect(await readIds(dir)).toEqual(range(0, 20).filter((i) => i !== 15 && i !== 2));
  });

  test('DELETE vs OPTIMIZE, either way round (deletion vectors)', async () => {
    const dir = await seeded('dml-opt');
    await writeDeltaTable(dir, rows(range(20, 5), 'A'));
    // OPTIMIZE compacts partition A's two files first: the DELETE read one of them.
    const deleting = await raced(dir, (o) => o.optimize());
    await expect(deleting.delete('id = 3')).rejects.toThrow(ConcurrentDeleteReadError);
    // A DELETE (new deletion vector) lands first: OPTIMIZE read the file it replaced.
    const dir2 = await seeded('dml-opt2');
    await writeDeltaTable(dir2, rows(range(20, 5), 'A'));
    const optimizing = await raced(dir2, (o) => o.delete('id = 21'));
    await expect(optimizing.optimize()).rejects.toThrow(ConcurrentDeleteReadError);
    expect(await readIds(dir2)).toEqual(range(0, 25).filter((i) => i !== 21));
    expect(orphanDataFiles(dir)).toEqual([]);
    expect(orphanDataFiles(dir2)).toEqual([]);
  });
});
