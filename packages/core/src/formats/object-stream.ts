/**
 * An object as a stream of chunks: sequential ranged GETs through the ObjectStore, one chunk
 * prefetched ahead so parsing overlaps the next request. Memory holds at most two chunks.
 */
import { InputFormatError } from '../errors.js';
import type { ObjectStore } from '../storage/object-store.js';

export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

export interface ObjectChunkOptions {
  /** Bytes per ranged GET (default 8 MiB). */
  chunkBytes?: number;
  /** Object size when known (saves the HEAD request). */
  size?: number;
}

/** Stream `key` from the store in ranged chunks (a HEAD first unless `size` is given). */
export async function* readObjectChunks(
  store: ObjectStore,
  key: string,
  opts: ObjectChunkOptions = {},
): AsyncGenerator<Uint8Array> {
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0) {
    throw new InputFormatError(key, `chunkBytes must be a positive integer, got ${chunkBytes}`);
  }
  const size = opts.size ?? (await store.head(key)).size;
  const fetch = (start: number): Promise<Uint8Array> => {
    const p = store.get(key, { start, end: Math.min(size, start + chunkBytes) });
    p.catch(() => undefined); // a prefetch the consumer never awaits must not be an unhandled rejection
    return p;
  };
  let pos = 0;
  let next = size > 0 ? fetch(0) : undefined;
  while (next) {
    const chunk = await next;
    if (chunk.length === 0) {
      throw new InputFormatError(
        key,
        `${key}: the object ended at byte ${pos} but its size is ${size} (was it replaced while being read?); retry`,
      );
    }
    pos += chunk.length;
    next = pos < size ? fetch(pos) : undefined;
    yield chunk;
  }
}
