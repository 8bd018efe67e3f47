/**
 * Store assignment of one value (UPDATE SET): convert a Scalar of the expression's type to
 * the column's type as Spark's ANSI store assignment does. Integral targets truncate toward
 * zero; a value outside the target's range, or a decimal with too many digits, fails.
 */
import { SchemaMismatchError } from '../../errors.js';
import { decimalToNumber, describeScalar, pow10, typesEqual } from '../../expr/scalar-ops.js';
import type { Scalar } from '../../protocol/scalar.js';
import { formatDataType, type DataType } from '../../protocol/schema.js';

const INT_RANGE: Record<string, [bigint, bigint]> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
};
const MICROS_PER_DAY = 86_400_000_000n;

function overflow(v: Scalar, to: DataType, column: string): SchemaMismatchError {
  return new SchemaMismatchError(
    `UPDATE: value ${describeScalar(v)} does not fit column ${column} (${formatDataType(to)}); nothing was committed`,
  );
}

/** The value as an integer (truncated toward zero), or undefined for NaN/Infinity. */
function toInteger(v: Scalar, from: DataType): bigint | undefined {
  if (typeof v === 'bigint') return from.type === 'decimal' ? v / pow10(from.scale) : v;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : undefined;
  return undefined;
}

function toUnscaled(v: Scalar, from: DataType, scale: number): bigint | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    const text = v.toFixed(Math.min(scale, 100));
    return /e/i.test(text) ? undefined : BigInt(text.replace('.', ''));
  }
  if (typeof v !== 'bigint') return undefined;
  const fromScale = from.type === 'decimal' ? from.scale : 0;
  if (scale >= fromScale) return v * pow10(scale - fromScale);
  // Fewer digits: round half away from zero, as Spark's decimal casts do.
  const div = pow10(fromScale - scale);
  const q = v / div;
  const r = v % div;
  const twice = (r < 0n ? -r : r) * 2n;
  return twice >= div ? q + (v < 0n ? -1n : 1n) : q;
}

export function convertScalar(v: Scalar, from: DataType, to: DataType, column: string): Scalar {
  if (v === null || typesEqual(from, to)) return v;
  switch (to.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      const i = toInteger(v, from);
      const [lo, hi] = INT_RANGE[to.type]!;
      if (i === undefined || i < lo || i > hi) throw overflow(v, to, column);
      return to.type === 'long' ? i : Number(i);
    }
    case 'float':
    case 'double': {
      const n = typeof v === 'bigint' ? (from.type === 'decimal' ? decimalToNumber(v, from.scale) : Number(v)) : v;
      if (typeof n !== 'number') throw overflow(v, to, column);
      return to.type === 'float' ? Math.fround(n) : n;
    }
    case 'decimal': {
      const u = toUnscaled(v, from, to.scale);
      const limit = pow10(to.precision);
      if (u === undefined || u >= limit || u <= -limit) throw overflow(v, to, column);
      return u;
    }
    case 'timestamp':
    case 'timestamp_ntz':
      if (from.type === 'date' && typeof v === 'number') return BigInt(v) * MICROS_PER_DAY;
      break;
    default:
      break;
  }
  throw overflow(v, to, column);
}
