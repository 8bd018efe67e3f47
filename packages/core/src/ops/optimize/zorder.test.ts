import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { SnapshotScan } from '../../read/scan.js';
import { MemoryStore } from '../../storage/memory-store.js';
import { DeltaTable, writeDeltaTable } from '../../table/delta-table.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { executeBin } from './execute.js';
import { optimize } from './optimize.js';
import { planOptimize } from './plan.js';
import { rng, smallFilesTable, snapshotRows } from '../../../test/support/optimize-tables.js';
import { interleave, ordinalValues, rankCodes, sortByKey, zOrderPermutation } from './zorder.js';
import { createEngine } from '../../engine/engine.js';
import { assertValidStoreTable } from '../../../../../test/support/validate-store.js';

describe('Z-order keys', () => {
  test('interleave puts one bit of each column per level, most significant first', () => {
    const { hi, lo } = interleave([Uint32Array.of(0b11), Uint32Array.of(0b00)], 2, 1);
    expect(hi[0]).toBe((0b1010 << 28) >>> 0);
    expect(lo[0]).toBe(0);
    const w = interleave([Uint32Array.of(0xffffffff), Uint32Array.of(0)], 32, 1);
    expect([w.hi[0], w.lo[0]]).toEqual([0xaaaaaaaa, 0xaaaaaaaa]);
  });

  test('sortByKey is a stable sort by (hi, lo)', () => {
    const r = rng(7);
    const n = 5000;
    const hi = Uint32Array.from({ length: n }, () => Math.floor(r() * 4) * 0x10001000);
    const lo = Uint32Array.from({ length: n }, () => Math.floor(r() * 2 ** 32));
    const got = Array.from(sortByKey(hi, lo));
    const want = Array.from({ length: n }, (_, i) => i).sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
    expect(got).toEqual(want);
  });

  test('ordinal values and rank codes preserve order; nulls code 0', () => {
    const strings = arrow.vectorFromArray(['b', null, 'a', 'abc', 'b'], new arrow.Utf8()).data[0]!;
    const o = ordinalValues({ data: strings, type: { type: 'string' } }, 5);
    expect(o.valid).toEqual(Uint8Array.of(1, 0, 1, 1, 1));
    const codes = rankCodes(o.values, o.valid, 8);
    expect(codes[1]).toBe(0);
    expect(codes[2]).toBe(1); // 'a' lowest
    expect(codes[2]! < codes[3]! && codes[3]! < codes[0]!).toBe(true);
    expect(codes[0]).toBe(codes[4]);
    const longs = arrow.makeVector(BigInt64Array.of(-5n, 10n ** 15n, 0n)).data[0]!;
    const l = ordinalValues({ data: longs, type: { type: 'long' } }, 3);
    expect(Array.from(rankCodes(l.values, l.valid, 16))).toEqual([1, 65535, 32768]);
    const perm = zOrderPermutation([{ data: strings, type: { type: 'string' } }], 5);
    expect(Array.from(perm)).toEqual([1, 2, 3, 0, 4]);
  });
});

async function randomPointsTable(files: number, rows: number): Promise<DeltaTable> {
  const r = rng(42);
  const store = new MemoryStore(`memory://zorder-${Math.random()}`);
  const batch = () =>
    new arrow.Table({
      x: arrow.makeVector(Int32Array.from({ length: rows }, () => Math.floor(r() * 10_000))),
      y: arrow.makeVector(Int32Array.from({ length: rows }, () => Math.floor(r() * 10_000))),
      v: arrow.vectorFromArray(
        Array.from({ length: rows }, (_, i) => `row-${i}`),
        new arrow.Utf8(),
      ),
    });
  await writeDeltaTable(store, batch());
  const table = await DeltaTable.open(store);
  for (let i = 1; i < files; i++) await table.append(batch());
  return table;
}

const QUERY = 'x BETWEEN 2000 AND 3000 AND y BETWEEN 5000 AND 6000';

function scanned(s: Snapshot): { files: number; of: number } {
  return { files: new SnapshotScan(s, { filter: QUERY }).plan().length, of: s.numFiles };
}

async function queryRows(s: Snapshot): Promise<number> {
  return (await new SnapshotScan(s, { filter: QUERY }).toArrow()).numRows;
}

describe('Z-order OPTIMIZE', () => {
  test('range queries on both columns skip most files after Z-ordering', async () => {
    const table = await randomPointsTable(60, 200);
    const twin = await randomPointsTable(60, 200); // same seed: same data
    const before = table.snapshot;
    const targetSize = 8 * 1024;
    const binpacked = await optimize(twin.snapshot, { targetSize });
    const z = await optimize(before, { zOrderBy: ['x', 'y'], targetSize });
    const s0 = scanned(before);
    const s1 = scanned(binpacked.snapshot);
    const s2 = scanned(z.snapshot);
    console.log(
      `files scanned for ${QUERY}: before ${s0.files}/${s0.of}, bin-packed ${s1.files}/${s1.of}, z-ordered ${s2.files}/${s2.of}`,
    );
    expect(s0.files).toBeGreaterThan(50);
    expect(s2.of).toBeGreaterThan(10);
    expect(s2.files / s2.of).toBeLessThan(0.35);
    expect(s2.files / s2.of).toBeLessThan(s1.files / s1.of / 2);
    expect(await queryRows(z.snapshot)).toBe(await queryRows(before));
    expect(await snapshotRows(z.snapshot)).toEqual(await snapshotRows(before));
    await table.refresh();
    const [last] = await table.history({ limit: 1 });
    expect(last!.operation).toBe('OPTIMIZE');
    expect(last!.operationParameters).toEqual({ predicate: '[]', zOrderBy: '["x","y"]' });
    await assertValidStoreTable(table.store);
    await assertValidStoreTable(twin.store);
  });

  test('Z-order keeps every row (nulls, strings, nested), rewrites again on rerun, and splits runs by memory', async () => {
    const table = await smallFilesTable(5, 40, { partitionBy: ['p'], parts: ['a', 'b'] });
    const before = table.snapshot;
    const r = await optimize(before, { zOrderBy: ['name', 'score'] });
    expect(r.snapshot.numFiles).toBe(2);
    expect(await snapshotRows(r.snapshot)).toEqual(await snapshotRows(before));
    const again = await optimize(r.snapshot, { zOrderBy: ['score'] });
    expect(again.noop).toBe(false); // like Spark, Z-order is not incremental
    // Planning: each file alone when none fits the limit.
    expect(planOptimize(before, { zOrderBy: ['id'], zOrderMemoryLimit: 1 }).bins).toHaveLength(10);
    // Execution: a bin whose decoded rows pass the limit is sorted in several runs.
    const plan = planOptimize(before, { zOrderBy: ['id'], where: "p = 'a'" });
    const res = await executeBin(createEngine(table.store), { ...plan.context, zOrderMemoryLimit: 1 }, plan.bins[0]!);
    expect(res.metrics.zOrderRuns).toBe(5);
    expect(res.metrics.rowsWritten).toBe(100);
    await assertValidStoreTable(table.store);
  });
});
