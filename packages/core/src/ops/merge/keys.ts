/**
 * The source side of MERGE's equi-join: source rows indexed by their key values, so each
 * target row finds its matches in O(1). Keys compare as SQL equality: a NULL in any key
 * column never matches; integers compare by value whatever their width (int32 1 = int64 1);
 * -0 equals 0; NaN equals NaN (as Spark); dates and timestamps by instant; binary by bytes.
 */

/** One key value as read from Arrow (number, bigint, string, boolean, Date, bytes, or null). */
export type KeyValue = unknown;

function part(v: KeyValue): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'bigint') return `i${v}`;
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return `i${Object.is(v, -0) ? 0 : v}`;
    return Number.isNaN(v) ? 'fNaN' : `f${v}`;
  }
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'boolean') return v ? 'b1' : 'b0';
  if (v instanceof Date) return `d${v.getTime()}`;
  if (v instanceof Uint8Array) return `x${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  return `j${JSON.stringify(v)}`;
}

/** The composite key of one row as a string, or undefined when any part is NULL (matches nothing). */
export function keyOf(values: readonly KeyValue[]): string | undefined {
  let out = '';
  for (const v of values) {
    const p = part(v);
    if (p === undefined) return undefined;
    out += `${p.length}:${p}`;
  }
  return out;
}

/** Source rows by key: each key maps to the source row indexes that hold it. */
export class SourceKeyIndex {
  private readonly rows = new Map<string, number | number[]>();

  /** Index `numRows` source rows; `valuesAt(i)` gives row i's key values in key-column order. */
  constructor(numRows: number, valuesAt: (row: number) => readonly KeyValue[]) {
    for (let i = 0; i < numRows; i++) {
      const k = keyOf(valuesAt(i));
      if (k === undefined) continue;
      const seen = this.rows.get(k);
      if (seen === undefined) this.rows.set(k, i);
      else if (typeof seen === 'number') this.rows.set(k, [seen, i]);
      else seen.push(i);
    }
  }

  /** Source rows whose key equals `values` (empty when none or a value is NULL). */
  lookup(values: readonly KeyValue[]): readonly number[] {
    const k = keyOf(values);
    const hit = k === undefined ? undefined : this.rows.get(k);
    return hit === undefined ? [] : typeof hit === 'number' ? [hit] : hit;
  }

  get distinctKeys(): number {
    return this.rows.size;
  }
}
