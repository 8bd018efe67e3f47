/**
 * An ObjectStore wrapper for tests that counts and records every request (get, head, list,
 * put, delete) before delegating, so tests can assert exactly which objects a read touched
 * and in how many sequential waves.
 */
import type { ByteRange, ListOptions, ObjectMeta, ObjectStore, PutOptions } from '@delta-serverless/core';

export type RequestKind = 'get' | 'head' | 'list' | 'put' | 'delete';

export interface RecordedRequest {
  kind: RequestKind;
  /** Key for get/head/put, prefix for list, first key for delete. */
  path: string;
  range?: ByteRange;
  startAfter?: string;
  /**
   * Sequential wave: 1 + the highest wave among requests that had completed when this one
   * started (a request started while nothing had completed yet is wave 1).
   */
  wave: number;
}

export class CountingStore implements ObjectStore {
  readonly requests: RecordedRequest[] = [];
  /** Waves of the requests completed so far (for the wave of the next request). */
  private completedWave = 0;

  constructor(readonly inner: ObjectStore) {}

  get root(): string {
    return this.inner.root;
  }

  /** Forget what was recorded (waves restart at 1). */
  reset(): void {
    this.requests.length = 0;
    this.completedWave = 0;
  }

  count(kind: RequestKind): number {
    return this.requests.filter((r) => r.kind === kind).length;
  }

  /** Paths of the requests of one kind, in the order they were issued. */
  paths(kind: RequestKind): string[] {
    return this.requests.filter((r) => r.kind === kind).map((r) => r.path);
  }

  /** Highest wave recorded. */
  get waves(): number {
    return this.requests.reduce((m, r) => Math.max(m, r.wave), 0);
  }

  private begin(req: Omit<RecordedRequest, 'wave'>): RecordedRequest {
    const rec = { ...req, wave: this.completedWave + 1 };
    this.requests.push(rec);
    return rec;
  }

  private end(rec: RecordedRequest): void {
    this.completedWave = Math.max(this.completedWave, rec.wave);
  }

  private async track<T>(req: Omit<RecordedRequest, 'wave'>, run: () => Promise<T>): Promise<T> {
    const rec = this.begin(req);
    try {
      return await run();
    } finally {
      this.end(rec);
    }
  }

  get(path: string, range?: ByteRange): Promise<Uint8Array> {
    return this.track({ kind: 'get', path, range }, () => this.inner.get(path, range));
  }

  head(path: string): Promise<ObjectMeta> {
    return this.track({ kind: 'head', path }, () => this.inner.head(path));
  }

  put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    return this.track({ kind: 'put', path }, () => this.inner.put(path, data, options));
  }

  putStream(path: string, chunks: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<void> {
    return this.track({ kind: 'put', path }, () => this.inner.putStream(path, chunks, options));
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    const rec = this.begin({ kind: 'list', path: prefix, startAfter: options?.startAfter });
    try {
      yield* this.inner.list(prefix, options);
    } finally {
      this.end(rec);
    }
  }

  deleteMany(paths: readonly string[]): Promise<void> {
    return this.track({ kind: 'delete', path: paths[0] ?? '' }, () => this.inner.deleteMany(paths));
  }
}
