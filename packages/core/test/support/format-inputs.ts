/** Helpers for the formats tests: in-memory inputs, a GET-counting store, rows out of batches. */
import type * as arrow from 'apache-arrow';
import { batchToObjects, type JsonValue } from '../../src/arrow/json-values.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import type { ByteRange } from '../../src/storage/object-store.js';

/** Chunks of a string or bytes, `size` bytes each. */
export async function* chunksOf(data: string | Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function collect(batches: AsyncIterable<arrow.RecordBatch>): Promise<arrow.RecordBatch[]> {
  const out: arrow.RecordBatch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

/** All rows of the batches as objects in the corpus value encoding. */
export function rowsOf(batches: readonly arrow.RecordBatch[]): Record<string, JsonValue>[] {
  return batches.flatMap((b) => batchToObjects(b));
}

/** A MemoryStore that counts ranged GETs. */
export class CountingStore extends MemoryStore {
  gets = 0;
  override async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    this.gets++;
    return super.get(path, range);
  }
}
