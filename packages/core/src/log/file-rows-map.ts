/**
 * A checkpoint's column store of adds (file-rows.ts) seen as the immutable base of a table
 * state's file map (overlay-map.ts): keys are file keys (canonical path + DV id), values are
 * `AddFile` objects built when asked for. Later commits' changes live in the overlay; when it
 * folds, the changes become a new base of this kind (rows hidden in a bitmap, rows given a new
 * value by row number, files added after the checkpoint in a plain map), so a fold never turns
 * the million checkpoint rows into objects.
 */
import type { AddFile, FileStats } from '../protocol/actions.js';
import type { FileRows } from './file-rows.js';
import type { MapBase } from './overlay-map.js';
import { fileKey } from './replay.js';

export class FileRowsMap implements MapBase<string, AddFile> {
  private constructor(
    private readonly rows: FileRows,
    /** Typed stats of adds built from rows (`stats_parsed`), shared with the table state. */
    private readonly stats: WeakMap<AddFile, FileStats>,
    /** Rows that are not live (shadowed in the checkpoint, or removed by a later commit). */
    private readonly removed: Uint8Array,
    private readonly replaced: ReadonlyMap<number, AddFile>,
    private readonly tail: ReadonlyMap<string, AddFile>,
    readonly size: number,
  ) {}

  static of(rows: FileRows, stats: WeakMap<AddFile, FileStats>): FileRowsMap {
    return new FileRowsMap(rows, stats, rows.shadowed, new Map(), new Map(), rows.live);
  }

  private isRemoved(row: number): boolean {
    return (this.removed[row >> 3]! & (1 << (row & 7))) !== 0;
  }

  /** Live row of a key, or -1. */
  private rowOf(key: string): number {
    const row = this.rows.find(key);
    return row >= 0 && !this.isRemoved(row) ? row : -1;
  }

  has(key: string): boolean {
    return this.rowOf(key) >= 0 || this.tail.has(key);
  }

  get(key: string): AddFile | undefined {
    const row = this.rowOf(key);
    if (row < 0) return this.tail.get(key);
    return this.replaced.get(row) ?? this.rows.add(row, this.stats);
  }

  *entries(): IterableIterator<[string, AddFile]> {
    const { rows, replaced } = this;
    for (let c = 0; c < rows.chunkCount; c++) {
      const start = rows.chunkStart(c);
      const adds = rows.chunkAdds(c, this.stats);
      for (let i = 0; i < adds.length; i++) {
        if (this.isRemoved(start + i)) continue;
        const add = (replaced.size > 0 && replaced.get(start + i)) || adds[i]!;
        yield [fileKey(add.path, add.deletionVector), add];
      }
    }
    yield* this.tail;
  }

  withChanges(
    hidden: ReadonlySet<string>,
    replaced: ReadonlyMap<string, AddFile>,
    tail: ReadonlyMap<string, AddFile>,
  ): FileRowsMap {
    const removed = this.removed.slice();
    const byRow = new Map(this.replaced);
    const after = new Map(this.tail);
    let size = this.size;
    for (const key of hidden) {
      const row = this.rowOf(key);
      if (row >= 0) {
        removed[row >> 3]! |= 1 << (row & 7);
        byRow.delete(row);
        size--;
      } else if (after.delete(key)) size--;
    }
    for (const [key, add] of replaced) {
      const row = this.rowOf(key);
      if (row >= 0) byRow.set(row, add);
      else after.set(key, add);
    }
    for (const [key, add] of tail) {
      if (!after.has(key)) size++;
      after.set(key, add);
    }
    return new FileRowsMap(this.rows, this.stats, removed, byRow, after, size);
  }
}
