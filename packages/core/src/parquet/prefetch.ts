/**
 * Row groups fetched ahead of the decoder: parquet-wasm reads one row group after another,
 * so a large file costs one request wave per row group. A window of the next row groups'
 * byte ranges is fetched concurrently instead (bounded: `window` row groups in memory), and
 * the decoder's reads are answered from those bytes.
 */
import type { StoreFile } from './blob.js';
import type { RowGroupMetadata } from './types.js';

/** Byte range [start, end) of a row group's column chunks; undefined when the footer lacks offsets. */
export function rowGroupRange(rg: RowGroupMetadata): { start: number; end: number } | undefined {
  let start = Infinity;
  let end = 0;
  for (const c of rg.columns.values()) {
    if (c.start === undefined) return undefined;
    start = Math.min(start, c.start);
    end = Math.max(end, c.start + c.compressedSize);
  }
  return end > start ? { start, end } : undefined;
}

export class RowGroupPrefetcher {
  private readonly ranges: ({ start: number; end: number } | undefined)[];
  private released = 0;

  /** `order`: the row groups in the order they will be decoded. */
  constructor(
    private readonly file: StoreFile,
    groups: readonly RowGroupMetadata[],
    order: readonly number[],
    private readonly window: number,
  ) {
    this.ranges = order.map((i) => rowGroupRange(groups[i]!));
  }

  /** The decoder is at `order[at]`: drop what it passed, fetch up to `window` row groups from there. */
  advance(at: number): void {
    for (; this.released < at && this.released < this.ranges.length; this.released++) {
      const r = this.ranges[this.released];
      if (r) this.file.dropAhead(r.start);
    }
    const last = Math.min(this.ranges.length, at + this.window);
    for (let i = at; i < last; i++) {
      const r = this.ranges[i];
      if (r) this.file.fetchAhead(r.start, r.end);
    }
  }

  /** Drop every range still held. */
  close(): void {
    this.advance(this.ranges.length);
  }
}
