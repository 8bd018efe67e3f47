/**
 * Column mapping on create and schema evolution: every field gets a stable id
 * (`delta.columnMapping.id`) and a physical name (`col-<uuid>`), and the table tracks the
 * highest id in `delta.columnMapping.maxColumnId`.
 */
import type { DataType, StructField, StructType } from '../protocol/schema.js';
import type { IdSource } from '../util/ids.js';

const ID = 'delta.columnMapping.id';
const PHYSICAL = 'delta.columnMapping.physicalName';

export function assignColumnMapping(
  schema: StructType,
  maxColumnId: number,
  ids: IdSource,
): { schema: StructType; maxColumnId: number } {
  let next = maxColumnId;
  const field = (f: StructField): StructField => {
    const metadata = { ...f.metadata };
    if (typeof metadata[ID] !== 'number') metadata[ID] = ++next;
    if (typeof metadata[PHYSICAL] !== 'string') metadata[PHYSICAL] = `col-${ids.uuid()}`;
    return { ...f, metadata, type: type(f.type) };
  };
  const type = (t: DataType): DataType => {
    if (t.type === 'struct') return { type: 'struct', fields: t.fields.map(field) };
    if (t.type === 'array') return { ...t, elementType: type(t.elementType) };
    if (t.type === 'map') return { ...t, keyType: type(t.keyType), valueType: type(t.valueType) };
    return t;
  };
  return { schema: type(schema) as StructType, maxColumnId: next };
}
