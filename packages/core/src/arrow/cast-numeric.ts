/**
 * Numeric and temporal casts used by castData: integer widening, int/float -> double,
 * int/decimal -> decimal, timestamp unit changes and date -> timestamp. Every loop works on
 * 32-bit words; BigInt is used only for values beyond 2^53.
 */
import * as arrow from 'apache-arrow';
import { floorDiv } from '../protocol/scalar.js';
import { int32Words, isNullAt, withBuffers } from './data-utils.js';
import {
  floorDivInt64Words,
  int64WordsToNumber,
  isSafe,
  mulInt64Words,
  readBigInt,
  readSafeInt,
  TWO_32,
  writeBigInt,
  writeSafeInt,
} from './int-words.js';

type NumberArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** Decimal digits needed for any value of an integer type. */
function intDigits(t: arrow.Int): number {
  switch (t.bitWidth) {
    case 8:
      return 3;
    case 16:
      return 5;
    case 32:
      return 10;
    default:
      return t.isSigned ? 19 : 20;
  }
}

/** Integer widening (signed, or unsigned to a wider signed type; uint64 -> int64 checked). */
export function castIntToInt(data: arrow.Data, target: arrow.Int, fail: (why: string) => Error): arrow.Data {
  const src = data.type as arrow.Int;
  if (src.bitWidth === target.bitWidth && src.isSigned === target.isSigned) return data.clone(target);
  if (!target.isSigned) throw fail('Delta has no unsigned types; cast to a signed type');
  const n = data.length;
  if (!src.isSigned && src.bitWidth === 64 && target.bitWidth === 64) {
    const values = data.values as BigUint64Array;
    const w = int32Words(values);
    for (let i = 0; i < n; i++) {
      if (w[2 * i + 1] < 0 && !isNullAt(data, i)) throw fail(`value ${values[i]} at row ${i} exceeds the long range`);
    }
    return withBuffers(data, target, { values: new BigInt64Array(values.buffer, values.byteOffset, n) });
  }
  if (src.bitWidth >= target.bitWidth) throw fail('narrowing integer casts are not supported');
  const srcValues = (data.values as NumberArray).subarray(0, n);
  if (target.bitWidth === 64) {
    const out = new BigInt64Array(n);
    const w = int32Words(out);
    for (let i = 0; i < n; i++) {
      const v = srcValues[i];
      w[2 * i] = v;
      w[2 * i + 1] = v < 0 ? -1 : 0;
    }
    return withBuffers(data, target, { values: out });
  }
  const out = new (target.ArrayType as Int32ArrayConstructor)(n);
  out.set(srcValues);
  return withBuffers(data, target, { values: out });
}

/** Integer or float32 -> float64 (float32 -> float32 is identity). */
export function castToFloat(data: arrow.Data, target: arrow.Float, fail: (why: string) => Error): arrow.Data {
  const n = data.length;
  if (data.type.typeId === arrow.Type.Float) {
    const src = data.type as arrow.Float;
    if (src.precision === target.precision) return data.clone(target);
    if (src.precision === arrow.Precision.SINGLE && target.precision === arrow.Precision.DOUBLE) {
      const out = new Float64Array(n);
      out.set((data.values as Float32Array).subarray(0, n));
      return withBuffers(data, target, { values: out });
    }
    throw fail('only float -> double widening is supported');
  }
  if (data.type.typeId !== arrow.Type.Int || target.precision !== arrow.Precision.DOUBLE)
    throw fail('only integer and float columns widen to double');
  const src = data.type as arrow.Int;
  const out = new Float64Array(n);
  if (src.bitWidth === 64) {
    const w = int32Words(data.values as BigInt64Array);
    for (let i = 0; i < n; i++) {
      const hi = src.isSigned ? w[2 * i + 1] : w[2 * i + 1] >>> 0;
      out[i] = hi * TWO_32 + (w[2 * i] >>> 0);
    }
  } else {
    out.set((data.values as NumberArray).subarray(0, n));
  }
  return withBuffers(data, target, { values: out });
}

/** Integer -> decimal(p, s), and decimal(p1, s1) -> decimal(p2, s2) with s2 >= s1. */
export function castToDecimal(data: arrow.Data, target: arrow.Decimal, fail: (why: string) => Error): arrow.Data {
  const n = data.length;
  const outWords = target.bitWidth / 32;
  let shift: number;
  let needCheck: boolean;
  let readNum: (i: number) => number; // NaN when the value needs BigInt
  let readBig: (i: number) => bigint;
  if (data.type.typeId === arrow.Type.Decimal) {
    const src = data.type as arrow.Decimal;
    if (target.scale < src.scale)
      throw fail(`decimal scale cannot shrink from ${src.scale} to ${target.scale} (digits would be lost)`);
    shift = target.scale - src.scale;
    needCheck = target.precision - target.scale < src.precision - src.scale;
    if (shift === 0 && src.bitWidth === target.bitWidth && !needCheck) return data.clone(target);
    const inWords = src.bitWidth / 32;
    const w = data.values as Uint32Array;
    readNum = (i) => readSafeInt(w, i * inWords, inWords);
    readBig = (i) => readBigInt(w, i * inWords, inWords);
  } else if (data.type.typeId === arrow.Type.Int) {
    const src = data.type as arrow.Int;
    shift = target.scale;
    needCheck = target.precision - target.scale < intDigits(src);
    if (src.bitWidth === 64) {
      const values = data.values as BigInt64Array | BigUint64Array;
      const w = int32Words(values);
      readNum = src.isSigned
        ? (i) => {
            const v = int64WordsToNumber(w, i);
            return isSafe(v) ? v : NaN;
          }
        : (i) => {
            const v = (w[2 * i + 1] >>> 0) * TWO_32 + (w[2 * i] >>> 0);
            return isSafe(v) ? v : NaN;
          };
      readBig = (i) => values[i];
    } else {
      const values = data.values as NumberArray;
      readNum = (i) => values[i];
      readBig = (i) => BigInt(values[i]);
    }
  } else {
    throw fail('only integer and decimal columns cast to decimal');
  }
  const out = new Uint32Array(n * outWords);
  const factor = shift <= 15 ? 10 ** shift : NaN;
  const bigFactor = 10n ** BigInt(shift);
  const limit = 10 ** target.precision; // exact enough: only compared against safe integers
  const bigLimit = 10n ** BigInt(target.precision);
  for (let i = 0; i < n; i++) {
    const v = readNum(i) * factor;
    if (isSafe(v)) {
      // |v| <= 2^53 < 10^16, so only precisions below 16 can overflow here.
      if (needCheck && target.precision < 16 && Math.abs(v) >= limit && !isNullAt(data, i))
        throw overflow(fail, String(v), i, target);
      writeSafeInt(out, i * outWords, outWords, v);
    } else {
      const b = readBig(i) * bigFactor;
      if (needCheck && (b >= bigLimit || b <= -bigLimit) && !isNullAt(data, i))
        throw overflow(fail, String(b), i, target);
      writeBigInt(out, i * outWords, outWords, b);
    }
  }
  return withBuffers(data, target, { values: out });
}

function overflow(fail: (why: string) => Error, unscaled: string, row: number, t: arrow.Decimal): Error {
  return fail(`row ${row} (unscaled ${unscaled}) does not fit decimal(${t.precision},${t.scale})`);
}

const UTC_NAMES = new Set(['utc', 'etc/utc', 'z', '+00:00', '+0000', 'gmt', 'etc/gmt', 'zulu']);

export function isUtcZone(tz: string | null | undefined): boolean {
  return tz != null && UTC_NAMES.has(tz.toLowerCase());
}

/**
 * Timestamp unit changes to microseconds (truncating toward -infinity), zone relabels and
 * date -> timestamp_ntz.
 */
export function castToTimestamp(data: arrow.Data, target: arrow.Timestamp, fail: (why: string) => Error): arrow.Data {
  const tTz = target.timezone ?? null;
  const n = data.length;
  if (data.type.typeId === arrow.Type.Date) {
    if (tTz !== null) throw fail('a date widens only to a timestamp without time zone (timestamp_ntz)');
    if (target.unit !== arrow.TimeUnit.MICROSECOND) throw fail('dates widen only to microsecond timestamps');
    const out = new BigInt64Array(n);
    const ow = int32Words(out);
    let bad: number;
    if ((data.type as arrow.Date_).unit === arrow.DateUnit.DAY) {
      // days * 86400 is exact in a double; then * 10^6 on words.
      const days = data.values as Int32Array;
      for (let i = 0; i < n; i++) writeSafeInt(ow, 2 * i, 2, days[i] * 86400);
      bad = mulInt64Words(ow, ow, n, 1_000_000, (i) => !isNullAt(data, i));
    } else {
      bad = mulInt64Words(int32Words(data.values as BigInt64Array), ow, n, 1000, (i) => !isNullAt(data, i));
    }
    if (bad >= 0) throw fail(`row ${bad} is out of the microsecond timestamp range`);
    return withBuffers(data, target, { values: out });
  }
  if (data.type.typeId !== arrow.Type.Timestamp) throw fail('only timestamps and dates cast to timestamp');
  const src = data.type as arrow.Timestamp;
  const sTz = src.timezone ?? null;
  const zoneOk = sTz === tTz || (sTz === null ? isUtcZone(tTz) : tTz === null ? isUtcZone(sTz) : isUtcZone(tTz));
  if (!zoneOk) throw fail(`time zone ${sTz ?? 'none'} cannot be relabelled as ${tTz ?? 'none'} (only UTC <-> no zone)`);
  if (src.unit === target.unit) return data.clone(target);
  if (target.unit !== arrow.TimeUnit.MICROSECOND) throw fail('timestamps convert only to microseconds');
  const sw = int32Words(data.values as BigInt64Array);
  const out = new BigInt64Array(n);
  const ow = int32Words(out);
  if (src.unit === arrow.TimeUnit.NANOSECOND) {
    floorDivInt64Words(sw, ow, n, 1000);
  } else {
    const k = src.unit === arrow.TimeUnit.SECOND ? 1_000_000 : 1000;
    const bad = mulInt64Words(sw, ow, n, k, (i) => !isNullAt(data, i));
    if (bad >= 0) throw fail(`row ${bad} is out of the microsecond timestamp range`);
  }
  return withBuffers(data, target, { values: out });
}

/** Date64 (milliseconds) -> Date32 (days), flooring. */
export function castToDate(data: arrow.Data, target: arrow.Date_, fail: (why: string) => Error): arrow.Data {
  if (data.type.typeId !== arrow.Type.Date) throw fail('only date columns cast to date');
  const src = data.type as arrow.Date_;
  if (src.unit === target.unit) return data.clone(target);
  if (target.unit !== arrow.DateUnit.DAY) throw fail('only date64 -> date32 is supported');
  const n = data.length;
  const values = data.values as BigInt64Array;
  const w = int32Words(values);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const ms = int64WordsToNumber(w, i);
    out[i] = isSafe(ms) ? Math.floor(ms / 86_400_000) : Number(floorDiv(values[i], 86_400_000n));
  }
  return withBuffers(data, target, { values: out });
}
