/**
 * `add.stats` for an existing Parquet file from its footer's row-group statistics, in the
 * writer's JSON format: bounds are folded through the writer's own ValueStats (same string
 * truncation, timestamp millis, decimal text). A column gets min/max only when every row
 * group with non-null values has trustworthy bounds; nullCount only when every row group
 * has one. Arrays and maps get neither (Parquet counts their nulls per element).
 */
import { constantData } from '../../arrow/constant.js';
import type { ParquetMetadata } from '../../parquet/types.js';
import { deltaTypeToArrow } from '../../protocol/arrow-schema.js';
import type { StructField, StructType } from '../../protocol/schema.js';
import { hasMinMax, selectStatsSchema, type StatsColumnsSpec } from '../../write/stats-columns.js';
import { createValueStats } from '../../write/stats-values.js';

interface Tree {
  [name: string]: string | Tree;
}

/** The stats JSON of one file; `schema` holds the data columns (no partition columns). */
export function statsFromFooter(md: ParquetMetadata, schema: StructType, spec: StatsColumnsSpec = {}): string {
  const selected = selectStatsSchema(schema, spec);
  const min: Tree = {};
  const max: Tree = {};
  const nulls: Tree = {};
  visit(selected.fields, [], md, min, max, nulls);
  let s = `{"numRecords":${md.numRows}`;
  if (Object.keys(min).length > 0) s += `,"minValues":${render(min)}`;
  if (Object.keys(max).length > 0) s += `,"maxValues":${render(max)}`;
  if (Object.keys(nulls).length > 0) s += `,"nullCount":${render(nulls)}`;
  return `${s}}`;
}

function visit(
  fields: readonly StructField[],
  parent: string[],
  md: ParquetMetadata,
  min: Tree,
  max: Tree,
  nulls: Tree,
): void {
  for (const f of fields) {
    const path = [...parent, f.name];
    if (f.type.type === 'struct') {
      const [a, b, c]: Tree[] = [{}, {}, {}];
      visit(f.type.fields, path, md, a, b, c);
      if (Object.keys(a).length > 0) min[f.name] = a;
      if (Object.keys(b).length > 0) max[f.name] = b;
      if (Object.keys(c).length > 0) nulls[f.name] = c;
      continue;
    }
    if (f.type.type === 'array' || f.type.type === 'map') continue;
    const leaf = leafStats(md, path.join('.'), f);
    if (leaf.nullCount !== undefined) nulls[f.name] = String(leaf.nullCount);
    if (leaf.min !== undefined) min[f.name] = leaf.min;
    if (leaf.max !== undefined) max[f.name] = leaf.max;
  }
}

function leafStats(
  md: ParquetMetadata,
  key: string,
  f: StructField,
): { nullCount?: number; min?: string; max?: string } {
  let nullCount: number | undefined = 0;
  let bounded = hasMinMax(f.type);
  const values = bounded ? createValueStats(f.type, key) : undefined;
  const arrowType = deltaTypeToArrow(f.type);
  for (const rg of md.rowGroups) {
    const chunk = rg.columns.get(key);
    if (!chunk) return {}; // the column is not a plain leaf of this file
    if (nullCount !== undefined) nullCount = chunk.nullCount === undefined ? undefined : nullCount + chunk.nullCount;
    if (!bounded || (chunk.nullCount !== undefined && chunk.nullCount >= rg.numRows)) continue; // all null: no bound needed
    if (chunk.min === undefined || chunk.max === undefined || chunk.min === null || chunk.max === null) {
      bounded = false;
      continue;
    }
    try {
      values!.update(constantData(arrowType, chunk.min, 1), null, 0);
      values!.update(constantData(arrowType, chunk.max, 1), null, 0);
    } catch {
      bounded = false; // a bound that does not fit the column type is no bound
    }
  }
  return {
    nullCount,
    min: bounded ? values!.min() : undefined,
    max: bounded ? values!.max() : undefined,
  };
}

function render(t: Tree): string {
  const parts = Object.entries(t).map(([k, v]) => `${JSON.stringify(k)}:${typeof v === 'string' ? v : render(v)}`);
  return `{${parts.join(',')}}`;
}
