/**
 * Schema enforcement and evolution for writes. Input columns are matched to table columns
 * by name (case-insensitively, as Delta does); the data is cast to the table's types where
 * the cast is safe (see docs/types.md), missing nullable columns become nulls, and anything
 * else is refused naming the columns and types at fault. `schemaMode: 'merge'` adds new
 * columns (nested too) and widens types where the table allows type widening;
 * `'overwrite'` replaces the schema (with an overwrite).
 */
import * as arrow from 'apache-arrow';
import { castData } from '../arrow/cast.js';
import { combineChunks } from '../arrow/concat.js';
import { nullData } from '../arrow/constant.js';
import { ConstraintViolationError, SchemaMismatchError, type Say } from '../errors.js';
import { arrowFieldToDelta, arrowTypeToDelta, deltaFieldToArrow, deltaTypeToArrow } from '../protocol/arrow-schema.js';
import { formatDataType, type DataType, type StructField, type StructType } from '../protocol/schema.js';
import { isSupportedWidening } from './type-widening.js';

/** One way the data does not fit the table; advice in it is worded by the interface showing it. */
type Problem = string | ((say: Say) => string);

export type SchemaMode = 'merge' | 'overwrite';

export interface SchemaPlanOptions {
  schemaMode?: SchemaMode;
  /** The table has (or may get) the typeWidening feature. */
  typeWidening?: boolean;
}

export interface TypeChange {
  path: string;
  from: DataType;
  to: DataType;
}

export interface SchemaPlan {
  /** The table schema after this write. */
  schema: StructType;
  /** True when the write changes the table schema. */
  changed: boolean;
  typeChanges: TypeChange[];
  /** Turn an input batch into the table's logical layout (every table column, table types). */
  conform(batch: arrow.RecordBatch): arrow.RecordBatch;
}

function findByName<T extends { name: string }>(fields: readonly T[], name: string): T | undefined {
  return fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

/** Can data of Arrow type `src` be stored in Delta type `dst` without loss (or by documented truncation)? */
function castable(src: arrow.DataType, dst: DataType): boolean {
  try {
    castData(nullData(src, 0), deltaTypeToArrow(dst));
    return true;
  } catch {
    return false;
  }
}

/** Compute the resulting table schema, or throw naming every mismatch. */
export function planSchema(
  data: arrow.Schema,
  table: StructType | undefined,
  opts: SchemaPlanOptions = {},
): SchemaPlan {
  if (!table || opts.schemaMode === 'overwrite') {
    // Inferred schemas are nullable throughout: Arrow JS marks typed-array columns
    // non-nullable by construction, not by intent. Declare NOT NULL with DeltaTable.create.
    const schema = relaxNullability({
      type: 'struct',
      fields: data.fields.map((f) => arrowFieldToDelta(f)),
    }) as StructType;
    return makePlan(schema, !!table, []);
  }
  const problems: Problem[] = [];
  const typeChanges: TypeChange[] = [];
  const merged = mergeStruct(data.fields, table, '', opts, problems, typeChanges);
  if (problems.length > 0) {
    throw new SchemaMismatchError(
      (say) =>
        `the data does not match the table schema: ${problems.map((p) => (typeof p === 'string' ? p : p(say))).join('; ')}.` +
        (opts.schemaMode === 'merge'
          ? ''
          : ` To add the new columns, write with ${say({ option: 'schemaMode', value: 'merge' })}; to replace the ` +
            `schema, write with ${say({ option: 'mode', value: 'overwrite' })} and ${say({ option: 'schemaMode', value: 'overwrite' })}.`),
    );
  }
  const changed = JSON.stringify(merged) !== JSON.stringify(table);
  return makePlan(merged, changed, typeChanges);
}

function mergeStruct(
  dataFields: readonly arrow.Field[],
  table: StructType,
  prefix: string,
  opts: SchemaPlanOptions,
  problems: Problem[],
  typeChanges: TypeChange[],
): StructType {
  const fields: StructField[] = table.fields.map((tf) => {
    const path = prefix + tf.name;
    const df = findByName(dataFields, tf.name);
    if (!df) {
      if (!tf.nullable) problems.push(`non-nullable column ${path} is missing from the data`);
      return tf;
    }
    return { ...tf, type: mergeType(df.type, tf.type, path, opts, problems, typeChanges, df) };
  });
  for (const df of dataFields) {
    if (findByName(table.fields, df.name)) continue;
    const path = prefix + df.name;
    if (opts.schemaMode === 'merge') {
      try {
        fields.push({ ...arrowFieldToDelta(df, path), nullable: true });
      } catch (err) {
        problems.push((err as Error).message);
      }
    } else {
      problems.push(`column ${path} (${String(df.type)}) is not in the table`);
    }
  }
  return { type: 'struct', fields };
}

function mergeType(
  src: arrow.DataType,
  dst: DataType,
  path: string,
  opts: SchemaPlanOptions,
  problems: Problem[],
  typeChanges: TypeChange[],
  field?: arrow.Field,
): DataType {
  if (dst.type === 'struct' && src.typeId === arrow.Type.Struct) {
    return mergeStruct((src as arrow.Struct).children, dst, `${path}.`, opts, problems, typeChanges);
  }
  if (dst.type === 'array' && (src.typeId === arrow.Type.List || src.typeId === arrow.Type.FixedSizeList)) {
    const child = src.children[0]!;
    return {
      ...dst,
      elementType: mergeType(child.type, dst.elementType, `${path}[]`, opts, problems, typeChanges, child),
    };
  }
  if (dst.type === 'map' && src.typeId === arrow.Type.Map) {
    const [k, v] = (src.children[0]!.type as arrow.Struct).children;
    return {
      ...dst,
      keyType: mergeType(k!.type, dst.keyType, `${path}.key`, opts, problems, typeChanges, k),
      valueType: mergeType(v!.type, dst.valueType, `${path}.value`, opts, problems, typeChanges, v),
    };
  }
  if (castable(src, dst)) return dst;
  let srcDelta: DataType | undefined;
  try {
    srcDelta = arrowTypeToDelta(src, path, field);
  } catch {
    srcDelta = undefined;
  }
  if (srcDelta && opts.schemaMode === 'merge' && opts.typeWidening && isSupportedWidening(dst, srcDelta)) {
    typeChanges.push({ path, from: dst, to: srcDelta });
    return srcDelta;
  }
  const widening = srcDelta !== undefined && isSupportedWidening(dst, srcDelta);
  const has = srcDelta ? formatDataType(srcDelta) : String(src);
  problems.push(
    (say) =>
      `column ${path} is ${formatDataType(dst)} in the table but the data has ${has}` +
      (widening
        ? ` (widening to ${has} needs ${say({ option: 'schemaMode', value: 'merge' })} on a table with delta.enableTypeWidening=true)`
        : ''),
  );
  return dst;
}

function makePlan(schema: StructType, changed: boolean, typeChanges: TypeChange[]): SchemaPlan {
  return { schema, changed, typeChanges, conform: conformer(schema) };
}

/** Turn input batches into `schema`'s logical layout (every column, the table's types), or throw. */
export function conformer(schema: StructType): (batch: arrow.RecordBatch) => arrow.RecordBatch {
  const target = new arrow.Schema(schema.fields.map((f) => deltaFieldToArrow(f)));
  return (batch) => {
    const children = schema.fields.map((f) => {
      const df = findByName(batch.schema.fields, f.name);
      const col = df ? batch.getChild(df.name) : null;
      const data = col ? (col.data.length === 1 ? col.data[0]! : combineChunks(col)) : undefined;
      const out = conformColumn(data, batch.numRows, f.type, f.name);
      checkNulls(out, f, f.name);
      return out;
    });
    return new arrow.RecordBatch(
      target,
      arrow.makeData({ type: new arrow.Struct(target.fields), length: batch.numRows, nullCount: 0, children }),
    );
  };
}

/** Cast one input column to a Delta type, matching nested struct fields by name. */
function conformColumn(data: arrow.Data | undefined, length: number, type: DataType, path: string): arrow.Data {
  const targetArrow = deltaTypeToArrow(type);
  if (!data) return nullData(targetArrow, length);
  if (type.type === 'struct' && data.type.typeId === arrow.Type.Struct) {
    const srcFields = (data.type as arrow.Struct).children;
    const children = type.fields.map((f) => {
      const i = srcFields.findIndex((s) => s.name === f.name || s.name.toLowerCase() === f.name.toLowerCase());
      return conformColumn(i >= 0 ? data.children[i] : undefined, data.length, f.type, `${path}.${f.name}`);
    });
    return arrow.makeData({
      type: targetArrow as arrow.Struct,
      offset: data.offset,
      length: data.length,
      nullCount: data.nullCount,
      nullBitmap: data.nullBitmap,
      children,
    });
  }
  try {
    return castData(data, targetArrow);
  } catch (err) {
    throw new SchemaMismatchError(`column ${path}: ${(err as Error).message}`);
  }
}

function isValid(data: arrow.Data, i: number): boolean {
  if (!data.nullBitmap || data.nullBitmap.length === 0 || data.nullCount === 0) return true;
  const idx = data.offset + i;
  return (data.nullBitmap[idx >> 3]! & (1 << (idx & 7))) !== 0;
}

/** Reject nulls in non-nullable columns (and non-nullable struct fields of present structs). */
function checkNulls(data: arrow.Data, field: StructField, path: string, parent?: arrow.Data): void {
  if (!field.nullable && data.nullCount > 0) {
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i) && (!parent || isValid(parent, i))) {
        throw new ConstraintViolationError(
          `NOT NULL ${path}`,
          `column ${path} is declared NOT NULL but the data has a null at row ${i}; nothing was committed`,
        );
      }
    }
  }
  if (field.type.type === 'struct') {
    field.type.fields.forEach((f, k) => checkNulls(data.children[k]!, f, `${path}.${f.name}`, data));
  }
}

function relaxNullability(t: DataType): DataType {
  switch (t.type) {
    case 'struct':
      return {
        type: 'struct',
        fields: t.fields.map((f) => ({ ...f, nullable: true, type: relaxNullability(f.type) })),
      };
    case 'array':
      return { ...t, containsNull: true, elementType: relaxNullability(t.elementType) };
    case 'map':
      return {
        ...t,
        valueContainsNull: true,
        keyType: relaxNullability(t.keyType),
        valueType: relaxNullability(t.valueType),
      };
    default:
      return t;
  }
}
