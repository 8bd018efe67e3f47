/**
 * Operations on single Scalars shared by binding, stats evaluation and the generic Arrow
 * path: ordering (Spark's: strings by code point, i.e. UTF-8 byte order; NaN above every
 * number and equal to itself) and the widening casts bind() inserts.
 */
import { ExpressionError } from '../errors.js';
import { formatDecimal } from '../protocol/scalar.js';
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';
import { formatDataType } from '../protocol/schema.js';

const MICROS_PER_DAY = 86_400_000_000n;

/** Compare strings in code point order (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // Surrogates (>= U+10000 as code points) must sort after U+E000..U+FFFF.
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Unsigned lexicographic byte order. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Order of two non-null scalars of the same type; NaN sorts above all numbers and equals NaN. */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' || typeof a === 'bigint') {
    if (typeof b !== 'number' && typeof b !== 'bigint') throw mismatch(a, b);
    if (a !== a) return b !== b ? 0 : 1;
    if (b !== b) return -1;
    return a < b ? -1 : a > b ? 1 : 0; // number/bigint mix compares exactly in JS
  }
  if (typeof a === 'string') {
    if (typeof b !== 'string') throw mismatch(a, b);
    return compareStrings(a, b);
  }
  if (typeof a === 'boolean') {
    if (typeof b !== 'boolean') throw mismatch(a, b);
    return a === b ? 0 : a ? 1 : -1;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  throw mismatch(a, b);
}

function mismatch(a: Scalar, b: Scalar): ExpressionError {
  return new ExpressionError(`cannot compare values ${describeScalar(a)} and ${describeScalar(b)} of different kinds`);
}

export function describeScalar(v: Scalar): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof Uint8Array) return `binary(${v.length} bytes)`;
  return String(v);
}

export function typesEqual(a: DataType, b: DataType): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'decimal' && b.type === 'decimal') return a.precision === b.precision && a.scale === b.scale;
  return a.type !== 'struct' && a.type !== 'array' && a.type !== 'map';
}

const INTEGRAL = new Set(['byte', 'short', 'integer', 'long']);

export function isIntegral(t: DataType): boolean {
  return INTEGRAL.has(t.type);
}

export function isNumeric(t: DataType): boolean {
  return INTEGRAL.has(t.type) || t.type === 'float' || t.type === 'double' || t.type === 'decimal';
}

/** Types represented as a JS number in Scalar form and as a number typed array in Arrow. */
export function isNumberType(t: DataType): boolean {
  switch (t.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
    case 'date':
      return true;
    default:
      return false;
  }
}

export function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Decimal unscaled value -> nearest double (exact text conversion, not a lossy division). */
export function decimalToNumber(unscaled: bigint, scale: number): number {
  return Number(formatDecimal(unscaled, scale));
}

/**
 * Widening cast of a non-null scalar, for the casts bind() inserts: numeric widening,
 * decimal rescale (to a larger scale) and date -> timestamp.
 */
export function castScalar(value: Scalar, from: DataType, to: DataType): Scalar {
  if (value === null || typesEqual(from, to)) return value;
  switch (to.type) {
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint')
        return from.type === 'decimal' ? decimalToNumber(value, from.scale) : Number(value);
      break;
    case 'long':
      if (typeof value === 'number') return BigInt(value);
      if (typeof value === 'bigint') return value;
      break;
    case 'decimal': {
      const fromScale = from.type === 'decimal' ? from.scale : 0;
      const factor = pow10(to.scale - fromScale);
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value) * factor;
      if (typeof value === 'bigint') return value * factor;
      break;
    }
    case 'timestamp':
    case 'timestamp_ntz':
      if (from.type === 'date' && typeof value === 'number') return BigInt(value) * MICROS_PER_DAY;
      break;
    default:
      break;
  }
  throw new ExpressionError(
    `cannot cast ${describeScalar(value)} from ${formatDataType(from)} to ${formatDataType(to)}`,
  );
}

/** Whether a cast keeps the JS number representation of an Arrow number array (no per-row work). */
export function isTransparentNumberCast(from: DataType, to: DataType): boolean {
  return isNumberType(from) && from.type !== 'date' && (isNumberType(to) || to.type === 'long') && to.type !== 'date';
}
