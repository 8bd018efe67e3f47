import { describe, expect, test } from 'vitest';
import { CommitConflictError, ConcurrentDeleteReadError, NotFoundError } from '../../errors.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { DeltaTable } from '../../table/delta-table.js';
import { commitOptimize } from './commit.js';
import { runBins } from './optimize.js';
import { planOptimize } from './plan.js';
import { sampleBatch, smallFilesTable, snapshotRows } from '../../../test/support/optimize-tables.js';
import type { BinResult } from './types.js';
import { createEngine } from '../../engine/engine.js';

async function exists(store: ObjectStore, logPath: string): Promise<boolean> {
  try {
    await store.head(decodeURIComponent(logPath));
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

async function allExist(store: ObjectStore, results: BinResult[]): Promise<boolean[]> {
  return Promise.all(results.flatMap((r) => r.adds.map((a) => exists(store, a.path))));
}

describe('optimize: concurrent commits', () => {
  test('a blind append racing with OPTIMIZE: OPTIMIZE commits on top (no conflict), all rows kept', async () => {
    const table = await smallFilesTable(4, 20);
    const base = table.snapshot;
    const plan = planOptimize(base);
    const results = await runBins(createEngine(table.store), plan);
    const other = await DeltaTable.open(table.store);
    await other.append(sampleBatch(1000, 5));
    const r = await commitOptimize(base, plan, results);
    expect(r.version).toBe(base.version + 2);
    expect(r.conflictsRetried).toBe(1);
    expect(r.snapshot.numFiles).toBe(2); // the compacted file + the concurrent append
    const fresh = await DeltaTable.open(table.store);
    expect(await snapshotRows(fresh.snapshot)).toHaveLength(85);
  });

  test('an overwrite racing with OPTIMIZE: typed conflict, new files deleted, table untouched', async () => {
    const table = await smallFilesTable(3, 10);
    const base = table.snapshot;
    const plan = planOptimize(base);
    const results = await runBins(createEngine(table.store), plan);
    expect(await allExist(table.store, results)).toEqual([true]);
    const other = await DeltaTable.open(table.store);
    await other.overwrite(sampleBatch(0, 3));
    const err = await commitOptimize(base, plan, results).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrentDeleteReadError);
    expect((err as CommitConflictError).winningOperation).toBe('WRITE');
    expect(await allExist(table.store, results)).toEqual([false]);
    const fresh = await DeltaTable.open(table.store);
    expect(fresh.version).toBe(base.version + 1);
    expect(await snapshotRows(fresh.snapshot)).toHaveLength(3);
  });

  test('two OPTIMIZE runs of the same files: the second gets a conflict and cleans up', async () => {
    const table = await smallFilesTable(3, 10, { partitionBy: ['p'], parts: ['a', 'b'] });
    const base = table.snapshot;
    const planA = planOptimize(base);
    const planB = planOptimize(base, { where: "p = 'b'" });
    const [resA, resB] = [
      await runBins(createEngine(table.store), planA),
      await runBins(createEngine(table.store), planB),
    ];
    await commitOptimize(base, planA, resA);
    const err = await commitOptimize(base, planB, resB).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitConflictError);
    expect((err as CommitConflictError).winningOperation).toBe('OPTIMIZE');
    expect(await allExist(table.store, resB)).toEqual([false]);
    expect(await allExist(table.store, resA)).toEqual([true, true]);
  });

  test('OPTIMIZE of other partitions does not conflict', async () => {
    const table = await smallFilesTable(3, 10, { partitionBy: ['p'], parts: ['a', 'b'] });
    const base = table.snapshot;
    const planA = planOptimize(base, { where: "p = 'a'" });
    const planB = planOptimize(base, { where: "p = 'b'" });
    const [resA, resB] = [
      await runBins(createEngine(table.store), planA),
      await runBins(createEngine(table.store), planB),
    ];
    await commitOptimize(base, planA, resA);
    const r = await commitOptimize(base, planB, resB);
    expect(r.version).toBe(base.version + 2);
    expect(r.snapshot.numFiles).toBe(2);
    expect(await snapshotRows(r.snapshot)).toEqual(await snapshotRows(base));
  });

  test('committing on a newer snapshot checks the versions in between', async () => {
    const table = await smallFilesTable(3, 10);
    const base = table.snapshot;
    const plan = planOptimize(base);
    const results = await runBins(createEngine(table.store), plan);
    await table.append(sampleBatch(100, 2)); // unrelated: fine
    const ok = await commitOptimize(table.snapshot, plan, results);
    expect(ok.version).toBe(base.version + 2);
    expect(ok.conflictsRetried).toBe(0);

    const t2 = await smallFilesTable(3, 10);
    const plan2 = planOptimize(t2.snapshot);
    const res2 = await runBins(createEngine(t2.store), plan2);
    await t2.overwrite(sampleBatch(0, 1));
    await expect(commitOptimize(t2.snapshot, plan2, res2)).rejects.toThrow(ConcurrentDeleteReadError);
    expect(await allExist(t2.store, res2)).toEqual([false]);
  });
});
