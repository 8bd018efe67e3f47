/**
 * ObjectStore wrappers for benchmarks: `InstrumentedStore` counts requests and sequential
 * waves and can add a fixed latency per request (to show what S3-like round trips cost).
 *
 * A wave starts whenever the number of requests in flight goes from 0 to 1, so N waves
 * means N round trips on the critical path however many requests each wave held.
 * A listing counts as one request per page of `listPageSize` keys (S3 returns 1,000), each
 * page paying the latency, in flight from the first `next()` until the listing ends.
 */
import type { ByteRange, ListOptions, ObjectMeta, ObjectStore, PutOptions } from '@delta-serverless/core';

export interface StoreCounters {
  requests: number;
  gets: number;
  heads: number;
  lists: number;
  listPages: number;
  puts: number;
  deletes: number;
  bytesRead: number;
  waves: number;
}

/** One recorded request: its wave, kind and key (prefix for lists). */
export interface RequestRecord {
  wave: number;
  kind: 'get' | 'head' | 'list' | 'put' | 'delete';
  path: string;
  bytes?: number;
}

const sleep = (msec: number) => new Promise<void>((resolve) => setTimeout(resolve, msec));

export class InstrumentedStore implements ObjectStore {
  counters: StoreCounters = InstrumentedStore.zero();
  /** Every request in issue order (ranges summarised as byte counts). */
  log: RequestRecord[] = [];
  private inflight = 0;

  constructor(
    readonly inner: ObjectStore,
    /** Added before each request (and each list page) completes, in ms. */
    readonly latencyMs = 0,
    readonly listPageSize = 1000,
  ) {}

  static zero(): StoreCounters {
    return { requests: 0, gets: 0, heads: 0, lists: 0, listPages: 0, puts: 0, deletes: 0, bytesRead: 0, waves: 0 };
  }

  get root(): string {
    return this.inner.root;
  }

  reset(): void {
    this.counters = InstrumentedStore.zero();
    this.log = [];
  }

  private begin(kind: RequestRecord['kind'], path: string): RequestRecord {
    if (this.inflight++ === 0) this.counters.waves++;
    this.counters.requests++;
    const rec: RequestRecord = { wave: this.counters.waves, kind, path };
    this.log.push(rec);
    return rec;
  }

  /** Requests grouped by wave: `wave 2: get x3 (_delta_log/...), list x1` style lines. */
  waveSummary(): string[] {
    const lines: string[] = [];
    for (let w = 1; w <= this.counters.waves; w++) {
      const reqs = this.log.filter((r) => r.wave === w);
      const kinds = new Map<string, RequestRecord[]>();
      for (const r of reqs) kinds.set(r.kind, [...(kinds.get(r.kind) ?? []), r]);
      const parts = [...kinds].map(([k, rs]) => {
        const files = [...new Set(rs.map((r) => r.path.replace(/^_delta_log\/(?=.)/, '')))];
        const shown = files.length > 3 ? `${files.slice(0, 2).join(', ')}, ... ${files.length} keys` : files.join(', ');
        return `${k} x${rs.length} (${shown})`;
      });
      lines.push(`wave ${w}: ${parts.join('; ')}`);
    }
    return lines;
  }

  private end(): void {
    this.inflight--;
  }

  private async track<T>(kind: RequestRecord['kind'], path: string, run: () => Promise<T>): Promise<T> {
    this.begin(kind, path);
    try {
      const [out] = await Promise.all([run(), this.latencyMs > 0 ? sleep(this.latencyMs) : undefined]);
      return out;
    } finally {
      this.end();
    }
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    this.counters.gets++;
    const bytes = await this.track('get', path, () => this.inner.get(path, range));
    this.counters.bytesRead += bytes.length;
    return bytes;
  }

  head(path: string): Promise<ObjectMeta> {
    this.counters.heads++;
    return this.track('head', path, () => this.inner.head(path));
  }

  put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    this.counters.puts++;
    return this.track('put', path, () => this.inner.put(path, data, options));
  }

  putStream(path: string, chunks: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<void> {
    this.counters.puts++;
    return this.track('put', path, () => this.inner.putStream(path, chunks, options));
  }

  deleteMany(paths: readonly string[]): Promise<void> {
    this.counters.deletes++;
    return this.track('delete', paths[0] ?? '', () => this.inner.deleteMany(paths));
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    this.counters.lists++;
    this.counters.listPages++;
    this.begin('list', prefix);
    try {
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      let inPage = 0;
      for await (const meta of this.inner.list(prefix, options)) {
        if (inPage === this.listPageSize) {
          // The next page is another round trip (requests counted per page).
          this.counters.listPages++;
          this.counters.requests++;
          if (this.latencyMs > 0) await sleep(this.latencyMs);
          inPage = 0;
        }
        inPage++;
        yield meta;
      }
    } finally {
      this.end();
    }
  }
}
