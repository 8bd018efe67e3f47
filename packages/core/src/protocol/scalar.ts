/**
 * One JS representation for a single Delta value, shared by partition values, file
 * statistics, expression literals and row-group statistics:
 *
 * | Delta type                  | Scalar                                          |
 * |-----------------------------|-------------------------------------------------|
 * | byte, short, integer        | number                                          |
 * | long                        | bigint                                          |
 * | float, double               | number (NaN, ±Infinity allowed)                 |
 * | decimal(p, s)               | bigint, the unscaled value at scale s           |
 * | string                      | string                                          |
 * | binary                      | Uint8Array                                      |
 * | boolean                     | boolean                                         |
 * | date                        | number, days since 1970-01-01                   |
 * | timestamp, timestamp_ntz    | bigint, microseconds since 1970-01-01 (UTC)     |
 * | null                        | null                                            |
 */
import { InvalidArgumentError } from '../errors.js';
import type { DataType, DecimalType } from './schema.js';

export type Scalar = null | boolean | number | bigint | string | Uint8Array;

const MICROS_PER_DAY = 86_400_000_000n;

/** Parse a partition value string from `add.partitionValues` (null stays null). */
export function parsePartitionValue(value: string | null | undefined, type: DataType): Scalar {
  // The protocol: an empty string for any type is a null partition value.
  if (value === null || value === undefined || value === '') return null;
  switch (type.type) {
    case 'string':
      return value;
    case 'byte':
    case 'short':
    case 'integer':
      return requireFinite(Number(value), value, type.type);
    case 'long':
      return parseBigInt(value, 'long');
    case 'float':
    case 'double':
      return parseFloatValue(value);
    case 'boolean':
      if (value.toLowerCase() === 'true') return true;
      if (value.toLowerCase() === 'false') return false;
      throw new InvalidArgumentError(`invalid boolean partition value "${value}"`);
    case 'decimal':
      if (value === '') return null;
      return parseDecimal(value, type);
    case 'date':
      if (value === '') return null;
      return parseDate(value);
    case 'timestamp':
      if (value === '') return null;
      return parseTimestampMicros(value, true);
    case 'timestamp_ntz':
      if (value === '') return null;
      return parseTimestampMicros(value, false);
    case 'binary':
      return parseBinaryPartitionValue(value);
    default:
      throw new InvalidArgumentError(`type ${type.type} cannot be a partition column`);
  }
}

/**
 * PROTOCOL.md (Partition Value Serialization): binary is "a string of escaped binary values",
 * e.g. "\u0001\u0002\u0003": one character per byte, U+0000 to U+00FF, so every byte
 * (0xFF included) survives. Decoding the bytes as UTF-8 would lose the ones that are not text.
 */
function formatBinaryPartitionValue(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/**
 * The inverse of formatBinaryPartitionValue. A value with characters above U+00FF cannot be
 * one byte per character: it was written as UTF-8 text (as Delta Spark's string cast does),
 * so it is read back as those UTF-8 bytes.
 */
function parseBinaryPartitionValue(value: string): Uint8Array {
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) return new TextEncoder().encode(value);
    out[i] = c;
  }
  return out;
}

/** Serialise a scalar as a partition value string (the inverse of parsePartitionValue). */
export function serializePartitionValue(value: Scalar, type: DataType): string | null {
  if (value === null) return null;
  switch (type.type) {
    case 'string':
      return String(value);
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return String(value);
    case 'float':
    case 'double':
      return formatFloat(value as number);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'decimal':
      return formatDecimal(BigInt(value as bigint), type.scale);
    case 'date':
      return formatDate(value as number);
    case 'timestamp':
      // Spark >= 3.x reads ISO-8601 with a zone; this is what delta-rs and Spark 4 write.
      return formatTimestampMicros(BigInt(value as bigint), true);
    case 'timestamp_ntz':
      return formatTimestampMicros(BigInt(value as bigint), false, ' ');
    case 'binary':
      return formatBinaryPartitionValue(value as Uint8Array);
    default:
      throw new InvalidArgumentError(`type ${type.type} cannot be a partition column`);
  }
}

/**
 * Parse a value from JSON file statistics (`minValues`/`maxValues`). Returns undefined
 * when the value cannot be interpreted for the type (the caller then skips nothing).
 */
export function parseStatsValue(value: unknown, type: DataType): Scalar | undefined {
  if (value === null || value === undefined) return undefined;
  try {
    switch (type.type) {
      case 'byte':
      case 'short':
      case 'integer':
        return typeof value === 'number' ? value : undefined;
      case 'long':
        return typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint'
          ? BigInt(typeof value === 'number' ? Math.trunc(value) : value)
          : undefined;
      case 'float':
      case 'double':
        return typeof value === 'number' ? value : typeof value === 'string' ? parseFloatValue(value) : undefined;
      case 'decimal':
        return typeof value === 'number' || typeof value === 'string' ? parseDecimal(String(value), type) : undefined;
      case 'string':
        return typeof value === 'string' ? value : undefined;
      case 'boolean':
        return typeof value === 'boolean' ? value : undefined;
      case 'date':
        return typeof value === 'string' ? parseDate(value) : undefined;
      case 'timestamp':
        return typeof value === 'string' ? parseTimestampMicros(value, true) : undefined;
      case 'timestamp_ntz':
        return typeof value === 'string' ? parseTimestampMicros(value, false) : undefined;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function requireFinite(n: number, raw: string, type: string): number {
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`invalid ${type} value "${raw}"`);
  return n;
}

function parseBigInt(value: string, type: string): bigint {
  try {
    return BigInt(value.trim());
  } catch {
    throw new InvalidArgumentError(`invalid ${type} value "${value}"`);
  }
}

function parseFloatValue(value: string): number {
  const v = value.trim();
  if (v === 'NaN') return NaN;
  if (v === 'Infinity' || v === '+Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  const n = Number(v);
  if (Number.isNaN(n)) throw new InvalidArgumentError(`invalid floating-point value "${value}"`);
  return n;
}

function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  // String(-0) is "0", which would read back as +0.0; Spark writes "-0.0".
  if (Object.is(n, -0)) return '-0.0';
  return String(n);
}

/** Exact decimal text ("-12.5", "1E+3", "0.001") -> unscaled bigint at the type's scale. */
export function parseDecimal(text: string, type: Pick<DecimalType, 'scale'>): bigint {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new InvalidArgumentError(`invalid decimal value "${text}"`);
  const sign = m[1] === '-' ? -1n : 1n;
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let exp = Number(m[4] ?? 0) - (m[3] ?? '').length; // value = digits * 10^exp
  const shift = exp + type.scale;
  if (shift >= 0) {
    digits += '0'.repeat(shift);
    exp = 0;
  } else {
    const cut = digits.length + shift;
    const dropped = cut > 0 ? digits.slice(cut) : digits;
    if (/[^0]/.test(dropped))
      throw new InvalidArgumentError(`decimal value "${text}" has more than ${type.scale} fractional digits`);
    digits = cut > 0 ? digits.slice(0, cut) : '0';
  }
  return sign * BigInt(digits === '' ? '0' : digits);
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let s = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  }
  return neg ? `-${s}` : s;
}

/** "YYYY-MM-DD" (also accepts a trailing time part) -> days since epoch. */
export function parseDate(text: string): number {
  const m = /^\s*([+-]?\d{4,})-(\d{1,2})-(\d{1,2})/.exec(text);
  if (!m) throw new InvalidArgumentError(`invalid date "${text}" (expected YYYY-MM-DD)`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000) + yearFix(Number(m[1]));
}

// Date.UTC maps years 0..99 to 1900..1999; undo that.
function yearFix(year: number): number {
  if (year >= 0 && year <= 99) {
    const wrong = Date.UTC(year, 0, 1);
    const d = new Date(0);
    d.setUTCFullYear(year, 0, 1);
    return Math.round((d.getTime() - wrong) / 86_400_000);
  }
  return 0;
}

export function formatDate(days: number): string {
  const d = new Date(days * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/**
 * Timestamps in partition values and stats: "2021-09-08 11:11:11", "2021-09-08T11:11:11.123456Z",
 * "2021-09-08T11:11:11.123+02:00". Without a zone the value is read as UTC (the protocol's rule
 * for timestamp partition values; timestamp_ntz has no zone by definition).
 */
export function parseTimestampMicros(text: string, allowZone: boolean): bigint {
  const m =
    /^\s*([+-]?\d{4,})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?\s*$/i.exec(
      text,
    );
  if (!m) throw new InvalidArgumentError(`invalid timestamp "${text}"`);
  const days = BigInt(parseDate(`${m[1]}-${m[2]}-${m[3]}`));
  const secs = BigInt(Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0));
  const frac = BigInt(((m[7] ?? '') + '000000').slice(0, 6));
  let micros = days * MICROS_PER_DAY + secs * 1_000_000n + frac;
  const zone = m[8];
  if (zone && allowZone && zone.toUpperCase() !== 'Z' && zone.toUpperCase() !== 'UTC') {
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const offset = BigInt((Number(zm[2]) * 60 + Number(zm[3])) * 60_000_000);
    micros += zm[1] === '+' ? -offset : offset;
  }
  return micros;
}

/** ISO-8601 with microseconds: "2021-09-08T11:11:11.000000Z" (or without Z for ntz). */
export function formatTimestampMicros(micros: bigint, utc: boolean, sep = 'T'): string {
  const days = floorDiv(micros, MICROS_PER_DAY);
  const rem = micros - days * MICROS_PER_DAY;
  const secOfDay = Number(rem / 1_000_000n);
  const frac = Number(rem % 1_000_000n);
  const h = Math.floor(secOfDay / 3600);
  const mi = Math.floor((secOfDay % 3600) / 60);
  const s = secOfDay % 60;
  return `${formatDate(Number(days))}${sep}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(frac, 6)}${utc ? 'Z' : ''}`;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function pad(n: number, width: number): string {
  const neg = n < 0;
  const s = String(Math.abs(n)).padStart(width, '0');
  return neg ? `-${s}` : s;
}
