/**
 * Split a batch by the values of the partition columns: one slice per distinct partition,
 * holding only the data columns, plus the partition values serialised as the log stores
 * them (physical keys under column mapping).
 */
import type * as arrow from 'apache-arrow';
import { projectBatch } from '../arrow/project.js';
import { takeBatch } from '../arrow/take.js';
import { readValues } from '../expr/eval-values.js';
import { validity } from '../expr/arrow-access.js';
import { serializePartitionValue, type Scalar } from '../protocol/scalar.js';
import type { ColumnMappingMode } from '../protocol/features.js';
import type { StructType } from '../protocol/schema.js';
import { partitionValueKey } from '../protocol/column-mapping.js';

export interface PartitionSlice {
  /** Stable key of the partition (its serialised values). */
  key: string;
  /** `add.partitionValues`: physical column name -> serialised value (null for null). */
  values: Record<string, string | null>;
  /** Scalar values by logical column name. */
  scalars: Map<string, Scalar>;
  /** The rows of this partition, data columns only. */
  batch: arrow.RecordBatch;
}

export function splitByPartition(
  batch: arrow.RecordBatch,
  schema: StructType,
  partitionColumns: readonly string[],
  mode: ColumnMappingMode,
): PartitionSlice[] {
  const dataFields = batch.schema.fields.filter((f) => !partitionColumns.includes(f.name));
  const dataOnly = projectBatch(
    batch,
    dataFields.map((f) => f.name),
  );
  if (partitionColumns.length === 0) return [{ key: '', values: {}, scalars: new Map(), batch: dataOnly }];

  const n = batch.numRows;
  const columns = partitionColumns.map((name) => {
    const field = schema.fields.find((f) => f.name === name)!;
    const data = batch.getChild(name)!.data[0]!;
    const slice = { leaf: data, parents: [], off: 0 };
    return { name, field, values: readValues(slice, n, field.type), valid: validity(slice, n) };
  });
  // Group rows by partition: intern each row's tuple of serialised values.
  const groups = new Map<
    string,
    { values: Record<string, string | null>; scalars: Map<string, Scalar>; rows: number[] }
  >();
  for (let i = 0; i < n; i++) {
    let key = '';
    for (const c of columns) {
      const v = valueAt(c, i);
      key += `${v === null ? '\u0001' : typeof v === 'object' ? Array.from(v as Uint8Array).join(',') : String(v)}\u0000`;
    }
    let g = groups.get(key);
    if (!g) {
      const values: Record<string, string | null> = {};
      const scalars = new Map<string, Scalar>();
      for (const c of columns) {
        const v = valueAt(c, i);
        scalars.set(c.name, v);
        values[partitionValueKey(schema, c.name, mode)] = serializePartitionValue(v, c.field.type);
      }
      groups.set(key, (g = { values, scalars, rows: [] }));
    }
    g.rows.push(i);
  }
  if (groups.size === 1) {
    const [[key, g]] = [...groups];
    return [{ key: key!, values: g!.values, scalars: g!.scalars, batch: dataOnly }];
  }
  return [...groups].map(([key, g]) => ({
    key,
    values: g.values,
    scalars: g.scalars,
    batch: takeBatch(dataOnly, Uint32Array.from(g.rows)),
  }));
}

/**
 * A row's partition value; empty strings and binaries are null, because the protocol reads an
 * empty partition value string as null (Spark's writers turn them into nulls too).
 */
function valueAt(
  c: { values: ArrayLike<Scalar | undefined>; valid: ArrayLike<number> | null | undefined },
  i: number,
): Scalar {
  if (c.valid && c.valid[i] !== 1) return null;
  const v = c.values[i] ?? null;
  return v === '' || (v instanceof Uint8Array && v.length === 0) ? null : v;
}
