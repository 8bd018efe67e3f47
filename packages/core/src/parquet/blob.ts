/**
 * Ranged reads of one object through the ObjectStore, shaped for both Parquet decoders:
 * parquet-wasm wants a Blob (`size`, `slice(start, end).arrayBuffer()`), hyparquet an
 * AsyncBuffer (`byteLength`, `slice(start, end)`). Every byte goes through `store.get`
 * with a range, so on S3 each read is one ranged GET. One cached range (the footer,
 * fetched once at open) answers the decoders' footer reads without another request.
 */
import { CorruptDataFileError } from '../errors.js';
import type { ObjectStore } from '../storage/object-store.js';

/** What `Blob.slice()` returns, as far as parquet-wasm uses it. */
export interface BlobSliceLike {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The part of the DOM `Blob` interface that `ParquetFile.fromFile` uses. */
export interface BlobLike {
  readonly size: number;
  slice(start?: number, end?: number): BlobSliceLike;
}

/** hyparquet's AsyncBuffer. */
export interface AsyncBufferLike {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

/** One object of a store, read by byte ranges, with request counters for tests and benchmarks. */
export class StoreFile {
  /** Ranged GETs issued so far. */
  requests = 0;
  /** Bytes fetched from the store so far. */
  bytesFetched = 0;
  /** The last read failure; the wasm decoder reports JS errors only as text, so callers rethrow this. */
  lastError: unknown;
  private cached: { start: number; bytes: Uint8Array } | undefined;
  /** Ranges fetched ahead of the decoder (prefetch.ts), by start offset. */
  private readonly ahead = new Map<number, { end: number; bytes: Promise<Uint8Array> }>();

  constructor(
    readonly store: ObjectStore,
    readonly path: string,
    readonly size: number,
  ) {}

  /** Keep `bytes` (the object's bytes from `start`) to answer later reads inside that range. */
  cache(start: number, bytes: Uint8Array): void {
    this.cached = { start, bytes };
  }

  /** Start fetching bytes [start, end) now; reads inside the range wait for it instead of fetching. */
  fetchAhead(start: number, end: number): void {
    if (this.ahead.has(start)) return;
    const bytes = this.read(start, end);
    bytes.catch(() => undefined); // surfaces when a read awaits it
    this.ahead.set(start, { end, bytes });
  }

  /** Forget a range fetched ahead (its bytes are freed once no read holds them). */
  dropAhead(start: number): void {
    this.ahead.delete(start);
  }

  /** Bytes [start, end) of the object, from the cache when it covers the range. */
  async read(start: number, end: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) {
      // Offsets come from the file's own metadata: NaN or fractions mean it is damaged.
      throw new CorruptDataFileError(
        this.path,
        `${this.path}: the decoder asked for bytes [${start}, ${end}), which no file has: its metadata is damaged`,
      );
    }
    start = Math.max(0, start);
    end = Math.min(this.size, end);
    if (end <= start) return new Uint8Array(0);
    const c = this.cached;
    if (c && start >= c.start && end <= c.start + c.bytes.length) {
      return c.bytes.subarray(start - c.start, end - c.start);
    }
    for (const [aStart, a] of this.ahead) {
      if (start >= aStart && end <= a.end) return (await a.bytes).subarray(start - aStart, end - aStart);
    }
    this.requests++;
    try {
      return this.check(await this.store.get(this.path, { start, end }), start, end);
    } catch (err) {
      this.lastError = err;
      throw err;
    }
  }

  private check(bytes: Uint8Array, start: number, end: number): Uint8Array {
    this.bytesFetched += bytes.length;
    if (bytes.length !== end - start) {
      throw new CorruptDataFileError(
        this.path,
        `${this.path}: expected ${end - start} bytes at offset ${start} but the store returned ${bytes.length}; ` +
          'the file is shorter than its recorded size (truncated or replaced). Check the object in storage.',
      );
    }
    return bytes;
  }

  /** A Blob look-alike for `ParquetFile.fromFile`. */
  blob(): BlobLike {
    const slice = (start = 0, end = this.size): BlobSliceLike => {
      const s = Math.max(0, start);
      const e = Math.min(this.size, end);
      return { size: Math.max(0, e - s), arrayBuffer: () => this.handledRead(s, e) };
    };
    return { size: this.size, slice };
  }

  /** An AsyncBuffer for hyparquet. */
  asyncBuffer(): AsyncBufferLike {
    return { byteLength: this.size, slice: (start: number, end = this.size) => this.handledRead(start, end) };
  }

  /**
   * A read for a decoder. Decoders start several reads at once and, once one fails, may drop the
   * others without awaiting them: their failures must not become unhandled rejections (which end
   * a Node process). The decoder still sees the failure of any read it awaits.
   */
  private handledRead(start: number, end: number): Promise<ArrayBuffer> {
    const p = this.read(start, end).then(exactBuffer);
    p.catch(() => undefined);
    return p;
  }
}

/** An ArrayBuffer holding exactly these bytes (copying only when the view is partial). */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  // Copy into a fresh buffer: `slice()` on a Node Buffer is a view of a shared pool.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}
