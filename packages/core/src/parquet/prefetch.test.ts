import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../storage/memory-store.js';
import type { ByteRange } from '../storage/object-store.js';
import { openParquetFile } from './reader.js';
import { writeParquet } from './writer.js';

/** A store whose GETs take a while, counting how many are in flight at once. */
class SlowStore extends MemoryStore {
  inFlight = 0;
  maxInFlight = 0;
  gets = 0;
  override async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    this.gets++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 5));
      return await super.get(path, range);
    } finally {
      this.inFlight--;
    }
  }
}

async function twelveRowGroups(): Promise<{ store: SlowStore; size: number; n: number }> {
  const store = new SlowStore();
  const n = 12_000;
  const table = new arrow.Table({
    a: arrow.makeVector(Float64Array.from({ length: n }, (_, i) => i * 0.5)),
    s: arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => `row ${i}`),
      new arrow.Utf8(),
    ),
  });
  const bytes = await writeParquet(table, { rowGroupSize: 1000 });
  await store.put('rg.parquet', bytes);
  return { store, size: bytes.length, n };
}

async function readAll(prefetch: number | undefined) {
  const { store, size, n } = await twelveRowGroups();
  const file = await openParquetFile(store, 'rg.parquet', { size, footerPrefetch: 1024 });
  expect(file.metadata.rowGroups).toHaveLength(12);
  store.maxInFlight = 0;
  const rows: string[] = [];
  for await (const b of file.readBatches({ prefetch })) rows.push(...(b.getChild('s')!.toArray() as string[]));
  file.close();
  expect(rows).toEqual(Array.from({ length: n }, (_, i) => `row ${i}`));
  return { maxInFlight: store.maxInFlight, requests: file.io().requests };
}

describe('row groups fetched ahead', () => {
  it('fetches up to `prefetch` row groups at once, one GET each, and decodes the same rows', async () => {
    const sequential = await readAll(undefined);
    expect(sequential.maxInFlight).toBe(1); // parquet-wasm: one row group after another
    const ahead = await readAll(4);
    expect(ahead.maxInFlight).toBe(4);
    // No more requests than reading them one by one: one ranged GET per row group either way.
    expect(ahead.requests).toBe(sequential.requests);
  });
});
