/**
 * Z-order (Morton) keys and the row permutation that sorts a batch by them.
 *
 * Mapping of values to key bits. Spark maps each column to a range-partition id (sampled
 * quantiles) and interleaves those ids. We do the same without sampling, since the bin is
 * in memory: each value becomes an order-preserving double (ints and dates as is, long /
 * timestamp / decimal through Number() which is monotone, float NaN as +Infinity, booleans
 * 0/1, strings and binaries by their first 6 bytes big-endian), then its exact quantile rank
 * within the bin (an argsort by the IEEE order-preserving bit pattern of the double), scaled
 * to `b` bits (b = min(32, floor(64 / columns))). Nulls get 0, so they sort first. Ranks spend the bits evenly even on skewed data, where min/max scaling would
 * crowd most rows into a few codes. Interleaving takes one bit of every column per level,
 * most significant first, into a 64-bit key (hi/lo words), sorted by a stable LSD radix sort.
 */
import type * as arrow from 'apache-arrow';
import { Type } from 'apache-arrow';
import { readValues } from '../../expr/eval-values.js';
import { validity } from '../../expr/arrow-access.js';
import type { DataType } from '../../protocol/schema.js';

export interface ZColumn {
  data: arrow.Data;
  type: DataType;
}

/** Order-preserving doubles for a column (null rows: value unspecified, valid[i] = 0). */
export function ordinalValues(col: ZColumn, n: number): { values: Float64Array; valid: Uint8Array | null } {
  const slice = { leaf: col.data, parents: [], off: 0 };
  const valid = validity(slice, n);
  const out = new Float64Array(n);
  const t = col.data.type.typeId;
  if (t === Type.Utf8 || t === Type.Binary) {
    const offs = col.data.valueOffsets as Int32Array;
    const bytes = col.data.values as Uint8Array;
    for (let i = 0; i < n; i++) {
      const s = offs[i]!;
      const len = offs[i + 1]! - s;
      let v = 0;
      for (let k = 0; k < 6; k++) v = v * 256 + (k < len ? bytes[s + k]! : 0);
      out[i] = v;
    }
    return { values: out, valid };
  }
  const vals = readValues(slice, n, col.type);
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    out[i] =
      typeof v === 'number'
        ? Number.isNaN(v)
          ? Infinity
          : v
        : typeof v === 'bigint'
          ? Number(v)
          : typeof v === 'boolean'
            ? +v
            : 0;
  }
  return { values: out, valid };
}

/** Order-preserving 64-bit words of doubles (IEEE trick: flip all bits of negatives, else the sign). */
function doubleKeys(values: Float64Array): { hi: Uint32Array; lo: Uint32Array } {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const n = values.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + 1]!; // little-endian: high word second
    const l = words[2 * i]!;
    const neg = h >>> 31 === 1;
    hi[i] = neg ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[i] = neg ? ~l >>> 0 : l;
  }
  return { hi, lo };
}

/** Quantile codes in [1, 2^bits - 1] for present values, 0 for nulls (ties share a code). */
export function rankCodes(values: Float64Array, valid: Uint8Array | null, bits: number): Uint32Array {
  const n = values.length;
  const v = values.map((x) => (x === 0 ? 0 : x)); // -0 ties with 0
  const keys = doubleKeys(v);
  if (valid) for (let i = 0; i < n; i++) if (valid[i] !== 1) keys.hi[i] = keys.lo[i] = 0; // nulls first
  const order = sortByKey(keys.hi, keys.lo);
  let nulls = 0;
  if (valid) for (let i = 0; i < n; i++) nulls += valid[i] === 1 ? 0 : 1;
  const m = n - nulls;
  const span = 2 ** bits - 2; // codes 1 .. 2^bits - 1
  const codes = new Uint32Array(n);
  let rank = 0;
  for (let j = nulls; j < n; j++) {
    const r = order[j]!;
    // A tie keeps the rank of its first occurrence (lower bound), like the quantile of its value.
    if (j > nulls && v[r] !== v[order[j - 1]!]) rank = j - nulls;
    codes[r] = 1 + (m > 1 ? Math.floor((rank * span) / (m - 1)) : 0);
  }
  return codes;
}

/** Interleave per-column codes (`bits` each) into 64-bit keys, most significant bits first. */
export function interleave(
  codes: readonly Uint32Array[],
  bits: number,
  n: number,
): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const k = codes.length;
  // One pass over the rows per (column, bit): sequential typed-array loops, no per-row bit loop.
  for (let c = 0; c < k; c++) {
    const code = codes[c]!;
    for (let j = bits - 1; j >= 0; j--) {
      const pos = (bits - 1 - j) * k + c;
      const out = pos < 32 ? hi : lo;
      const shift = pos < 32 ? 31 - pos : 63 - pos;
      for (let i = 0; i < n; i++) out[i] = (out[i]! | (((code[i]! >>> j) & 1) << shift)) >>> 0;
    }
  }
  return { hi, lo };
}

/** Stable LSD radix sort of row indexes by (hi, lo), 16 bits per pass; keys travel with indexes. */
export function sortByKey(hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const n = hi.length;
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let h = hi.slice();
  let l = lo.slice();
  let idx2 = new Uint32Array(n);
  let h2 = new Uint32Array(n);
  let l2 = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const shift = (pass & 1) * 16;
    const words = pass < 2 ? l : h;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(words[i]! >>> shift) & 0xffff]!++;
    if (n === 0 || counts[(words[0]! >>> shift) & 0xffff] === n) continue; // one digit: no-op pass
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const at = counts[(words[i]! >>> shift) & 0xffff]!++;
      idx2[at] = idx[i]!;
      h2[at] = h[i]!;
      l2[at] = l[i]!;
    }
    [idx, idx2, h, h2, l, l2] = [idx2, idx, h2, h, l2, l];
  }
  return idx;
}

/** Row order of `columns` (same length n) along the Z-order curve. */
export function zOrderPermutation(columns: readonly ZColumn[], n: number): Uint32Array {
  const bits = Math.min(32, Math.floor(64 / Math.max(1, columns.length)));
  const codes = columns.map((c) => {
    const { values, valid } = ordinalValues(c, n);
    return rankCodes(values, valid, bits);
  });
  const { hi, lo } = interleave(codes, bits, n);
  return sortByKey(hi, lo);
}
