import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { parseParquetFooter } from '../parquet/metadata.js';
import type { StructType } from '../protocol/schema.js';
import { createEngine } from '../engine/engine.js';
import { MemoryStore } from '../storage/memory-store.js';
import { DataFileWriter } from './data-files.js';

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: { type: 'long' }, nullable: false, metadata: {} },
    { name: 's', type: { type: 'string' }, nullable: true, metadata: {} },
  ],
};

/** `n` rows of an int64 id and a 100-character string (~112 decoded bytes a row). */
function batch(start: number, n: number): arrow.RecordBatch {
  const ids = arrow.vectorFromArray(
    Array.from({ length: n }, (_, i) => BigInt(start + i)),
    new arrow.Int64(),
  );
  const s = arrow.vectorFromArray(
    Array.from({ length: n }, (_, i) => String(start + i).padStart(100, 'x')),
    new arrow.Utf8(),
  );
  return new arrow.Table({ id: ids, s }).batches[0]!;
}

async function rowGroupRows(rowGroupBytes: number | undefined): Promise<number[]> {
  const store = new MemoryStore('memory://data-files');
  const writer = new DataFileWriter({
    engine: createEngine(store),
    schema,
    partitionColumns: [],
    mode: 'none',
    targetFileSize: 1 << 30,
    rowGroupSize: 4000,
    rowGroupBytes,
    compression: 'snappy',
    stats: {},
  });
  for (let i = 0; i < 10; i++)
    await writer.write({ key: '', values: {}, scalars: new Map(), batch: batch(i * 1000, 1000) });
  const { adds, numOutputRows } = await writer.finish();
  expect(numOutputRows).toBe(10_000);
  expect(adds).toHaveLength(1);
  const bytes = await store.get(decodeURIComponent(adds[0]!.path));
  return parseParquetFooter(bytes).rowGroups.map((g) => g.numRows);
}

describe('DataFileWriter row groups', () => {
  test('rowGroupSize bounds rows when rows are narrow', async () => {
    expect(await rowGroupRows(undefined)).toEqual([4000, 4000, 2000]);
  });

  test('rowGroupBytes cuts row groups of wide rows shorter', async () => {
    // ~112 bytes a row: a 224,000-byte cap gives ~2,000 rows a group instead of 4,000.
    const rows = await rowGroupRows(224_000);
    expect(rows.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...rows)).toBeLessThanOrEqual(2100);
    expect(Math.max(...rows)).toBeGreaterThanOrEqual(1900);
  });
});
