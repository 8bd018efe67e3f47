/**
 * Column mapping on write: data files use each field's physical name (and, in both modes,
 * the Parquet field id), nested fields included. Buffers are shared; only types change.
 */
import * as arrow from 'apache-arrow';
import { deltaTypeToArrow } from '../protocol/arrow-schema.js';
import type { ColumnMappingMode } from '../protocol/features.js';
import type { DataType, StructField } from '../protocol/schema.js';
import { fieldId, PARQUET_FIELD_ID, physicalName } from '../protocol/column-mapping.js';

function physicalField(f: StructField, mode: ColumnMappingMode): arrow.Field {
  const meta = new Map<string, string>();
  const id = fieldId(f);
  // Delta Spark writes field ids in both modes (name mode reads by physical name, but an engine may use them).
  if (mode !== 'none' && id !== undefined) meta.set(PARQUET_FIELD_ID, String(id));
  return new arrow.Field(physicalName(f, mode), physicalType(f.type, mode), f.nullable, meta);
}

export function physicalType(t: DataType, mode: ColumnMappingMode): arrow.DataType {
  if (mode === 'none') return deltaTypeToArrow(t);
  switch (t.type) {
    case 'struct':
      return new arrow.Struct(t.fields.map((f) => physicalField(f, mode)));
    case 'array':
      return new arrow.List(new arrow.Field('element', physicalType(t.elementType, mode), t.containsNull));
    case 'map': {
      const logical = deltaTypeToArrow(t) as arrow.Map_;
      const entries = logical.children[0]!;
      const kv = entries.type as arrow.Struct;
      const struct = new arrow.Struct([
        new arrow.Field(kv.children[0]!.name, physicalType(t.keyType, mode), false),
        new arrow.Field(kv.children[1]!.name, physicalType(t.valueType, mode), t.valueContainsNull),
      ]);
      return new arrow.Map_(new arrow.Field(entries.name, struct as never, false), false);
    }
    default:
      return deltaTypeToArrow(t);
  }
}

export function physicalSchema(fields: readonly StructField[], mode: ColumnMappingMode): arrow.Schema {
  return new arrow.Schema(
    fields.map((f) =>
      mode === 'none' ? new arrow.Field(f.name, deltaTypeToArrow(f.type), f.nullable) : physicalField(f, mode),
    ),
  );
}

/** Re-type data to its physical type (same buffers, renamed nested fields). */
function retype(data: arrow.Data, type: arrow.DataType): arrow.Data {
  const children = data.children.map((c, i) => retype(c, type.children[i]!.type));
  return data.clone(type, data.offset, data.length, data.nullCount, data as never, children);
}

/** A logical-name batch as the physical batch written to Parquet. */
export function toPhysicalBatch(
  batch: arrow.RecordBatch,
  schema: arrow.Schema,
  mode: ColumnMappingMode,
): arrow.RecordBatch {
  if (mode === 'none') return batch;
  const children = schema.fields.map((f, i) => retype(batch.data.children[i]!, f.type));
  return new arrow.RecordBatch(
    schema,
    arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children }),
  );
}
