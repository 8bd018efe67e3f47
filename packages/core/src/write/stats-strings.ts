/**
 * String min/max for Delta stats: a scan over Arrow UTF-8 bytes (byte order = code point
 * order, as Spark and Parquet compare strings) and Delta Spark's truncation of the written
 * bounds to a 32-character prefix (min: a plain prefix; max: a prefix plus a tie-breaker).
 */
import * as arrow from 'apache-arrow';
import { offsetsAsNumbers } from '../arrow/data-utils.js';
import type { ValueStats } from './value-stats.js';

/** Delta's string stats prefix (Spark's spark.databricks.delta.stats.stringPrefixLength default). */
export const STRING_PREFIX_LENGTH = 32;

const isValid = (bm: Uint8Array, p: number): boolean => ((bm[p >> 3] >> (p & 7)) & 1) === 1;

function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const d = a[as + k] - b[bs + k];
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

// Scratch result of the string scan: [min start, min end, max start, max end].
const strOut = new Float64Array(4);

/**
 * Byte ranges of the smallest and largest valid strings (into strOut); -1 when none. Every
 * string between min and max starts with their common prefix, so a row is checked against
 * that prefix once, then decided by the next 4 bytes as a big-endian word in most cases.
 */
function scanStrings(
  b: Uint8Array,
  o: Int32Array | Float64Array,
  n: number,
  bm: Uint8Array | null,
  off: number,
): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let minS = -1;
  let minE = -1;
  let maxS = -1;
  let maxE = -1;
  let common = 0; // common prefix length of min and max
  let minK = 0; // 4 bytes of min after the prefix (0-padded), likewise for max
  let maxK = 0;
  for (let i = 0; i < n; i++) {
    if (bm !== null && !isValid(bm, off + i)) continue;
    const s = o[i];
    const e = o[i + 1];
    let side = 0; // -1: new min, 1: new max
    if (minS < 0) {
      side = 2;
    } else if (e - s < common + 4) {
      if (compareBytes(b, s, e, b, minS, minE) < 0) side = -1;
      else if (compareBytes(b, s, e, b, maxS, maxE) > 0) side = 1;
    } else {
      let d = 0;
      let k = 0;
      for (; k + 4 <= common && d === 0; k += 4) d = dv.getUint32(s + k) - dv.getUint32(minS + k);
      for (; k < common && d === 0; k++) d = b[s + k] - b[minS + k];
      if (d !== 0) side = d < 0 ? -1 : 1;
      else {
        // Differing words order like their bytes (a 0-padded key that differs still decides).
        const key = dv.getUint32(s + common);
        if (key < minK || (key === minK && compareBytes(b, s, e, b, minS, minE) < 0)) side = -1;
        else if (key > maxK || (key === maxK && compareBytes(b, s, e, b, maxS, maxE) > 0)) side = 1;
      }
    }
    if (side === 0) continue;
    if (side <= 0 || side === 2) {
      minS = s;
      minE = e;
    }
    if (side > 0) {
      maxS = s;
      maxE = e;
    }
    common = 0;
    while (minS + common < minE && maxS + common < maxE && b[minS + common] === b[maxS + common]) common++;
    minK = word4(b, minS + common, minE);
    maxK = word4(b, maxS + common, maxE);
  }
  strOut[0] = minS;
  strOut[1] = minE;
  strOut[2] = maxS;
  strOut[3] = maxE;
  return minS;
}

function word4(b: Uint8Array, s: number, e: number): number {
  let k = 0;
  for (let j = 0; j < 4; j++) k = k * 256 + (s + j < e ? b[s + j] : 0);
  return k;
}

const utf8 = new TextDecoder();

/** string: UTF-8 byte order; written truncated to Spark's prefix rules (see truncateMin/MaxString). */
export class StringStats implements ValueStats {
  private lo: Uint8Array | undefined;
  private hi: Uint8Array | undefined;

  /** `mismatch` throws for data that is not Utf8/LargeUtf8. */
  constructor(private readonly mismatch: (data: arrow.Data) => never) {}

  update(data: arrow.Data, bm: Uint8Array | null, off: number): void {
    const t = data.type;
    if (!arrow.DataType.isUtf8(t) && !arrow.DataType.isLargeUtf8(t)) this.mismatch(data);
    const n = data.length;
    const o = offsetsAsNumbers(data.valueOffsets, n + 1);
    const b = data.values as Uint8Array;
    if (scanStrings(b, o, n, bm, off) < 0) return;
    const [minS, minE, maxS, maxE] = strOut;
    if (this.lo === undefined || compareBytes(b, minS, minE, this.lo, 0, this.lo.length) < 0) {
      this.lo = b.slice(minS, minE);
    }
    if (this.hi === undefined || compareBytes(b, maxS, maxE, this.hi, 0, this.hi.length) > 0) {
      this.hi = b.slice(maxS, maxE);
    }
  }

  min(): string | undefined {
    return this.lo === undefined ? undefined : JSON.stringify(truncateMinString(utf8.decode(this.lo)));
  }

  max(): string | undefined {
    if (this.hi === undefined) return undefined;
    const s = truncateMaxString(utf8.decode(this.hi));
    return s === undefined ? undefined : JSON.stringify(s);
  }
}

/** Lower bound of a string: its first `prefix` code points (Spark: SQL substring of the min). */
export function truncateMinString(s: string, prefix = STRING_PREFIX_LENGTH): string {
  let units = 0;
  for (let cps = 0; cps < prefix && units < s.length; cps++) units += isPairAt(s, units) ? 2 : 1;
  return s.slice(0, units);
}

const ASCII_MAX = '\u007f';
const UNICODE_MAX = '\u{10ffff}'; // two UTF-16 units: \udbff\udfff

/**
 * Upper bound of a string, as Delta Spark's truncateMaxStringAgg: strings of at most `prefix`
 * UTF-16 units stay whole; longer ones keep `prefix` units (never splitting a surrogate pair)
 * plus a tie-breaker greater, in UTF-8 order, than the character it replaces: DEL (U+007F)
 * after an ASCII character below it, else U+10FFFF. When the cut lands on U+10FFFF itself the
 * prefix grows past it; beyond 2 x prefix units there is no bound (undefined: write no max).
 */
export function truncateMaxString(s: string, prefix = STRING_PREFIX_LENGTH): string | undefined {
  if (s.length <= prefix) return s;
  let len = isPairAt(s, prefix - 1) ? prefix + 1 : prefix;
  while (len <= 2 * prefix) {
    if (len >= s.length) return s;
    if (s.startsWith(UNICODE_MAX, len)) {
      len += 2;
      continue;
    }
    return s.slice(0, len) + (s.charCodeAt(len) < 0x7f ? ASCII_MAX : UNICODE_MAX);
  }
  return undefined;
}

function isPairAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return false;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}
