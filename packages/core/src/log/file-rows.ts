/**
 * A checkpoint's add actions held as columns, not as one JS object per file: paths and JSON
 * stats as UTF-8 bytes with offsets, size / modificationTime / dataChange in typed arrays,
 * partition values dictionary-encoded (a table's million files share a few hundred distinct
 * maps), the rare fields (deletion vector, tags, row tracking, ...) kept per row only where
 * present. A file's key (canonical path + DV id) is found through an open-addressing hash
 * index over row numbers. `AddFile` objects are built on demand: one row (`add`), or a chunk
 * at a time when iterating (`chunkAdds`).
 *
 * Built chunk by chunk from the Arrow `add` column of each decoded checkpoint batch
 * (`FileRowsBuilder`), so no list of every action exists before replay.
 */
import type * as arrow from 'apache-arrow';
import type { AddFile, FileStats } from '../protocol/actions.js';
import { canonicalLogPath } from '../protocol/paths.js';
import { addChunkOf, type AddChunk } from './file-rows-chunk.js';
import { fileKey } from './replay.js';

const decoder = new TextDecoder();

/**
 * Hash of a key: FNV-1a-style over its UTF-16 code units taken four at a time (for an ASCII
 * key, the same as over its bytes: `plainPathHash`).
 */
export function hashKey(s: string): number {
  let h = 0x811c9dc5;
  const n = s.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
    h = Math.imul(h ^ w, 0x01000193);
  }
  for (; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * Hash of a row's key straight from its path bytes when the key is the path itself (ASCII,
 * nothing to decode or qualify; the caller checks there is no DV); undefined when the key
 * must be built as a string.
 */
function plainPathHash(bytes: Uint8Array, start: number, end: number): number | undefined {
  if (end === start || bytes[start] === 47 /* / */) return undefined;
  for (let j = start; j < end; j++) {
    const b = bytes[j]!;
    if (b >= 0x80 || b === 37 /* % */ || b === 58 /* : */) return undefined;
  }
  let h = 0x811c9dc5;
  let j = start;
  for (; j + 4 <= end; j += 4) {
    const w = bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16) | (bytes[j + 3]! << 24);
    h = Math.imul(h ^ w, 0x01000193);
  }
  for (; j < end; j++) h = Math.imul(h ^ bytes[j]!, 0x01000193);
  return h | 0;
}

/** Where typed stats (`stats_parsed`) of the adds built from rows go. */
export type StatsSink = { set(add: AddFile, stats: FileStats): unknown };

/** The immutable column store of one checkpoint's adds, with its key index. */
export class FileRows {
  /** Rows a later row with the same key replaced (set bits): not live. */
  readonly shadowed: Uint8Array;
  /** Live rows (rows minus shadowed ones). */
  readonly live: number;
  /** Sum of the live rows' sizes. */
  readonly sizeBytes: number;
  private readonly starts: Int32Array;
  private readonly hashes: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** Rows held (live and shadowed). */
  readonly rows: number;

  constructor(private readonly chunks: readonly AddChunk[]) {
    this.rows = chunks.reduce((n, c) => n + c.n, 0);
    const rows = this.rows;
    this.starts = new Int32Array(chunks.length + 1);
    chunks.forEach((c, i) => (this.starts[i + 1] = this.starts[i]! + c.n));
    this.shadowed = new Uint8Array((rows >> 3) + 1);
    this.hashes = new Int32Array(rows);
    let cap = 16;
    while (cap < rows * 2) cap *= 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    const { live, sizeBytes } = this.index();
    this.live = live;
    this.sizeBytes = sizeBytes;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** First row of chunk `c`. */
  chunkStart(c: number): number {
    return this.starts[c]!;
  }

  isShadowed(row: number): boolean {
    return (this.shadowed[row >> 3]! & (1 << (row & 7))) !== 0;
  }

  private index(): { live: number; sizeBytes: number } {
    let live = 0;
    let sizeBytes = 0;
    let row = 0;
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.n; i++, row++) {
        const s = chunk.pathOffsets[i]!;
        const e = chunk.pathOffsets[i + 1]!;
        const plain = chunk.extras.get(i)?.deletionVector ? undefined : plainPathHash(chunk.pathBytes, s, e);
        const h = plain ?? hashKey(this.key(row));
        this.hashes[row] = h;
        const size = chunk.size[i]!;
        const replaced = this.insert(row, h);
        if (replaced >= 0) {
          this.shadowed[replaced >> 3]! |= 1 << (replaced & 7);
          sizeBytes -= this.sizeOf(replaced);
        } else live++;
        sizeBytes += Number.isNaN(size) ? 0 : size;
      }
    }
    return { live, sizeBytes };
  }

  /** Put `row` in the index; returns the row with the same key it replaced, or -1. */
  private insert(row: number, h: number): number {
    let slot = h & this.mask;
    let key: string | undefined;
    for (;;) {
      const at = this.slots[slot]! - 1;
      if (at < 0) {
        this.slots[slot] = row + 1;
        return -1;
      }
      if (this.hashes[at] === h && (key ??= this.key(row)) === this.key(at)) {
        this.slots[slot] = row + 1;
        return at;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Row of the file with this key (canonical path + DV id, see `fileKey`), or -1. */
  find(key: string): number {
    const h = hashKey(key);
    let slot = h & this.mask;
    for (;;) {
      const at = this.slots[slot]! - 1;
      if (at < 0) return -1;
      if (this.hashes[at] === h && this.key(at) === key) return at;
      slot = (slot + 1) & this.mask;
    }
  }

  private locate(row: number): [AddChunk, number] {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    return [this.chunks[lo]!, row - this.starts[lo]!];
  }

  /** The key of a row (what `fileKey` gives for its add). */
  key(row: number): string {
    const [chunk, i] = this.locate(row);
    const path = decoder.decode(chunk.pathBytes.subarray(chunk.pathOffsets[i], chunk.pathOffsets[i + 1]));
    const dv = chunk.extras.get(i)?.deletionVector;
    return dv ? fileKey(path, dv as AddFile['deletionVector']) : canonicalLogPath(path);
  }

  sizeOf(row: number): number {
    const [chunk, i] = this.locate(row);
    const size = chunk.size[i]!;
    return Number.isNaN(size) ? 0 : size;
  }

  /** The add of one row (a new object each call), its typed stats registered in `stats`. */
  add(row: number, stats: StatsSink): AddFile {
    const [chunk, i] = this.locate(row);
    return chunk.materialize(i, i + 1, stats)[0]!;
  }

  /** The adds of chunk `c`, in row order (shadowed rows included: callers skip them). */
  chunkAdds(c: number, stats: StatsSink): AddFile[] {
    const chunk = this.chunks[c]!;
    return chunk.materialize(0, chunk.n, stats);
  }
}

/** Collects the `add` column of checkpoint batches into chunks (one per Arrow Data). */
export class FileRowsBuilder {
  readonly chunks: AddChunk[] = [];

  /** `version`: the checkpoint's, for error messages. */
  constructor(private readonly version: number) {}

  /** Take the valid rows of one batch's `add` column (throws on an add without a path). */
  append(data: arrow.Data): void {
    if (data.nullCount === data.length) return;
    const chunk = addChunkOf(data, this.version);
    if (chunk.n > 0) this.chunks.push(chunk);
  }
}
