/**
 * Make Arrow data Delta/Spark friendly before it is written to Parquet:
 * - list elements are named `element`, map entries `key_value` with `key`/`value`
 *   (Spark's names; Arrow JS and arrow-rs default to `item`/`entries`);
 * - timestamps become INT64 microseconds: a zoned Arrow timestamp (any zone) is an instant and
 *   is written as Timestamp(us, 'UTC') (Parquet isAdjustedToUTC=true, Delta `timestamp`); a
 *   zoneless one stays zoneless (isAdjustedToUTC=false, Delta `timestamp_ntz`). Seconds and
 *   milliseconds are widened exactly; nanoseconds are refused (the caller decides how to round);
 * - Date64 becomes Date32 (days) when it holds whole days;
 * - types Delta has no equivalent for (unsigned ints, float16, time, duration, interval, union,
 *   fixed-size binary/list, null, decimals beyond precision 38) throw SchemaMismatchError.
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError } from '../errors.js';

const MS_PER_DAY = 86_400_000n;

/** The schema the Parquet file gets for data of `schema`. Throws SchemaMismatchError for unsupported types. */
export function parquetSchemaFor(schema: arrow.Schema): arrow.Schema {
  return new arrow.Schema(
    schema.fields.map((f) => f.clone({ type: targetType(f.type, f.name) })),
    schema.metadata,
  );
}

/** Re-shape `batch` to `schema` (from parquetSchemaFor of a compatible schema), converting values where needed. */
export function conformBatch(batch: arrow.RecordBatch, schema: arrow.Schema): arrow.RecordBatch {
  if (batch.schema.fields.length !== schema.fields.length) {
    throw new SchemaMismatchError(
      `batch has columns [${batch.schema.names.join(', ')}] but the file has [${schema.names.join(', ')}]`,
    );
  }
  const children = schema.fields.map((f, i) => {
    const src = batch.schema.fields[i]!;
    if (src.name !== f.name) {
      throw new SchemaMismatchError(`batch column ${i} is "${src.name}" but the file's column ${i} is "${f.name}"`);
    }
    const data = conformData(batch.data.children[i]!, f.type, f.name);
    if (!f.nullable && data.nullCount > 0) {
      throw new SchemaMismatchError(`column "${f.name}" is not nullable but the batch has ${data.nullCount} null(s)`);
    }
    return data;
  });
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}

function targetType(t: arrow.DataType, where: string): arrow.DataType {
  if (arrow.DataType.isStruct(t)) {
    if (t.children.length === 0) unsupported(where, t, 'Parquet cannot store a struct without fields');
    return new arrow.Struct(t.children.map((f) => f.clone({ type: targetType(f.type, `${where}.${f.name}`) })));
  }
  if (arrow.DataType.isList(t) || arrow.DataType.isLargeList(t)) {
    const child = t.children[0]!;
    const element = child.clone({ name: 'element', type: targetType(child.type, `${where}.element`) });
    return arrow.DataType.isList(t) ? new arrow.List(element) : new arrow.LargeList(element);
  }
  if (arrow.DataType.isMap(t)) {
    const entries = t.children[0]!;
    const [k, v] = entries.type.children as [arrow.Field, arrow.Field];
    const key = k.clone({ name: 'key', nullable: false, type: targetType(k.type, `${where}.key`) });
    const value = v.clone({ name: 'value', type: targetType(v.type, `${where}.value`) });
    type Entries = arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>;
    const kv = new arrow.Struct([key, value] as arrow.Field[]) as Entries;
    const entriesField = entries.clone({ nullable: false, type: kv }) as arrow.Field<Entries>;
    const map = new arrow.Map_(entriesField, t.keysSorted);
    // Arrow JS's Map_ constructor forces the name `entries`; the IPC writer and parquet-wasm
    // keep whatever name the child field has, so rename it afterwards.
    map.children[0] = entriesField.clone({ name: 'key_value' });
    return map;
  }
  return leafType(t, where);
}

function leafType(t: arrow.DataType, where: string): arrow.DataType {
  if (arrow.DataType.isInt(t)) {
    if (!t.isSigned) unsupported(where, t, 'Delta has no unsigned integers: cast to a wider signed type');
    return t;
  }
  if (arrow.DataType.isFloat(t)) {
    if (t.precision === arrow.Precision.HALF) unsupported(where, t, 'cast float16 to Float32');
    return t;
  }
  if (
    arrow.DataType.isBool(t) ||
    arrow.DataType.isUtf8(t) ||
    arrow.DataType.isLargeUtf8(t) ||
    arrow.DataType.isUtf8View(t) ||
    arrow.DataType.isBinary(t) ||
    arrow.DataType.isLargeBinary(t) ||
    arrow.DataType.isBinaryView(t)
  ) {
    return t;
  }
  if (arrow.DataType.isDecimal(t)) {
    if (t.precision > 38 || (t.bitWidth !== 128 && t.bitWidth !== 256)) {
      unsupported(where, t, 'Delta decimals have precision 1..38 (use a 128-bit Arrow decimal)');
    }
    return t;
  }
  if (arrow.DataType.isDate(t)) return new arrow.DateDay();
  if (arrow.DataType.isTimestamp(t)) {
    if (t.unit === arrow.TimeUnit.NANOSECOND) {
      unsupported(where, t, 'Delta timestamps have microsecond precision: cast to Timestamp(MICROSECOND) first');
    }
    return new arrow.TimestampMicrosecond(t.timezone ? 'UTC' : null);
  }
  if (arrow.DataType.isDictionary(t)) {
    const value = leafType(t.dictionary, where);
    if (!arrow.util.compareTypes(value, t.dictionary) || !t.indices.isSigned) {
      unsupported(where, t, 'decode the dictionary (or use signed indices) before writing');
    }
    return t;
  }
  return unsupported(where, t, 'Delta has no equivalent type; convert the column first');
}

/** Convert `data` to `target`, a parquetSchemaFor type of a compatible source type. */
function conformData(data: arrow.Data, target: arrow.DataType, where: string): arrow.Data {
  const src = data.type;
  if (
    arrow.DataType.isStruct(target) ||
    arrow.DataType.isList(target) ||
    arrow.DataType.isLargeList(target) ||
    arrow.DataType.isMap(target)
  ) {
    if (src.typeId !== target.typeId || src.children.length !== target.children.length) mismatch(where, src, target);
    const children = data.children.map((c, i) => {
      const f = target.children[i]!;
      if (arrow.DataType.isStruct(target) && src.children[i]!.name !== f.name) mismatch(where, src, target);
      return conformData(c, f.type, `${where}.${f.name}`);
    });
    return data.clone(target, data.offset, data.length, data.nullCount, data.buffers, children);
  }
  const expected = leafType(src, where);
  if (!arrow.util.compareTypes(expected, target)) mismatch(where, src, target);
  if (arrow.DataType.isTimestamp(src) && src.unit !== arrow.TimeUnit.MICROSECOND) {
    return withValues(data, target, scaleTimestamps(data.values as BigInt64Array, src.unit, data.length));
  }
  if (arrow.DataType.isDate(src) && src.unit === arrow.DateUnit.MILLISECOND) {
    return withValues(data, target, millisToDays(data, where));
  }
  if (arrow.util.compareTypes(src, target)) return data;
  return data.clone(target);
}

function withValues(data: arrow.Data, type: arrow.DataType, values: ArrayLike<number | bigint>): arrow.Data {
  return arrow.makeData({
    type: type as arrow.TimestampMicrosecond,
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    data: values as BigInt64Array,
  });
}

function scaleTimestamps(values: BigInt64Array, unit: arrow.TimeUnit, n: number): BigInt64Array {
  const factor = unit === arrow.TimeUnit.SECOND ? 1_000_000n : 1_000n;
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i]! * factor;
  return out;
}

function millisToDays(data: arrow.Data, where: string): Int32Array {
  const values = data.values as BigInt64Array;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const ms = values[i]!;
    const days = ms / MS_PER_DAY;
    if (days * MS_PER_DAY !== ms && data.getValid(i)) {
      throw new SchemaMismatchError(
        `column "${where}" is a Date64 holding a time of day (${ms} ms); cast it to Timestamp(MICROSECOND) for a ` +
          'Delta timestamp, or to DateDay for a date',
      );
    }
    out[i] = Number(days);
  }
  return out;
}

function unsupported(where: string, t: arrow.DataType, hint: string): never {
  throw new SchemaMismatchError(
    `column "${where}" has Arrow type ${String(t)}, which cannot be written to Delta: ${hint}`,
  );
}

function mismatch(where: string, src: arrow.DataType, target: arrow.DataType): never {
  throw new SchemaMismatchError(
    `column "${where}" has type ${String(src)} in this batch but ${String(target)} in the file`,
  );
}
