/**
 * A store wrapper for deterministic races: `hook` runs once, right before the first commit-file
 * put, i.e. after the transaction read its snapshot and wrote its data files.
 */
import type { ByteRange, ListOptions, ObjectMeta, ObjectStore, PutOptions } from '@delta-serverless/core';

/** Runs `hook(version)` once before the first `_delta_log/<version>.json` put, then delegates. */
export class InterleavingStore implements ObjectStore {
  readonly root: string;
  private hook: ((version: number) => Promise<void>) | undefined;

  constructor(
    private readonly inner: ObjectStore,
    hook: (version: number) => Promise<void>,
  ) {
    this.root = inner.root;
    this.hook = hook;
  }

  /** True once the hook has run. */
  get fired(): boolean {
    return this.hook === undefined;
  }

  async put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    const m = /^_delta_log\/(\d{20})\.json$/.exec(path);
    if (m && this.hook) {
      const h = this.hook;
      this.hook = undefined;
      await h(Number(m[1]));
    }
    return this.inner.put(path, data, options);
  }
  get(path: string, range?: ByteRange): Promise<Uint8Array> {
    return this.inner.get(path, range);
  }
  head(path: string): Promise<ObjectMeta> {
    return this.inner.head(path);
  }
  putStream(path: string, chunks: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<void> {
    return this.inner.putStream(path, chunks, options);
  }
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    return this.inner.list(prefix, options);
  }
  deleteMany(paths: readonly string[]): Promise<void> {
    return this.inner.deleteMany(paths);
  }
}
