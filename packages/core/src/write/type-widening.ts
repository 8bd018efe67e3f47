/**
 * Type widening (the `typeWidening` table feature): which type changes a table may take
 * when schema evolution meets wider data. Everything else needs an explicit overwrite.
 */
import type { DataType, StructType } from '../protocol/schema.js';

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

/** Type widening is recorded in the field's `delta.typeChanges` metadata. */
export function recordTypeChange(schema: StructType, path: string, from: DataType, to: DataType): void {
  const parts = path.split('.');
  let cur: StructType = schema;
  for (let i = 0; i < parts.length; i++) {
    const f = cur.fields.find((x) => x.name === parts[i]);
    if (!f) return;
    if (i === parts.length - 1) {
      const prev = Array.isArray(f.metadata['delta.typeChanges']) ? (f.metadata['delta.typeChanges'] as object[]) : [];
      f.metadata = {
        ...f.metadata,
        'delta.typeChanges': [...prev, { fromType: simpleType(from), toType: simpleType(to) }] as never,
      };
      return;
    }
    if (f.type.type !== 'struct') return;
    cur = f.type;
  }
}

function simpleType(t: DataType): string {
  return t.type === 'decimal' ? `decimal(${t.precision},${t.scale})` : t.type;
}
