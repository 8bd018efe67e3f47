/**
 * Damaged Parquet for tests: seeded bit flips and byte runs in a file's pages, and the search
 * for a damage that makes parquet-wasm trap. A flip in the page area is, depending on where it
 * lands, accepted (Parquet pages carry no checksum by default), refused as a decode error, or
 * a panic in the decoder, which in wasm is a trap.
 */
import { mulberry32 as prng } from './prng.js';
import * as arrow from 'apache-arrow';
import { CorruptDataFileError } from '../../src/errors.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { fetchFooter } from '../../src/parquet/footer.js';
import { StoreFile } from '../../src/parquet/blob.js';
import { openParquetFile } from '../../src/parquet/reader.js';
import { writeParquet } from '../../src/parquet/writer.js';

export { prng };

/** `rows` rows of id (long), name (string), amount (double), as one Parquet file. */
export async function sampleParquet(rows: number): Promise<Uint8Array> {
  const table = arrow.tableFromArrays({
    id: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i)),
    name: Array.from({ length: rows }, (_, i) => `name${(i * 7919) % 1000}`),
    amount: Float64Array.from({ length: rows }, (_, i) => i * 1.5),
  });
  return writeParquet(table);
}

/** Where a file's pages are: after the leading magic, before the footer. */
export async function pageArea(bytes: Uint8Array): Promise<{ start: number; end: number }> {
  const store = new MemoryStore();
  await store.put('f.parquet', bytes);
  const footer = await fetchFooter(new StoreFile(store, 'f.parquet', bytes.length), bytes.length);
  return { start: 4, end: footer.offset };
}

/** A copy of `bytes` with one bit flipped at `bit` (a bit index into the file). */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

/** Read every batch of `bytes` as `path`; resolves to the rows read. */
export async function readAll(bytes: Uint8Array, path = 'f.parquet'): Promise<number> {
  const store = new MemoryStore();
  await store.put(path, bytes);
  const reader = await openParquetFile(store, path);
  let rows = 0;
  try {
    for await (const b of reader.readBatches()) rows += b.numRows;
  } finally {
    reader.close();
  }
  return rows;
}

/** True when reading the error's file trapped the decoder (as opposed to a decode error it reported). */
export function isTrap(err: unknown): boolean {
  return err instanceof CorruptDataFileError && /trapped/.test(err.message);
}

/**
 * A copy of `bytes` with one seeded bit flip in its pages that makes the decoder trap (the
 * first of the seeded flips that does). Without trap handling this crashes or hangs the caller.
 */
export async function trappingFlip(bytes: Uint8Array, seed = 1): Promise<Uint8Array> {
  const { start, end } = await pageArea(bytes);
  const random = prng(seed);
  for (let i = 0; i < 200; i++) {
    const bit = (start + Math.floor(random() * (end - start))) * 8 + Math.floor(random() * 8);
    const damaged = flipBit(bytes, bit);
    try {
      await readAll(damaged);
    } catch (err) {
      if (isTrap(err)) return damaged;
    }
  }
  throw new Error('no seeded flip made the decoder trap');
}
