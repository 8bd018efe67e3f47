/**
 * The rows a deletion vector removes from one data file, as a sorted, de-duplicated
 * Float64Array of row indexes. Float64 (not Uint32) because row indexes are 64-bit in
 * the format and may pass 2^32; doubles hold every index below 2^53 exactly, compare at
 * native speed (unlike BigUint64Array) and cost 8 bytes per deleted row.
 */
import { InvalidArgumentError } from '../../errors.js';

export class DeletedRows {
  /** A vector that deletes nothing. */
  static readonly EMPTY = new DeletedRows(new Float64Array(0));

  /** Sorted ascending, no duplicates. Do not modify. */
  readonly rows: Float64Array;

  private constructor(rows: Float64Array) {
    this.rows = rows;
  }

  /** Wrap indexes already sorted ascending and unique (not checked: callers guarantee it). */
  static fromSortedUnique(rows: Float64Array): DeletedRows {
    return rows.length === 0 ? DeletedRows.EMPTY : new DeletedRows(rows);
  }

  /** Build from any row indexes: validated, sorted and de-duplicated. */
  static from(rows: ArrayLike<number>): DeletedRows {
    return DeletedRows.fromSortedUnique(sortedUniqueRowIndexes(rows));
  }

  /** Number of deleted rows. */
  get cardinality(): number {
    return this.rows.length;
  }

  /** Whether row `rowIndex` is deleted. */
  has(rowIndex: number): boolean {
    const i = lowerBound(this.rows, rowIndex);
    return i < this.rows.length && this.rows[i] === rowIndex;
  }

  /** Number of deleted rows in `[startRow, startRow + length)`. */
  countInRange(startRow: number, length: number): number {
    return lowerBound(this.rows, startRow + length) - lowerBound(this.rows, startRow);
  }

  /**
   * Keep-mask for rows `[startRow, startRow + length)`: byte i is 1 when row startRow+i
   * survives, 0 when deleted; null when no row in the range is deleted.
   * O(log n + length): a binary search finds the first deleted row of the range.
   */
  keepMask(startRow: number, length: number): Uint8Array | null {
    const rows = this.rows;
    const end = startRow + length;
    let i = lowerBound(rows, startRow);
    if (i >= rows.length || rows[i] >= end) return null;
    const mask = new Uint8Array(length).fill(1);
    for (; i < rows.length; i++) {
      const r = rows[i];
      if (r >= end) break;
      mask[r - startRow] = 0;
    }
    return mask;
  }

  /** Rows deleted by this vector or `other` (a DELETE on a file that already has a DV). */
  union(other: DeletedRows): DeletedRows {
    const a = this.rows;
    const b = other.rows;
    if (b.length === 0) return this;
    if (a.length === 0) return other;
    const out = new Float64Array(a.length + b.length);
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < a.length && j < b.length) {
      const x = a[i];
      const y = b[j];
      if (x < y) {
        out[n++] = x;
        i++;
      } else if (y < x) {
        out[n++] = y;
        j++;
      } else {
        out[n++] = x;
        i++;
        j++;
      }
    }
    while (i < a.length) out[n++] = a[i++];
    while (j < b.length) out[n++] = b[j++];
    return new DeletedRows(n === out.length ? out : out.slice(0, n));
  }
}

/** First position whose value is >= `value` (rows.length if none). */
export function lowerBound(rows: Float64Array, value: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Validate row indexes (integers in [0, 2^53)) and return them sorted and unique. Input
 * that is already sorted and unique is copied once and not sorted again.
 */
export function sortedUniqueRowIndexes(rows: ArrayLike<number>): Float64Array {
  const n = rows.length;
  let sorted = true;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const v = rows[i];
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new InvalidArgumentError(`row index must be an integer in [0, 2^53), got ${v} at position ${i}`);
    }
    if (v <= prev) sorted = false;
    prev = v;
  }
  const out = Float64Array.from(rows);
  if (sorted) return out;
  out.sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || out[i] !== out[m - 1]) out[m++] = out[i];
  return m === n ? out : out.slice(0, m);
}
