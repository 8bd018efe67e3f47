/**
 * Min/max of one column over Arrow batches, rendered as Delta stats JSON values the way Delta
 * Spark writes them (see docs in stats.ts). Each batch is scanned with a tight loop over its
 * typed arrays; only the batch's extremes are converted and merged with earlier batches.
 *
 * Orderings: numbers numerically with NaN above everything (Spark's), 64/128-bit integers
 * word by word without BigInt per row, strings by UTF-8 bytes (= code point order, Spark's
 * and Parquet's; stats-strings.ts), never by JS UTF-16 comparison.
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError } from '../errors.js';
import { floorDiv, formatDate, formatDecimal, formatTimestampMicros } from '../protocol/scalar.js';
import { formatDataType, type DataType } from '../protocol/schema.js';
import { int32Words } from '../arrow/data-utils.js';
import { readBigInt } from '../arrow/int-words.js';
import { StringStats } from './stats-strings.js';
import type { ValueStats } from './value-stats.js';

/** Min/max tracker for a Delta type with statistics (see hasMinMax), checking batches against `path`. */
export function createValueStats(type: DataType, path: string): ValueStats {
  switch (type.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
    case 'date':
      return new NumberStats(type, path);
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return new Int64Stats(type, path);
    case 'decimal':
      return new DecimalStats(type.precision, type.scale, path);
    case 'string':
      return new StringStats((data) => mismatch(path, type, data));
    default:
      throw new SchemaMismatchError(`column ${path}: Delta type ${formatDataType(type)} has no min/max statistics`);
  }
}

function mismatch(path: string, type: DataType, data: arrow.Data): never {
  throw new SchemaMismatchError(
    `column ${path}: Arrow type ${String(data.type)} does not match the table type ${formatDataType(type)}; ` +
      'cast the data to the table schema before writing',
  );
}

type NumArray =
  Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

// Scratch result of the number scan: [min, max, valid rows, NaN rows].
const numOut = new Float64Array(4);

function scanNumbers(v: NumArray, n: number, bm: Uint8Array | null, off: number): void {
  let mn = Infinity;
  let mx = -Infinity;
  let cnt = 0;
  let nan = 0;
  if (bm === null) {
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (x < mn) mn = x;
      if (x > mx) mx = x;
      if (x !== x) nan++;
    }
    cnt = n;
  } else {
    for (let i = 0; i < n; i++) {
      const p = off + i;
      if (((bm[p >> 3] >> (p & 7)) & 1) === 0) continue;
      const x = v[i];
      if (x < mn) mn = x;
      if (x > mx) mx = x;
      if (x !== x) nan++;
      cnt++;
    }
  }
  numOut[0] = mn;
  numOut[1] = mx;
  numOut[2] = cnt;
  numOut[3] = nan;
}

/** byte/short/integer/date (exact in a double) and float/double (NaN and infinities as Spark writes them). */
class NumberStats implements ValueStats {
  private lo = Infinity;
  private hi = -Infinity;
  private numbers = 0; // non-NaN values seen
  private nans = 0;
  private readonly float: boolean;

  constructor(
    private readonly type: DataType,
    private readonly path: string,
  ) {
    this.float = type.type === 'float' || type.type === 'double';
  }

  update(data: arrow.Data, bm: Uint8Array | null, off: number): void {
    const t = data.type;
    const ok = this.float
      ? arrow.DataType.isFloat(t) && t.precision !== arrow.Precision.HALF
      : this.type.type === 'date'
        ? arrow.DataType.isDate(t) && t.unit === arrow.DateUnit.DAY
        : arrow.DataType.isInt(t) && t.bitWidth <= 32;
    if (!ok) mismatch(this.path, this.type, data);
    scanNumbers(data.values as NumArray, data.length, bm, off);
    if (numOut[0] < this.lo) this.lo = numOut[0];
    if (numOut[1] > this.hi) this.hi = numOut[1];
    this.numbers += numOut[2] - numOut[3];
    this.nans += numOut[3];
  }

  // Spark orders NaN above every number: max is NaN once a NaN is seen, min only if all are NaN.
  min(): string | undefined {
    if (this.numbers > 0) return this.text(this.lo);
    return this.nans > 0 ? '"NaN"' : undefined;
  }

  max(): string | undefined {
    if (this.nans > 0) return '"NaN"';
    return this.numbers > 0 ? this.text(this.hi) : undefined;
  }

  private text(v: number): string {
    if (this.type.type === 'date') return JSON.stringify(formatDate(v));
    // JSON has no infinities; Spark (Jackson) writes them as strings, which Delta readers accept.
    if (v === Infinity) return '"Infinity"';
    if (v === -Infinity) return '"-Infinity"';
    // A float is written as its exact double value (not Java's shortest float text) so a reader
    // that parses it as a double still gets a bound that holds.
    return Object.is(v, -0) ? '-0.0' : String(v);
  }
}

// Scratch result of the 64-bit scan: [min hi, min lo, max hi, max lo] and the valid row count.
const i64Out = new Int32Array(4);
let i64Count = 0;

function scanInt64(w: Int32Array, n: number, bm: Uint8Array | null, off: number): void {
  // Sentinels are the extreme values themselves, so "all values equal the sentinel" is still right.
  let minH = 0x7fffffff;
  let minL = 0xffffffff;
  let maxH = -0x80000000;
  let maxL = 0;
  let cnt = 0;
  for (let i = 0; i < n; i++) {
    if (bm !== null) {
      const p = off + i;
      if (((bm[p >> 3] >> (p & 7)) & 1) === 0) continue;
    }
    const h = w[2 * i + 1];
    // Rows with a different high word than both extremes decide on it alone.
    if (h < minH) {
      minH = h;
      minL = w[2 * i] >>> 0;
    } else if (h === minH) {
      const l = w[2 * i] >>> 0;
      if (l < minL) minL = l;
    }
    if (h > maxH) {
      maxH = h;
      maxL = w[2 * i] >>> 0;
    } else if (h === maxH) {
      const l = w[2 * i] >>> 0;
      if (l > maxL) maxL = l;
    }
    cnt++;
  }
  i64Out[0] = minH;
  i64Out[1] = minL;
  i64Out[2] = maxH;
  i64Out[3] = maxL;
  i64Count = cnt;
}

const toBig = (h: number, l: number): bigint => (BigInt(h) << 32n) | BigInt(l >>> 0);

const MICROS_PER_UNIT: Record<number, bigint> = {
  [arrow.TimeUnit.SECOND]: 1_000_000n,
  [arrow.TimeUnit.MILLISECOND]: 1_000n,
  [arrow.TimeUnit.MICROSECOND]: 1n,
};

/** long (exact integer text) and timestamp/timestamp_ntz (kept in microseconds, written in milliseconds). */
class Int64Stats implements ValueStats {
  private lo: bigint | undefined;
  private hi: bigint | undefined;

  constructor(
    private readonly type: DataType,
    private readonly path: string,
  ) {}

  update(data: arrow.Data, bm: Uint8Array | null, off: number): void {
    const t = data.type;
    let toMicros = (v: bigint) => v;
    if (this.type.type === 'long') {
      if (!arrow.DataType.isInt(t) || t.bitWidth !== 64 || !t.isSigned) mismatch(this.path, this.type, data);
    } else {
      if (!arrow.DataType.isTimestamp(t) || !t.timezone !== (this.type.type === 'timestamp_ntz')) {
        mismatch(this.path, this.type, data);
      }
      const k = MICROS_PER_UNIT[t.unit];
      toMicros = k === undefined ? (v) => floorDiv(v, 1000n) : (v) => v * k; // nanoseconds round down
    }
    scanInt64(int32Words(data.values as BigInt64Array), data.length, bm, off);
    if (i64Count === 0) return;
    const lo = toMicros(toBig(i64Out[0], i64Out[1]));
    const hi = toMicros(toBig(i64Out[2], i64Out[3]));
    if (this.lo === undefined || lo < this.lo) this.lo = lo;
    if (this.hi === undefined || hi > this.hi) this.hi = hi;
  }

  min(): string | undefined {
    return this.text(this.lo);
  }

  max(): string | undefined {
    return this.text(this.hi);
  }

  private text(v: bigint | undefined): string | undefined {
    if (v === undefined) return undefined;
    if (this.type.type === 'long') return v.toString();
    return formatTimestampMillis(v, this.type.type === 'timestamp');
  }
}

/**
 * Delta stats timestamps: ISO-8601 truncated down to milliseconds (the protocol's rule and what
 * Spark writes: "2024-01-01T10:00:00.123Z", without `Z` for timestamp_ntz). Readers widen a max
 * by 999 µs. Undefined beyond what a JS Date can show (±275,760 years): no bound is safe then.
 */
export function formatTimestampMillis(micros: bigint, utc: boolean): string | undefined {
  const ms = Number(floorDiv(micros, 1000n));
  if (Math.abs(ms) > 8.64e15) return undefined;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (year >= 0 && year <= 9999) {
    const iso = d.toISOString(); // "YYYY-MM-DDTHH:mm:ss.sssZ"
    return JSON.stringify(utc ? iso : iso.slice(0, -1));
  }
  // Years outside 0..9999: the date part as partition values write it, time to milliseconds.
  const full = formatTimestampMicros(BigInt(ms) * 1000n, utc);
  return JSON.stringify(utc ? `${full.slice(0, -4)}Z` : full.slice(0, -3));
}

function compareWords(w: Uint32Array, a: number, b: number, words: number): number {
  const ha = w[a + words - 1] | 0;
  const hb = w[b + words - 1] | 0;
  if (ha !== hb) return ha < hb ? -1 : 1;
  for (let k = words - 2; k >= 0; k--) {
    const x = w[a + k];
    const y = w[b + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

// Scratch result of the decimal scan: word index of the min and max rows (-1: none).
const decOut = new Int32Array(2);
const TWO_32 = 4294967296;

function scanDecimals(w: Uint32Array, n: number, words: number, bm: Uint8Array | null, off: number): Int32Array {
  let minI = -1;
  let maxI = -1;
  let minD = Infinity;
  let maxD = -Infinity;
  for (let i = 0; i < n; i++) {
    if (bm !== null) {
      const p = off + i;
      if (((bm[p >> 3] >> (p & 7)) & 1) === 0) continue;
    }
    const at = i * words;
    // A double built from the words never orders two values the wrong way round (it may tie,
    // then the words decide).
    let d: number;
    if (words === 4) d = (((w[at + 3] | 0) * TWO_32 + w[at + 2]) * TWO_32 + w[at + 1]) * TWO_32 + w[at];
    else {
      d = w[at + words - 1] | 0;
      for (let k = words - 2; k >= 0; k--) d = d * TWO_32 + w[at + k];
    }
    if (d < minD || (d === minD && compareWords(w, at, minI, words) < 0)) {
      minD = d;
      minI = at;
    }
    if (d > maxD || (d === maxD && compareWords(w, at, maxI, words) > 0)) {
      maxD = d;
      maxI = at;
    }
  }
  decOut[0] = minI;
  decOut[1] = maxI;
  return decOut;
}

/** decimal: unscaled values compared word by word, written as an exact plain JSON number. */
class DecimalStats implements ValueStats {
  private lo: bigint | undefined;
  private hi: bigint | undefined;

  constructor(
    private readonly precision: number,
    private readonly scale: number,
    private readonly path: string,
  ) {}

  update(data: arrow.Data, bm: Uint8Array | null, off: number): void {
    const t = data.type;
    if (!arrow.DataType.isDecimal(t) || t.scale !== this.scale) {
      mismatch(this.path, { type: 'decimal', precision: this.precision, scale: this.scale }, data);
    }
    const words = t.bitWidth / 32;
    const w = data.values as Uint32Array;
    const [minI, maxI] = scanDecimals(w, data.length, words, bm, off);
    if (minI < 0) return;
    const lo = readBigInt(w, minI, words);
    const hi = readBigInt(w, maxI, words);
    if (this.lo === undefined || lo < this.lo) this.lo = lo;
    if (this.hi === undefined || hi > this.hi) this.hi = hi;
  }

  // Plain digits, never through a JS number: a decimal(38) keeps every digit.
  min(): string | undefined {
    return this.lo === undefined ? undefined : formatDecimal(this.lo, this.scale);
  }

  max(): string | undefined {
    return this.hi === undefined ? undefined : formatDecimal(this.hi, this.scale);
  }
}
