/**
 * Column builders for primitive Arrow types from JS values (CSV text, JSON numbers, strings,
 * booleans, bigints). One loop per column over typed arrays; a value that does not fit the
 * type throws CellError.
 */
import * as arrow from 'apache-arrow';
import { newData } from '../arrow/data-utils.js';
import { writeBigInt, writeSafeInt } from '../arrow/int-words.js';
import { parseDecimal } from '../protocol/scalar.js';
import { CellError } from './cell-error.js';
import { INT_RE, parseBoolText, parseDateText, parseFloatText, parseTimestampText } from './values.js';

/** Where a builder reports failures: the column path and, for list elements, the owning row. */
export interface BuildContext {
  path: string;
  /** Top-level row of each value (list elements); identity when absent. */
  rowOf?: Int32Array;
}

export type Values = readonly unknown[];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const BASE64_RE = /^[A-Za-z0-9+/_=\s-]*$/;

export function fail(ctx: BuildContext, i: number, value: unknown, expected: string, detail?: string): never {
  throw new CellError(ctx.rowOf ? ctx.rowOf[i]! : i, ctx.path, value, expected, detail);
}

/** Validity bitmap of the non-null values (null when none is null). */
export function validity(values: Values, n: number): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  for (let i = 0; i < n; i++) if (values[i] == null) nulls++;
  if (nulls === 0) return { bitmap: undefined, nulls };
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (values[i] != null) bitmap[i >> 3]! |= 1 << (i & 7);
  return { bitmap, nulls };
}

function make(
  type: arrow.DataType,
  n: number,
  values: Values,
  data: ArrayBufferView,
  offsets?: Int32Array,
): arrow.Data {
  const { bitmap, nulls } = validity(values, n);
  return newData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, values: data, valueOffsets: offsets });
}

/** int8/16/32. */
export function buildSmallInt(values: Values, n: number, type: arrow.Int, ctx: BuildContext, name: string): arrow.Data {
  const bits = type.bitWidth;
  const out = bits === 8 ? new Int8Array(n) : bits === 16 ? new Int16Array(n) : new Int32Array(n);
  const max = 2 ** (bits - 1) - 1;
  const min = -max - 1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v == null) continue;
    let x: number;
    if (typeof v === 'number') x = v;
    else if (typeof v === 'string') x = INT_RE.test(v) ? +v : NaN;
    else if (typeof v === 'bigint') x = Number(v);
    else x = NaN;
    if (x === Infinity || x === -Infinity) fail(ctx, i, v, name, `out of range ${min}..${max}`);
    if (!Number.isInteger(x)) fail(ctx, i, v, name, 'not an integer');
    if (x < min || x > max) fail(ctx, i, v, name, `out of range ${min}..${max}`);
    out[i] = x;
  }
  return make(type, n, values, out);
}

/** int64 (no BigInt per value unless it exceeds 53 bits). */
export function buildInt64(values: Values, n: number, type: arrow.DataType, ctx: BuildContext): arrow.Data {
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v == null) continue;
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) writeSafeInt(words, 2 * i, 2, v);
      else if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) out[i] = BigInt(v);
      else fail(ctx, i, v, 'long', Number.isInteger(v) || !Number.isFinite(v) ? 'out of range' : 'not an integer');
    } else if (typeof v === 'string') {
      if (!INT_RE.test(v)) fail(ctx, i, v, 'long', 'not an integer');
      const t = v.trim();
      if (t.length <= 15) writeSafeInt(words, 2 * i, 2, +t);
      else {
        const b = BigInt(t);
        if (b < INT64_MIN || b > INT64_MAX) fail(ctx, i, v, 'long', 'out of range');
        out[i] = b;
      }
    } else if (typeof v === 'bigint') {
      if (v < INT64_MIN || v > INT64_MAX) fail(ctx, i, v, 'long', 'out of range');
      out[i] = v;
    } else fail(ctx, i, v, 'long');
  }
  return make(type, n, values, out);
}

export function buildFloat(values: Values, n: number, type: arrow.Float, ctx: BuildContext): arrow.Data {
  const single = type.precision === arrow.Precision.SINGLE;
  const name = single ? 'float' : 'double';
  const out = single ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v == null) continue;
    let x: number | undefined;
    if (typeof v === 'number') x = v;
    else if (typeof v === 'string') x = parseFloatText(v);
    else if (typeof v === 'bigint') x = Number(v);
    if (x === undefined) fail(ctx, i, v, name, 'not a number');
    out[i] = x;
  }
  return make(type, n, values, out);
}

export function buildDecimal(values: Values, n: number, type: arrow.Decimal, ctx: BuildContext): arrow.Data {
  const words = type.bitWidth / 32;
  const out = new Uint32Array(n * words);
  const name = `decimal(${type.precision},${type.scale})`;
  const limit = 10n ** BigInt(type.precision);
  const factor = 10n ** BigInt(type.scale);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v == null) continue;
    let u: bigint;
    try {
      if (typeof v === 'bigint') u = v * factor;
      else if (typeof v === 'number' && Number.isFinite(v)) u = parseDecimal(String(v), type);
      else if (typeof v === 'number' && !Number.isNaN(v)) fail(ctx, i, v, name, 'out of range');
      else if (typeof v === 'string') u = parseDecimal(v, type);
      else fail(ctx, i, v, name, 'not a number');
    } catch (err) {
      if (err instanceof CellError) throw err;
      fail(ctx, i, v, name, (err as Error).message);
    }
    if (u <= -limit || u >= limit) fail(ctx, i, v, name, `more than ${type.precision} digits`);
    if (u >= -9007199254740991n && u <= 9007199254740991n) writeSafeInt(out, i * words, words, Number(u));
    else writeBigInt(out, i * words, words, u);
  }
  return make(type, n, values, out);
}

export function buildBool(values: Values, n: number, type: arrow.DataType, ctx: BuildContext): arrow.Data {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v == null) continue;
    let b: boolean | undefined;
    if (typeof v === 'boolean') b = v;
    else if (typeof v === 'string') b = parseBoolText(v);
    else if (v === 1 || v === 0) b = v === 1;
    if (b === undefined) fail(ctx, i, v, 'boolean', 'expected true or false');
    if (b) out[i >> 3]! |= 1 << (i & 7);
  }
  return make(type, n, values, out);
}

export function buildDate(values: Values, n: number, type: arrow.DataType, ctx: BuildContext): arrow.Data {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v == null) continue;
    const d = typeof v === 'string' ? parseDateText(v) : NaN;
    if (Number.isNaN(d)) fail(ctx, i, v, 'date', 'expected YYYY-MM-DD');
    out[i] = d;
  }
  return make(type, n, values, out);
}

/** Timestamps of any unit; zoned text is converted to UTC, zoneless text is read as UTC (or as is for ntz). */
export function buildTimestamp(values: Values, n: number, type: arrow.Timestamp, ctx: BuildContext): arrow.Data {
  const ntz = !type.timezone;
  const name = ntz ? 'timestamp_ntz' : 'timestamp';
  const unit = type.unit;
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v == null) continue;
    const us = typeof v === 'string' ? parseTimestampText(v, ntz ? 'forbid' : 'utc') : undefined;
    if (us === undefined) {
      fail(
        ctx,
        i,
        v,
        name,
        ntz ? 'expected ISO-8601 without a time zone' : 'expected ISO-8601, e.g. 2024-01-31T12:00:00Z',
      );
    }
    if (typeof us === 'number' && unit !== arrow.TimeUnit.NANOSECOND) {
      const x =
        unit === arrow.TimeUnit.MICROSECOND
          ? us
          : Math.floor(us / (unit === arrow.TimeUnit.MILLISECOND ? 1_000 : 1_000_000));
      writeSafeInt(words, 2 * i, 2, x);
    } else {
      const b = BigInt(us);
      const x =
        unit === arrow.TimeUnit.NANOSECOND
          ? b * 1000n
          : unit === arrow.TimeUnit.MICROSECOND
            ? b
            : floorDivBig(b, unit === arrow.TimeUnit.MILLISECOND ? 1_000n : 1_000_000n);
      if (x < INT64_MIN || x > INT64_MAX) fail(ctx, i, v, name, 'out of range');
      out[i] = x;
    }
  }
  return make(type, n, values, out);
}

function floorDivBig(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

/** Utf8: strings as is; numbers and booleans as text; objects and arrays as JSON. */
export function buildUtf8(values: Values, n: number, type: arrow.DataType, ctx: BuildContext): arrow.Data {
  const offsets = new Int32Array(n + 1);
  let est = 16;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'string') est += v.length;
  }
  let buf = Buffer.allocUnsafeSlow(est);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v != null) {
      const s = typeof v === 'string' ? v : textOf(v);
      if (buf.length - pos < s.length * 3) {
        const next = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, pos + s.length * 3));
        buf.copy(next, 0, 0, pos);
        buf = next;
      }
      pos += buf.write(s, pos, 'utf8');
      if (pos > 2147483647) fail(ctx, i, '', 'string', 'more than 2 GiB of text in one batch; use a smaller batchRows');
    }
    offsets[i + 1] = pos;
  }
  return make(type, n, values, new Uint8Array(buf.buffer, buf.byteOffset, pos), offsets);
}

function textOf(v: unknown): string {
  if (typeof v === 'object') return v instanceof Uint8Array ? Buffer.from(v).toString('base64') : JSON.stringify(v);
  return String(v);
}

/** Binary: base64 text, or bytes. */
export function buildBinary(values: Values, n: number, type: arrow.DataType, ctx: BuildContext): arrow.Data {
  const parts: Uint8Array[] = [];
  const offsets = new Int32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v != null) {
      let bytes: Uint8Array;
      if (v instanceof Uint8Array) bytes = v;
      else if (typeof v === 'string' && BASE64_RE.test(v)) bytes = Buffer.from(v, 'base64');
      else fail(ctx, i, v, 'binary', 'expected base64 text');
      parts.push(bytes);
      pos += bytes.length;
    }
    offsets[i + 1] = pos;
  }
  const all = Buffer.concat(parts, pos);
  return make(type, n, values, new Uint8Array(all.buffer, all.byteOffset, pos), offsets);
}
