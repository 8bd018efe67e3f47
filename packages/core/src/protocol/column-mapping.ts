/**
 * Column mapping (PROTOCOL.md "Column Mapping"): with mode `name` or `id`, Parquet files,
 * statistics and partition values use each field's physical name (and, for `id`, the
 * Parquet field id), while users see logical names.
 */
import type { ColumnMappingMode } from './features.js';
import type { DataType, StructField, StructType } from './schema.js';

const PHYSICAL_NAME = 'delta.columnMapping.physicalName';
const FIELD_ID = 'delta.columnMapping.id';
export const PARQUET_FIELD_ID = 'PARQUET:field_id';

export function physicalName(field: StructField, mode: ColumnMappingMode): string {
  if (mode === 'none') return field.name;
  const p = field.metadata[PHYSICAL_NAME];
  return typeof p === 'string' ? p : field.name;
}

export function fieldId(field: StructField): number | undefined {
  const id = field.metadata[FIELD_ID];
  return typeof id === 'number' ? id : undefined;
}

/** Physical path of a logical column path (for stats and partition-value lookups). */
export function physicalPath(
  schema: StructType,
  logical: readonly string[],
  mode: ColumnMappingMode,
): string[] | undefined {
  if (mode === 'none') return [...logical];
  const out: string[] = [];
  let cur: DataType = schema;
  for (const name of logical) {
    if (cur.type !== 'struct') return undefined;
    const f: StructField | undefined = cur.fields.find((x) => x.name === name);
    if (!f) return undefined;
    out.push(physicalName(f, mode));
    cur = f.type;
  }
  return out;
}

/** Partition column's key in `add.partitionValues` (physical name under column mapping). */
export function partitionValueKey(schema: StructType, column: string, mode: ColumnMappingMode): string {
  const f = schema.fields.find((x) => x.name === column);
  return f ? physicalName(f, mode) : column;
}
