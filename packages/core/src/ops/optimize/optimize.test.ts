import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { readCommit } from '../../log/load.js';
import { listLogFiles, type CommitFile } from '../../log/segment.js';
import type { Action } from '../../protocol/actions.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { optimize } from './optimize.js';
import type { OptimizeProgress } from './types.js';
import { smallFilesTable, snapshotRows } from '../../../test/support/optimize-tables.js';
import { assertValidStoreTable } from '../../../../../test/support/validate-store.js';

async function commitActions(store: ObjectStore, version: number): Promise<Action[]> {
  const file = (await listLogFiles(store, version)).find(
    (f): f is CommitFile => f.kind === 'commit' && f.version === version,
  )!;
  return readCommit(store, file);
}

describe('optimize: bin-packing', () => {
  test('compacts an unpartitioned table into one file; same rows; one OPTIMIZE commit, dataChange false', async () => {
    const table = await smallFilesTable(10, 50);
    const before = table.snapshot;
    expect(before.numFiles).toBe(10);
    const rowsBefore = await snapshotRows(before);

    const result = await optimize(before);
    expect(result.noop).toBe(false);
    expect(result.version).toBe(before.version + 1);
    expect(result.snapshot.numFiles).toBe(1);
    expect(result.metrics.numFilesRemoved).toBe(10);
    expect(result.metrics.numFilesAdded).toBe(1);
    expect(result.metrics.rowsWritten).toBe(500);
    expect(result.metrics.totalConsideredFiles).toBe(10);
    expect(result.metrics.totalFilesSkipped).toBe(0);
    expect(await snapshotRows(result.snapshot)).toEqual(rowsBefore);
    expect(rowsBefore).toHaveLength(500);

    const actions = await commitActions(table.store, result.version);
    const info = actions.find((a) => a.commitInfo)!.commitInfo!;
    expect(info.operation).toBe('OPTIMIZE');
    expect(info.operationParameters).toEqual({ predicate: '[]', zOrderBy: '[]' });
    expect(info.isBlindAppend).toBe(false);
    expect(info.operationMetrics).toMatchObject({ numRemovedFiles: '10', numAddedFiles: '1', numBatches: '1' });
    expect(Number(info.operationMetrics!.numAddedBytes)).toBe(result.snapshot.files()[0]!.size);
    expect(actions.filter((a) => a.remove).every((a) => a.remove!.dataChange === false)).toBe(true);
    expect(actions.filter((a) => a.add).every((a) => a.add!.dataChange === false)).toBe(true);
    const stats = JSON.parse(result.snapshot.files()[0]!.stats!);
    expect(stats.numRecords).toBe(500);
    expect(stats.minValues.id).toBe(0);
    expect(stats.maxValues.id).toBe(499);
    expect(stats.nullCount.name).toBe(72); // ids 0..499 divisible by 7

    // Time travel to the pre-OPTIMIZE version reads the old files, same rows.
    const old = await table.snapshotAt({ version: before.version });
    expect(old.numFiles).toBe(10);
    expect(await snapshotRows(old)).toEqual(rowsBefore);
    await assertValidStoreTable(table.store);
  });

  test('an already-compact table is a no-op: no commit, version unchanged', async () => {
    const table = await smallFilesTable(4, 20);
    const first = await optimize(table.snapshot);
    expect(first.noop).toBe(false);
    const second = await optimize(first.snapshot);
    expect(second.noop).toBe(true);
    expect(second.version).toBe(first.version);
    expect(second.metrics.numFilesRemoved).toBe(0);
    await table.refresh();
    expect(table.version).toBe(first.version);
    await assertValidStoreTable(table.store);
  });

  test('partitioned: where touches only matching partitions; then all; values and partitions preserved', async () => {
    const table = await smallFilesTable(5, 30, { partitionBy: ['p'], parts: ['a', 'b', 'c'] });
    const before = table.snapshot;
    expect(before.numFiles).toBe(15);
    const rowsBefore = await snapshotRows(before);
    const progress: OptimizeProgress[] = [];
    const r1 = await optimize(before, { where: "p = 'a'", onProgress: (p) => progress.push(p) });
    const byPart = (s: typeof before) =>
      Object.fromEntries(['a', 'b', 'c'].map((p) => [p, s.files().filter((f) => f.partitionValues.p === p).length]));
    expect(byPart(r1.snapshot)).toEqual({ a: 1, b: 5, c: 5 });
    expect(r1.metrics.totalConsideredFiles).toBe(5);
    expect(r1.metrics.partitionsOptimized).toBe(1);
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatchObject({ binsDone: 1, binsTotal: 1 });
    expect(progress[0]!.bytesWritten).toBeGreaterThan(0);
    const info = (await commitActions(table.store, r1.version)).find((a) => a.commitInfo)!.commitInfo!;
    expect(info.operationParameters!.predicate).toBe(JSON.stringify(["p = 'a'"]));
    const newFile = r1.snapshot.files().find((f) => f.partitionValues.p === 'a')!;
    expect(newFile.path.startsWith('p=a/')).toBe(true);

    const r2 = await optimize(r1.snapshot);
    expect(byPart(r2.snapshot)).toEqual({ a: 1, b: 1, c: 1 });
    expect(r2.metrics.partitionsOptimized).toBe(2);
    expect(r2.metrics.totalFilesSkipped).toBe(1);
    expect(await snapshotRows(r2.snapshot)).toEqual(rowsBefore);
    await assertValidStoreTable(table.store);
  });

  test('where on a data column is refused with a typed error', async () => {
    const table = await smallFilesTable(2, 10, { partitionBy: ['p'] });
    await expect(optimize(table.snapshot, { where: 'id > 3' })).rejects.toThrow(InvalidArgumentError);
    await expect(optimize(table.snapshot, { where: 'id > 3' })).rejects.toThrow(/non-partition column id/);
    const flat = await smallFilesTable(2, 10);
    await expect(optimize(flat.snapshot, { where: "p = 'a'" })).rejects.toThrow(/not partitioned/);
  });

  test('targetSize splits output and bins; minFilesPerBin skips lone files', async () => {
    const table = await smallFilesTable(12, 200);
    const sizes = table.snapshot.files().map((f) => f.size);
    const target = Math.floor(sizes.reduce((a, b) => a + b, 0) / 3);
    const r = await optimize(table.snapshot, { targetSize: target, rowGroupSize: 64 });
    expect(r.metrics.numBins).toBeGreaterThanOrEqual(3);
    expect(r.snapshot.numFiles).toBeLessThan(12);
    expect(await snapshotRows(r.snapshot)).toEqual(await snapshotRows(table.snapshot));
    // One file per partition and minFilesPerBin 2: nothing to do.
    const lone = await smallFilesTable(1, 20, { partitionBy: ['p'], parts: ['a', 'b'] });
    const n = await optimize(lone.snapshot);
    expect(n.noop).toBe(true);
    expect(n.metrics.totalFilesSkipped).toBe(2);
    await assertValidStoreTable(table.store);
    await assertValidStoreTable(lone.store);
  });

  test('maxBins and timeBudgetMs leave work for a rerun, which finishes it', async () => {
    const table = await smallFilesTable(3, 20, { partitionBy: ['p'], parts: ['a', 'b', 'c'] });
    const rows = await snapshotRows(table.snapshot);
    const r1 = await optimize(table.snapshot, { maxBins: 1 });
    expect(r1.partial).toBe(true);
    expect(r1.metrics.numBins).toBe(1);
    expect(r1.metrics.binsNotRun).toBe(2);
    expect(r1.snapshot.numFiles).toBe(7);
    const r2 = await optimize(r1.snapshot, { timeBudgetMs: 0 });
    expect(r2.noop).toBe(true);
    expect(r2.partial).toBe(true);
    expect(r2.version).toBe(r1.version);
    const r3 = await optimize(r1.snapshot, { timeBudgetMs: 60_000, maxConcurrentBins: 1 });
    expect(r3.partial).toBe(false);
    expect(r3.snapshot.numFiles).toBe(3);
    expect(await snapshotRows(r3.snapshot)).toEqual(rows);
    expect((await optimize(r3.snapshot)).noop).toBe(true);
    await assertValidStoreTable(table.store);
  });

  test('appendOnly tables can be optimized (dataChange false)', async () => {
    const table = await smallFilesTable(3, 10, { properties: { 'delta.appendOnly': 'true' } });
    const r = await optimize(table.snapshot);
    expect(r.snapshot.numFiles).toBe(1);
    await assertValidStoreTable(table.store);
  });

  test('column mapping: physical names kept in files, stats and partition values', async () => {
    const table = await smallFilesTable(4, 25, {
      partitionBy: ['p'],
      parts: ['x', 'y'],
      properties: { 'delta.columnMapping.mode': 'name' },
    });
    const before = table.snapshot;
    const physicalId = (before.schema.fields.find((f) => f.name === 'id')!.metadata[
      'delta.columnMapping.physicalName'
    ] ?? '') as string;
    const physicalP = before.schema.fields.find((f) => f.name === 'p')!.metadata[
      'delta.columnMapping.physicalName'
    ] as string;
    expect(physicalId).toMatch(/^col-/);
    const r = await optimize(before);
    expect(r.snapshot.numFiles).toBe(2);
    for (const f of r.snapshot.files()) {
      expect(Object.keys(f.partitionValues)).toEqual([physicalP]);
      expect(Object.keys(JSON.parse(f.stats!).minValues)).toContain(physicalId);
    }
    expect(await snapshotRows(r.snapshot)).toEqual(await snapshotRows(before));
    await assertValidStoreTable(table.store);
  });
});
