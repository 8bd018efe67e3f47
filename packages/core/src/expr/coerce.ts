/**
 * Literal coercion and common-type rules for bind(). An untyped literal first tries an
 * exact conversion to the other operand's type (3 vs long -> 3n, '2024-01-01' vs date ->
 * days); otherwise both sides widen to a common type (int vs 3.5 -> decimal, date vs
 * timestamp -> timestamp), as Spark does.
 */
import { ExpressionError } from '../errors.js';
import { parseDate, parseDecimal, parseTimestampMicros } from '../protocol/scalar.js';
import type { Scalar } from '../protocol/scalar.js';
import type { DataType, DecimalType } from '../protocol/schema.js';
import { isIntegral, isNumeric, typesEqual } from './scalar-ops.js';

const RANGES: Record<string, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
};
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const DECIMAL_LIMIT = 10n ** 38n;

/**
 * Convert an untyped literal value to `target` if that is exact; undefined when it is not
 * (the caller then widens). Throws for strings that cannot be a date/timestamp at all.
 */
export function exactLiteral(value: Scalar, target: DataType): Scalar | undefined {
  if (value === null) return null;
  switch (target.type) {
    case 'byte':
    case 'short':
    case 'integer': {
      const [lo, hi] = RANGES[target.type];
      const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? strictInt(value) : value;
      return typeof n === 'number' && Number.isInteger(n) && n >= lo && n <= hi ? n : undefined;
    }
    case 'long': {
      let b: bigint | undefined;
      if (typeof value === 'number') b = Number.isInteger(value) ? BigInt(value) : undefined;
      else if (typeof value === 'bigint') b = value;
      else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) b = BigInt(value.trim());
      return b !== undefined && b >= LONG_MIN && b <= LONG_MAX ? b : undefined;
    }
    case 'float':
    case 'double': {
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return BigInt(Number(value)) === value ? Number(value) : undefined;
      if (typeof value === 'string') return strictFloat(value);
      return undefined;
    }
    case 'decimal':
      return exactDecimal(value, target);
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'binary':
      if (value instanceof Uint8Array) return value;
      return typeof value === 'string' ? new TextEncoder().encode(value) : undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === 'true';
      return undefined;
    case 'date':
      if (typeof value !== 'string') return undefined;
      return parseTemporal(value, target, () => parseDate(value));
    case 'timestamp':
    case 'timestamp_ntz':
      if (typeof value !== 'string') return undefined;
      return parseTemporal(value, target, () => parseTimestampMicros(value, target.type === 'timestamp'));
    default:
      return undefined;
  }
}

function parseTemporal(text: string, target: DataType, parse: () => Scalar): Scalar {
  const shape =
    target.type === 'date' ? /^\s*[+-]?\d{4,}-\d{1,2}-\d{1,2}(?:[T ].*)?$/ : /^\s*[+-]?\d{4,}-\d{1,2}-\d{1,2}/;
  try {
    if (!shape.test(text)) throw new Error('bad shape');
    const v = parse();
    if (typeof v === 'number' ? !Number.isFinite(v) : false) throw new Error('bad value');
    return v;
  } catch {
    const hint = target.type === 'date' ? 'YYYY-MM-DD' : 'YYYY-MM-DD[ HH:MM:SS[.ffffff]][Z|+HH:MM]';
    throw new ExpressionError(`'${text}' is not a valid ${target.type} literal (expected ${hint})`);
  }
}

function strictInt(s: string): number | undefined {
  return /^\s*[+-]?\d+\s*$/.test(s) ? Number(s) : undefined;
}

function strictFloat(s: string): number | undefined {
  const t = s.trim();
  if (/^[+-]?(nan)$/i.test(t)) return NaN;
  if (/^\+?(inf|infinity)$/i.test(t)) return Infinity;
  if (/^-(inf|infinity)$/i.test(t)) return -Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : undefined;
}

function exactDecimal(value: Scalar, target: DecimalType): bigint | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value); // shortest round-trip text: what the user wrote for 12.34
  } else if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'string') text = value;
  else return undefined;
  try {
    const unscaled = parseDecimal(text, target);
    return unscaled > -DECIMAL_LIMIT && unscaled < DECIMAL_LIMIT ? unscaled : undefined;
  } catch {
    return undefined;
  }
}

/** The type an untyped literal has on its own (3 -> integer, 2^40 -> long, 1.5 -> double). */
export function naturalLiteral(value: Scalar): { value: Scalar; type: DataType } | undefined {
  if (value === null) return undefined;
  if (typeof value === 'boolean') return { value, type: { type: 'boolean' } };
  if (typeof value === 'string') return { value, type: { type: 'string' } };
  if (value instanceof Uint8Array) return { value, type: { type: 'binary' } };
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647)
      return { value, type: { type: 'integer' } };
    if (Number.isSafeInteger(value)) return { value: BigInt(value), type: { type: 'long' } };
    return { value, type: { type: 'double' } };
  }
  if (value >= LONG_MIN && value <= LONG_MAX) return { value, type: { type: 'long' } };
  if (value > -DECIMAL_LIMIT && value < DECIMAL_LIMIT)
    return { value, type: { type: 'decimal', precision: 38, scale: 0 } };
  return undefined;
}

const INTEGRAL_RANK: Record<string, number> = { byte: 1, short: 2, integer: 3, long: 4 };
const INTEGRAL_DIGITS: Record<string, number> = { byte: 3, short: 5, integer: 10, long: 20 };

/** The type both operands widen to for a comparison, or undefined if they are not comparable. */
export function commonType(a: DataType, b: DataType): DataType | undefined {
  if (typesEqual(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) {
    if (a.type === 'double' || b.type === 'double' || a.type === 'float' || b.type === 'float')
      return a.type === 'float' && b.type === 'float' ? a : { type: 'double' };
    if (isIntegral(a) && isIntegral(b)) return INTEGRAL_RANK[a.type] >= INTEGRAL_RANK[b.type] ? a : b;
    const da = asDecimal(a);
    const db = asDecimal(b);
    const scale = Math.max(da.scale, db.scale);
    const intDigits = Math.max(da.precision - da.scale, db.precision - db.scale);
    return { type: 'decimal', precision: Math.min(38, intDigits + scale), scale };
  }
  const temporal = (x: DataType, y: DataType) =>
    x.type === 'date' && (y.type === 'timestamp' || y.type === 'timestamp_ntz');
  if (temporal(a, b)) return b;
  if (temporal(b, a)) return a;
  return undefined;
}

function asDecimal(t: DataType): DecimalType {
  return t.type === 'decimal' ? t : { type: 'decimal', precision: INTEGRAL_DIGITS[t.type] ?? 38, scale: 0 };
}

/**
 * Result type of arithmetic: integral + - * % stays long; `%` over decimals (and integers) is
 * an exact decimal of the operands' common type; with a float or double, or `/`, double.
 */
export function arithType(op: string, a: DataType, b: DataType): DataType {
  if (op !== '/' && isIntegral(a) && isIntegral(b)) return { type: 'long' };
  if (op === '%' && (a.type === 'decimal' || b.type === 'decimal') && !isFloating(a) && !isFloating(b))
    return commonType(a, b) ?? { type: 'double' };
  return { type: 'double' };
}

function isFloating(t: DataType): boolean {
  return t.type === 'float' || t.type === 'double';
}

/** Types a comparison (=, <, IN, ...) is defined on. */
export function isComparable(t: DataType): boolean {
  return t.type !== 'struct' && t.type !== 'array' && t.type !== 'map' && t.type !== 'variant';
}
