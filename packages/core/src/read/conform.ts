/**
 * Conform a column read from a data file to the table's logical type: match struct fields
 * by physical name (or Parquet field id), fill fields the file lacks with nulls (schema
 * evolution), cast leaves (type widening, timestamp units, INT96), and give every field its
 * logical name. Zero-copy when the file already matches.
 */
import * as arrow from 'apache-arrow';
import { castData } from '../arrow/cast.js';
import { nullData } from '../arrow/constant.js';
import { CorruptDataError } from '../errors.js';
import { deltaFieldToArrow, deltaTypeToArrow } from '../protocol/arrow-schema.js';
import type { ColumnMappingMode } from '../protocol/features.js';
import type { DataType, StructField } from '../protocol/schema.js';
import { fieldId, PARQUET_FIELD_ID, physicalName } from '../protocol/column-mapping.js';

/** Find the file's child field for a logical field. */
export function matchField(fileFields: readonly arrow.Field[], target: StructField, mode: ColumnMappingMode): number {
  if (mode === 'id') {
    const id = fieldId(target);
    if (id !== undefined) {
      const i = fileFields.findIndex((f) => f.metadata.get(PARQUET_FIELD_ID) === String(id));
      if (i >= 0) return i;
    }
  }
  const name = physicalName(target, mode);
  const exact = fileFields.findIndex((f) => f.name === name);
  if (exact >= 0) return exact;
  // Spark resolves Parquet columns case-insensitively.
  const lower = name.toLowerCase();
  return fileFields.findIndex((f) => f.name.toLowerCase() === lower);
}

export function conformData(
  data: arrow.Data | undefined,
  length: number,
  target: DataType,
  mode: ColumnMappingMode,
  path: string,
): arrow.Data {
  const targetArrow = deltaTypeToArrow(target);
  if (!data) return nullData(targetArrow, length);
  let out: arrow.Data | undefined;
  try {
    out = conformNested(data, target, targetArrow, mode, path);
  } catch (err) {
    if (err instanceof CorruptDataError) throw err;
    throw new CorruptDataError(
      `column ${path}: cannot read file type ${String(data.type)} as ${String(targetArrow)}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (out) return out;
  throw new CorruptDataError(
    `column ${path}: the data file stores ${String(data.type)}, but the table schema says ${String(targetArrow)}`,
  );
}

/** Conform by the target's kind; undefined when the file's type cannot be read as it. */
function conformNested(
  data: arrow.Data,
  target: DataType,
  targetArrow: arrow.DataType,
  mode: ColumnMappingMode,
  path: string,
): arrow.Data | undefined {
  switch (target.type) {
    case 'struct':
    case 'variant':
      return data.type.typeId === arrow.Type.Struct ? conformStruct(data, target, targetArrow, mode, path) : undefined;
    case 'array': {
      if (data.type.typeId !== arrow.Type.List) return undefined;
      const child = data.children[0]!;
      const element = conformData(child, child.length, target.elementType, mode, `${path}[]`);
      return arrow.makeData({
        type: targetArrow as arrow.List,
        offset: data.offset,
        length: data.length,
        nullCount: data.nullCount,
        nullBitmap: data.nullBitmap,
        valueOffsets: data.valueOffsets,
        child: element,
      });
    }
    case 'map':
      return data.type.typeId === arrow.Type.Map ? conformMap(data, target, targetArrow, mode, path) : undefined;
    default:
      return castData(data, targetArrow);
  }
}

/** A struct (or a variant's metadata/value struct): children matched by physical name or id. */
function conformStruct(
  data: arrow.Data,
  target: DataType,
  targetArrow: arrow.DataType,
  mode: ColumnMappingMode,
  path: string,
): arrow.Data {
  const fileFields = (data.type as arrow.Struct).children;
  const targetFields: StructField[] =
    target.type === 'struct'
      ? target.fields
      : [
          { name: 'metadata', type: { type: 'binary' }, nullable: false, metadata: {} },
          { name: 'value', type: { type: 'binary' }, nullable: false, metadata: {} },
        ];
  const children = targetFields.map((tf) => {
    const i = matchField(fileFields, tf, mode);
    return conformData(i >= 0 ? data.children[i] : undefined, data.length, tf.type, mode, `${path}.${tf.name}`);
  });
  const type =
    target.type === 'struct' ? new arrow.Struct(target.fields.map((f) => deltaFieldToArrow(f))) : targetArrow;
  return arrow.makeData({
    type: type as arrow.Struct,
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    children,
  });
}

function conformMap(
  data: arrow.Data,
  target: Extract<DataType, { type: 'map' }>,
  targetArrow: arrow.DataType,
  mode: ColumnMappingMode,
  path: string,
): arrow.Data {
  const entries = data.children[0]!;
  const [k, v] = entries.children;
  const key = conformData(k, entries.length, target.keyType, mode, `${path}.key`);
  const value = conformData(v, entries.length, target.valueType, mode, `${path}.value`);
  const entriesType = (targetArrow as arrow.Map_).children[0]!.type;
  const conformedEntries = arrow.makeData({
    type: entriesType,
    offset: entries.offset,
    length: entries.length,
    nullCount: 0,
    children: [key, value],
  });
  return arrow.makeData({
    type: targetArrow as arrow.Map_,
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    valueOffsets: data.valueOffsets,
    child: conformedEntries,
  });
}
