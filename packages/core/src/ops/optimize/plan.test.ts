import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { commitOptimize } from './commit.js';
import { executeBin } from './execute.js';
import { packBins, planOptimize } from './plan.js';
import { smallFilesTable, snapshotRows } from '../../../test/support/optimize-tables.js';
import type { BinResult, OptimizePlan } from './types.js';
import { createEngine } from '../../engine/engine.js';

describe('planOptimize', () => {
  test('packBins: smallest first, a bin closes when the next item overflows it', () => {
    expect(packBins([5, 1, 4, 2, 3, 9], (x) => x, 6)).toEqual([[1, 2, 3], [4], [5], [9]]);
    expect(packBins([], (x: number) => x, 6)).toEqual([]);
    expect(packBins([7], (x) => x, 6)).toEqual([[7]]);
  });

  test('selects only files smaller than the target; plan fields', async () => {
    const table = await smallFilesTable(6, 30, { partitionBy: ['p'], parts: ['a', 'b'] });
    const snap = table.snapshot;
    const plan = planOptimize(snap, { targetSize: 10_000_000 });
    expect(plan.readVersion).toBe(snap.version);
    expect(plan.bins).toHaveLength(2);
    expect(plan.bins.map((b) => b.partitionValues)).toEqual([{ p: 'a' }, { p: 'b' }]);
    expect(plan.bins.every((b) => b.files.length === 6 && !b.purgeOnly)).toBe(true);
    expect(plan.context).toMatchObject({ partitionColumns: ['p'], columnMapping: 'none', targetSize: 10_000_000 });
    expect(plan.numPartitions).toBe(2);
    const smallest = Math.min(...snap.files().map((f) => f.size));
    expect(planOptimize(snap, { targetSize: smallest }).bins).toHaveLength(0);
    expect(planOptimize(snap, { maxBins: 1 })).toMatchObject({ binsDeferred: 1, totalFilesSkipped: 6 });
    expect(() => planOptimize(snap, { targetSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => planOptimize(snap, { minFilesPerBin: 1.5 })).toThrow(/minFilesPerBin/);
  });

  test('delta.targetFileSize is the default target', async () => {
    const table = await smallFilesTable(3, 10, { properties: { 'delta.targetFileSize': '1234' } });
    expect(planOptimize(table.snapshot).context.targetSize).toBe(1234);
    expect(planOptimize(table.snapshot, { targetSize: 99 }).context.targetSize).toBe(99);
  });

  test('zOrderBy: partition, unknown, nested and duplicate columns are refused', async () => {
    const table = await smallFilesTable(2, 10, { partitionBy: ['p'] });
    const snap = table.snapshot;
    expect(() => planOptimize(snap, { zOrderBy: ['p'] })).toThrow(/partition column/);
    expect(() => planOptimize(snap, { zOrderBy: ['nope'] })).toThrow(/not in the table/);
    expect(() => planOptimize(snap, { zOrderBy: ['info'] })).toThrow(/only primitive/);
    expect(() => planOptimize(snap, { zOrderBy: ['id', 'id'] })).toThrow(/twice/);
    // Z-order takes every file of the partition, even a single one.
    const z = planOptimize(snap, { zOrderBy: ['id', 'name'] });
    expect(z.bins.map((b) => b.files.length)).toEqual([2]);
    expect(z.context.zOrderBy).toEqual(['id', 'name']);
  });

  test('JSON round trip: plan -> JSON -> executeBin per bin -> JSON -> commitOptimize', async () => {
    const table = await smallFilesTable(4, 25, { partitionBy: ['p'], parts: ['a', 'b', 'c'] });
    const before = table.snapshot;
    const plan = JSON.parse(JSON.stringify(planOptimize(before))) as OptimizePlan;
    expect(plan.bins).toHaveLength(3);
    // A worker receives only the context and its bin.
    const results: BinResult[] = [];
    for (const bin of plan.bins) {
      const job = JSON.parse(JSON.stringify({ context: plan.context, bin })) as Pick<OptimizePlan, 'context'> & {
        bin: OptimizePlan['bins'][number];
      };
      const res = await executeBin(createEngine(table.store), job.context, job.bin);
      results.push(JSON.parse(JSON.stringify(res)) as BinResult);
    }
    expect(results.every((r) => r.adds.length === 1 && r.removed.length === 4)).toBe(true);
    const r = await commitOptimize(before, plan, results);
    expect(r.snapshot.numFiles).toBe(3);
    expect(r.metrics.numFilesRemoved).toBe(12);
    expect(await snapshotRows(r.snapshot)).toEqual(await snapshotRows(before));
    await expect(commitOptimize(before, plan, [{ ...results[0]!, binId: 'x' }])).rejects.toThrow(/not a bin/);
  });
});
