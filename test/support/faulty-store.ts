/**
 * Fault injection for transaction tests: an ObjectStore wrapper that fails chosen calls with a
 * StorageError, as a flaky network or disk would. A fault targets the Nth call (1-based) of one
 * operation whose path matches a pattern, either before the call reaches the store or after it
 * (the "ambiguous" failure: the object was written but the caller sees an error).
 */
import {
  StorageError,
  type ByteRange,
  type ListOptions,
  type ObjectMeta,
  type ObjectStore,
  type PutOptions,
} from '@delta-serverless/core';

export type FaultOp = 'put' | 'putStream' | 'get';

export interface Fault {
  op: FaultOp;
  /** Fail the nth matching call (1-based). */
  nth: number;
  /** Only calls whose path matches count (default: all). */
  path?: RegExp;
  /**
   * When the failure happens: 'before' the store sees the call (default); 'midstream' (putStream
   * only) after the first chunk was consumed; 'after' the store completed it.
   */
  when?: 'before' | 'midstream' | 'after';
}

export class FaultyStore implements ObjectStore {
  readonly root: string;
  /** Every call seen, in order, as `op path` (for assertions and debugging). */
  readonly calls: string[] = [];
  /** Faults that fired, as `op path`. */
  readonly fired: string[] = [];
  private readonly counts = new Map<Fault, number>();

  constructor(
    readonly inner: ObjectStore,
    private faults: Fault[] = [],
  ) {
    this.root = inner.root;
  }

  /** Replace the armed faults (counters restart). */
  arm(...faults: Fault[]): void {
    this.faults = faults;
    this.counts.clear();
  }

  private match(op: FaultOp, path: string): Fault | undefined {
    this.calls.push(`${op} ${path}`);
    for (const f of this.faults) {
      if (f.op !== op || (f.path && !f.path.test(path))) continue;
      const n = (this.counts.get(f) ?? 0) + 1;
      this.counts.set(f, n);
      if (n === f.nth) return f;
    }
    return undefined;
  }

  private fail(op: FaultOp, path: string): StorageError {
    this.fired.push(`${op} ${path}`);
    return new StorageError(`injected fault: ${op} of ${path} failed`);
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    const f = this.match('get', path);
    if (f && f.when !== 'after') throw this.fail('get', path);
    const out = await this.inner.get(path, range);
    if (f) throw this.fail('get', path);
    return out;
  }

  head(path: string): Promise<ObjectMeta> {
    return this.inner.head(path);
  }

  async put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    const f = this.match('put', path);
    if (f && f.when !== 'after') throw this.fail('put', path);
    await this.inner.put(path, data, options);
    if (f) throw this.fail('put', path);
  }

  async putStream(path: string, chunks: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<void> {
    const f = this.match('putStream', path);
    if (f && (f.when ?? 'before') === 'before') throw this.fail('putStream', path);
    if (f && f.when === 'midstream') {
      // Read one chunk (the upload started), then die like a dropped connection.
      const it = chunks[Symbol.asyncIterator]();
      await it.next();
      throw this.fail('putStream', path);
    }
    await this.inner.putStream(path, chunks, options);
    if (f) throw this.fail('putStream', path);
  }

  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    return this.inner.list(prefix, options);
  }

  deleteMany(paths: readonly string[]): Promise<void> {
    return this.inner.deleteMany(paths);
  }
}
