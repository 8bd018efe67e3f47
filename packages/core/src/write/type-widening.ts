/**
 * Type widening (the `typeWidening` table feature): which type changes a table may take
 * when schema evolution meets wider data. Everything else needs an explicit overwrite.
 */
import type { DataType } from '../protocol/schema.js';

const INTEGRAL_RANK: Record<string, number> = { byte: 1, short: 2, integer: 3, long: 4 };
const INTEGRAL_DIGITS: Record<string, number> = { byte: 3, short: 5, integer: 10, long: 20 };

/** True when Delta's type widening allows changing a column from `from` to `to`. */
export function isSupportedWidening(from: DataType, to: DataType): boolean {
  const f = INTEGRAL_RANK[from.type];
  const t = INTEGRAL_RANK[to.type];
  if (f !== undefined && t !== undefined) return f < t;
  if (from.type === 'float' && to.type === 'double') return true;
  if (f !== undefined && f <= 3 && to.type === 'double') return true;
  if (from.type === 'date' && to.type === 'timestamp_ntz') return true;
  if (from.type === 'decimal' && to.type === 'decimal') {
    return (
      to.precision >= from.precision &&
      to.scale >= from.scale &&
      to.precision - to.scale >= from.precision - from.scale &&
      (to.precision !== from.precision || to.scale !== from.scale)
    );
  }
  if (f !== undefined && to.type === 'decimal') return to.precision - to.scale >= INTEGRAL_DIGITS[from.type]!;
  return false;
}
