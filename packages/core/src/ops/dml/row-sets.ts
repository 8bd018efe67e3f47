/**
 * Row-index sets of one data file (sorted, unique, as DeletedRows): which rows a statement
 * matched, as a scan selector and as a per-batch mask.
 */
import { DeletedRows } from '../../protocol/deletion-vectors/index.js';
import type { RowSelector } from '../../read/file-scan.js';

/** A scan selector that keeps only the listed rows (DV UPDATE reads just the matched rows). */
export class OnlyRows implements RowSelector {
  constructor(private readonly rows: DeletedRows) {}
  keepMask(start: number, length: number): Uint8Array | null {
    const mask = new Uint8Array(length);
    const inverted = this.rows.keepMask(start, length);
    if (inverted) for (let i = 0; i < length; i++) mask[i] = 1 - inverted[i]!;
    return mask;
  }
}

/** mask[i] = 1 when rowIndex[i] is in `rows`; row indexes ascend within a batch. */
export function membership(rowIndex: Float64Array, rows: DeletedRows): Uint8Array {
  const mask = new Uint8Array(rowIndex.length);
  if (rowIndex.length === 0 || rows.cardinality === 0) return mask;
  const set = rows.rows;
  let j = lowerBound(set, rowIndex[0]!);
  for (let i = 0; i < rowIndex.length && j < set.length; i++) {
    const r = rowIndex[i]!;
    while (j < set.length && set[j]! < r) j++;
    if (j < set.length && set[j] === r) mask[i] = 1;
  }
  return mask;
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Collects ascending row indexes batch by batch into a DeletedRows. */
export class RowIndexCollector {
  private buf = new Float64Array(1024);
  private n = 0;

  addAll(indexes: Float64Array): void {
    if (this.n + indexes.length > this.buf.length) {
      const next = new Float64Array(Math.max(this.buf.length * 2, this.n + indexes.length));
      next.set(this.buf.subarray(0, this.n));
      this.buf = next;
    }
    this.buf.set(indexes, this.n);
    this.n += indexes.length;
  }

  rows(): DeletedRows {
    return DeletedRows.fromSortedUnique(this.buf.slice(0, this.n));
  }
}
