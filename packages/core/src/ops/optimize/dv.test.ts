/** OPTIMIZE on real Spark tables with deletion vectors (copied from the corpus; never written in place). */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CORPUS, copyCorpusTable } from '../../../test/support/log-fixtures.js';
import { LocalStore } from '../../storage/local-store.js';
import { DeltaTable } from '../../table/delta-table.js';
import { optimize } from './optimize.js';
import { planOptimize } from './plan.js';
import { snapshotRows } from '../../../test/support/optimize-tables.js';

const copies: string[] = [];
afterAll(async () => {
  for (const c of copies) await rm(c, { recursive: true, force: true });
});

async function open(table: string): Promise<DeltaTable> {
  const dir = await copyCorpusTable(table);
  copies.push(dir);
  return DeltaTable.open(new LocalStore(dir));
}

async function expectedRows(table: string): Promise<string[]> {
  const exp = JSON.parse(await readFile(join(CORPUS, `${table}.expected.json`), 'utf8')) as {
    columns: { name: string }[];
    rows: unknown[][];
  };
  return exp.rows.map((r) => JSON.stringify(Object.fromEntries(exp.columns.map((c, i) => [c.name, r[i]])))).sort();
}

describe('optimize: deletion vectors', () => {
  test('table-with-dv-large: deleted rows are purged, removes carry the DV, time travel still sees the old files', async () => {
    const name = 'delta-spark/table-with-dv-large';
    const table = await open(name);
    const before = table.snapshot;
    const dvFiles = before.files().filter((f) => f.deletionVector);
    expect(dvFiles.length).toBeGreaterThan(0);
    const expected = await expectedRows(name);
    expect(expected).toHaveLength(1993);
    expect(await snapshotRows(before)).toEqual(expected);

    const r = await optimize(before);
    expect(r.snapshot.numFiles).toBe(1);
    expect(r.snapshot.files().some((f) => f.deletionVector)).toBe(false);
    expect(r.metrics.rowsWritten).toBe(1993);
    expect(r.metrics.numDeletionVectorsRemoved).toBe(dvFiles.length);
    expect(JSON.parse(r.snapshot.files()[0]!.stats!)).toMatchObject({ numRecords: 1993, tightBounds: true });
    expect(await snapshotRows(r.snapshot)).toEqual(expected);

    const reopened = await DeltaTable.open(table.store);
    expect(await snapshotRows(reopened.snapshot)).toEqual(expected);
    const removes = reopened.snapshot.tombstones();
    for (const f of dvFiles) {
      const rm = removes.find((x) => x.path === f.path && x.dataChange === false)!;
      expect(rm.dataChange).toBe(false);
      expect(rm.deletionVector).toEqual(f.deletionVector);
    }
    const old = await reopened.snapshotAt({ version: before.version });
    expect(old.files().filter((f) => f.deletionVector)).toHaveLength(dvFiles.length);
    expect(await snapshotRows(old)).toEqual(expected);
  });

  test('large files are rewritten alone when their DV deletes enough rows (dvRewriteRatio)', async () => {
    const name = 'delta-spark/table-with-dv-large';
    const table = await open(name);
    const dvFiles = table.snapshot.files().filter((f) => f.deletionVector);
    // targetSize 1: every file is "large"; only DV files past the ratio are candidates.
    // Default ratio 0.05: only the 2-row file with 1 deleted row qualifies (1/100 does not).
    const heavy = planOptimize(table.snapshot, { targetSize: 1 }).bins.map((b) => b.files.map((f) => f.path));
    expect(heavy).toEqual([['part-00000-51219d56-88a7-41cc-be5d-eada75aceb4f-c000.snappy.parquet']]);
    const plan = planOptimize(table.snapshot, { targetSize: 1, dvRewriteRatio: 0 });
    expect(plan.bins.map((b) => b.files[0]!.path).sort()).toEqual(dvFiles.map((f) => f.path).sort());
    expect(plan.bins.every((b) => b.files.length === 1 && b.purgeOnly)).toBe(true);
    const r = await optimize(table.snapshot, { targetSize: 1, dvRewriteRatio: 0 });
    expect(r.snapshot.numFiles).toBe(table.snapshot.numFiles);
    expect(r.snapshot.files().some((f) => f.deletionVector)).toBe(false);
    expect(await snapshotRows(r.snapshot)).toEqual(await expectedRows(name));
    expect((await optimize(r.snapshot, { targetSize: 1, dvRewriteRatio: 0 })).noop).toBe(true);
  });

  test('dv-partitioned-with-checkpoint: per-partition compaction keeps every row', async () => {
    const name = 'delta-golden/dv-partitioned-with-checkpoint';
    const table = await open(name);
    const before = table.snapshot;
    const parts = new Set(before.files().map((f) => JSON.stringify(f.partitionValues)));
    const r = await optimize(before);
    const after = new Set(r.snapshot.files().map((f) => JSON.stringify(f.partitionValues)));
    expect(after).toEqual(parts);
    expect(r.snapshot.numFiles).toBe(parts.size);
    expect(await snapshotRows(r.snapshot)).toEqual(await expectedRows(name));
  });
});
