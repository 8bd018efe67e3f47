/**
 * Statistics views for data skipping: a file's `add.stats` plus its partition values, and
 * Parquet row-group statistics, both seen through logical column paths.
 */
import type { FileStats } from '../protocol/actions.js';
import type { ColumnMappingMode } from '../protocol/features.js';
import { parsePartitionValue, parseStatsValue, type Scalar } from '../protocol/scalar.js';
import { findField, type DataType, type StructType } from '../protocol/schema.js';
import type { StatsLookup } from '../expr/index.js';
import { partitionValueKey, physicalPath } from '../protocol/column-mapping.js';

function dig(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

export interface TableColumns {
  schema: StructType;
  mode: ColumnMappingMode;
  partitionColumns: ReadonlySet<string>;
}

/** Partition values of a file, parsed to scalars and keyed by logical column name. */
export function parsePartitionValues(cols: TableColumns, raw: Record<string, string | null>): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  for (const name of cols.partitionColumns) {
    const field = cols.schema.fields.find((f) => f.name === name);
    if (!field) continue;
    const key = partitionValueKey(cols.schema, name, cols.mode);
    out.set(name, parsePartitionValue(raw[key] ?? raw[name] ?? null, field.type));
  }
  return out;
}

/** StatsLookup over one file: partition columns are exact, others come from add.stats. */
export function fileStatsLookup(
  cols: TableColumns,
  partitionValues: Map<string, Scalar>,
  stats: FileStats | undefined,
): StatsLookup {
  const numRecords = typeof stats?.numRecords === 'number' ? stats.numRecords : undefined;
  const typeOf = (path: readonly string[]): DataType | undefined => findField(cols.schema, path)?.type;
  const statOf = (which: 'minValues' | 'maxValues', path: readonly string[]): Scalar | undefined => {
    if (path.length === 1 && partitionValues.has(path[0]!)) {
      const v = partitionValues.get(path[0]!);
      return v === null ? undefined : v;
    }
    const t = typeOf(path);
    const phys = physicalPath(cols.schema, path, cols.mode);
    if (!t || !phys || !stats) return undefined;
    return parseStatsValue(dig(stats[which], phys), t);
  };
  const isPartition = (path: readonly string[]) => path.length === 1 && partitionValues.has(path[0]!);
  return {
    numRecords,
    allNull: (path) => isPartition(path) && partitionValues.get(path[0]!) === null,
    boundsExact: isPartition,
    min: (path) => statOf('minValues', path),
    max: (path) => statOf('maxValues', path),
    nullCount: (path) => {
      if (path.length === 1 && partitionValues.has(path[0]!)) {
        const isNull = partitionValues.get(path[0]!) === null;
        return isNull ? (numRecords ?? undefined) : 0;
      }
      const phys = physicalPath(cols.schema, path, cols.mode);
      const v = phys && stats ? dig(stats.nullCount, phys) : undefined;
      return typeof v === 'number' ? v : undefined;
    },
  };
}
