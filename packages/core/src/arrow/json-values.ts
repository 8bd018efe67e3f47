/**
 * The corpus value encoding (test/conformance/corpus/README.md "Value encoding"), used by the
 * CLI's ndjson output and the conformance runner: Arrow values -> JSON-compatible values,
 * formatted by the column's Delta type.
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError } from '../errors.js';
import { floorDiv, formatDate, formatDecimal, formatTimestampMicros } from '../protocol/scalar.js';
import type { DataType, StructField, StructType } from '../protocol/schema.js';
import { formatDataType } from '../protocol/schema.js';
import { arrowTypeToDelta } from '../protocol/arrow-schema.js';
import { combineChunks } from './concat.js';
import { isNullAt, toHex, viewBytes } from './data-utils.js';
import { readBigInt } from './int-words.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type Encoder = (data: arrow.Data, i: number) => JsonValue;

const TWO_53 = 2n ** 53n;
const MICROS_PER_DAY = 86_400_000_000n;
const utf8 = new TextDecoder();

/**
 * Encode row `index` of a column (Data, or Vector of several chunks). Without `deltaType`
 * the Delta type is inferred from the Arrow type.
 */
export function encodeValue(column: arrow.Data | arrow.Vector, index: number, deltaType?: DataType): JsonValue {
  let data: arrow.Data;
  let i = index;
  if (column instanceof arrow.Vector) {
    let k = 0;
    while (k < column.data.length && i >= column.data[k].length) i -= column.data[k++].length;
    if (k === column.data.length) throw new RangeError(`row ${index} is out of range for ${column.length} rows`);
    data = column.data[k];
  } else {
    data = column;
  }
  return compileEncoder(data.type, deltaType ?? inferDeltaType(data.type), 'value')(data, i);
}

/** Every row as an array of encoded values in the order of `deltaSchema`'s fields. */
export function batchToRows(batch: arrow.RecordBatch, deltaSchema?: StructType): JsonValue[][] {
  const { columns, encoders } = prepare(batch, deltaSchema);
  const rows: JsonValue[][] = new Array<JsonValue[]>(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    const row = new Array<JsonValue>(columns.length);
    for (let c = 0; c < columns.length; c++) row[c] = encoders[c](columns[c], r);
    rows[r] = row;
  }
  return rows;
}

/** Every row as an object keyed by column name (field order of `deltaSchema`). */
export function batchToObjects(batch: arrow.RecordBatch, deltaSchema?: StructType): Record<string, JsonValue>[] {
  const { fields, columns, encoders } = prepare(batch, deltaSchema);
  const rows: Record<string, JsonValue>[] = new Array<Record<string, JsonValue>>(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    const row: Record<string, JsonValue> = {};
    for (let c = 0; c < columns.length; c++) row[fields[c].name] = encoders[c](columns[c], r);
    rows[r] = row;
  }
  return rows;
}

function prepare(
  batch: arrow.RecordBatch,
  deltaSchema?: StructType,
): { fields: StructField[]; columns: arrow.Data[]; encoders: Encoder[] } {
  const arrowFields = batch.schema.fields;
  const fields: StructField[] =
    deltaSchema?.fields ??
    arrowFields.map((f) => ({
      name: f.name,
      type: inferDeltaType(f.type, f.name),
      nullable: f.nullable,
      metadata: {},
    }));
  const positions = matchFields(
    fields,
    arrowFields.map((f) => f.name),
    'batch',
  );
  const columns = positions.map((p) => batch.data.children[p]);
  const encoders = fields.map((f, c) => compileEncoder(columns[c].type, f.type, f.name));
  return { fields, columns, encoders };
}

/** Arrow child position of each Delta field: by name when all names match, else by position. */
function matchFields(fields: readonly StructField[], arrowNames: readonly string[], path: string): number[] {
  const byName = fields.map((f) => arrowNames.indexOf(f.name));
  if (byName.every((p) => p >= 0)) return byName;
  if (fields.length === arrowNames.length) return fields.map((_, k) => k);
  throw new SchemaMismatchError(
    `${path} has Arrow fields [${arrowNames.join(', ')}] that do not match Delta fields [${fields.map((f) => f.name).join(', ')}]`,
  );
}

function withNulls(enc: Encoder): Encoder {
  return (data, i) => (isNullAt(data, i) ? null : enc(data, i));
}

/** Build the encoder for one (Arrow type, Delta type) pair; nested types compile their children once. */
function compileEncoder(arrowType: arrow.DataType, delta: DataType, path: string): Encoder {
  if (arrowType.typeId === arrow.Type.Null) return () => null;
  if (arrowType.typeId === arrow.Type.Dictionary) {
    const valueEnc = compileEncoder((arrowType as arrow.Dictionary).dictionary, delta, path);
    const cache = new WeakMap<arrow.Vector, arrow.Data>();
    return withNulls((data, i) => {
      const dictVector = data.dictionary;
      if (!dictVector) return null;
      let dict = cache.get(dictVector);
      if (!dict) cache.set(dictVector, (dict = combineChunks(dictVector)));
      return valueEnc(dict, Number((data.values as ArrayLike<number | bigint>)[i]));
    });
  }
  const fail = (): SchemaMismatchError =>
    new SchemaMismatchError(
      `cannot encode ${path}: Arrow type ${String(arrowType)} does not hold Delta type ${formatDataType(delta)}`,
    );
  const id = arrowType.typeId;
  switch (delta.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      if (id !== arrow.Type.Int && id !== arrow.Type.Time && id !== arrow.Type.Duration) throw fail();
      return withNulls(integerEncoder());
    case 'float':
    case 'double':
      if (id === arrow.Type.Int) return withNulls(integerEncoder());
      if (id !== arrow.Type.Float) throw fail();
      return withNulls(floatEncoder(arrowType as arrow.Float));
    case 'decimal':
      return withNulls(decimalEncoder(arrowType, delta.scale, fail));
    case 'boolean':
      if (id !== arrow.Type.Bool) throw fail();
      return withNulls((d, i) => {
        const p = d.offset + i;
        return (((d.values as Uint8Array)[p >> 3] >> (p & 7)) & 1) === 1;
      });
    case 'string': {
      const bytes = bytesReader(arrowType, fail);
      return withNulls((d, i) => utf8.decode(bytes(d, i)));
    }
    case 'binary': {
      const bytes = bytesReader(arrowType, fail);
      return withNulls((d, i) => toHex(bytes(d, i)));
    }
    case 'date': {
      const micros = microsReader(arrowType, fail);
      return withNulls((d, i) => formatDate(Number(floorDiv(micros(d, i), MICROS_PER_DAY))));
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      const micros = microsReader(arrowType, fail);
      const utc = delta.type === 'timestamp';
      return withNulls((d, i) => formatTimestampMicros(micros(d, i), utc));
    }
    case 'variant':
      return variantEncoder(arrowType, fail);
    case 'struct':
      return structEncoder(arrowType, delta, path, fail);
    case 'array':
      return listEncoder(arrowType, delta.elementType, path, fail);
    case 'map': {
      if (id !== arrow.Type.Map) throw fail();
      const entries = arrowType.children[0].type as arrow.Struct;
      const keyEnc = compileEncoder(entries.children[0].type, delta.keyType, `${path}.key`);
      const valueEnc = compileEncoder(entries.children[1].type, delta.valueType, `${path}.value`);
      return withNulls((d, i) => {
        const offs = d.valueOffsets as Int32Array;
        const e = d.children[0];
        const [kd, vd] = [e.children[0], e.children[1]];
        const out: JsonValue[] = [];
        for (let j = offs[i]; j < offs[i + 1]; j++) out.push([keyEnc(kd, j), valueEnc(vd, j)]);
        return out;
      });
    }
    default:
      throw fail();
  }
}

/** Integers as JSON numbers; 64-bit values beyond ±2^53 as decimal strings. */
function integerEncoder(): Encoder {
  return (d, i) => {
    const v = (d.values as ArrayLike<number | bigint>)[i];
    if (typeof v === 'number') return v;
    return v > TWO_53 || v < -TWO_53 ? v.toString() : Number(v);
  };
}

function floatEncoder(t: arrow.Float): Encoder {
  const half = t.precision === arrow.Precision.HALF;
  return (d, i) => {
    const raw = (d.values as Float64Array)[i];
    const v = half ? arrow.util.uint16ToFloat64(raw) : raw;
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    return v;
  };
}

/** Decimal text at the Delta scale (the Arrow scale is used when it is larger). */
function decimalEncoder(t: arrow.DataType, scale: number, fail: () => Error): Encoder {
  if (t.typeId === arrow.Type.Int) {
    const int = integerEncoder();
    const factor = 10n ** BigInt(scale);
    return (d, i) => formatDecimal(BigInt(int(d, i) as number | string) * factor, scale);
  }
  if (t.typeId !== arrow.Type.Decimal) throw fail();
  const dt = t as arrow.Decimal;
  const words = dt.bitWidth / 32;
  const up = scale > dt.scale ? 10n ** BigInt(scale - dt.scale) : 1n;
  const outScale = Math.max(scale, dt.scale);
  return (d, i) => formatDecimal(readBigInt(d.values as Uint32Array, i * words, words) * up, outScale);
}

function bytesReader(t: arrow.DataType, fail: () => Error): (d: arrow.Data, i: number) => Uint8Array {
  switch (t.typeId) {
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      return (d, i) => {
        const o = d.valueOffsets as Int32Array;
        return (d.values as Uint8Array).subarray(o[i], o[i + 1]);
      };
    case arrow.Type.LargeUtf8:
    case arrow.Type.LargeBinary:
      return (d, i) => {
        const o = d.valueOffsets as BigInt64Array;
        return (d.values as Uint8Array).subarray(Number(o[i]), Number(o[i + 1]));
      };
    case arrow.Type.Utf8View:
    case arrow.Type.BinaryView:
      return viewBytes;
    case arrow.Type.FixedSizeBinary: {
      const w = (t as arrow.FixedSizeBinary).byteWidth;
      return (d, i) => (d.values as Uint8Array).subarray(i * w, (i + 1) * w);
    }
    default:
      throw fail();
  }
}

/** Microseconds since the epoch from any timestamp unit or date. */
function microsReader(t: arrow.DataType, fail: () => Error): (d: arrow.Data, i: number) => bigint {
  if (t.typeId === arrow.Type.Date) {
    if ((t as arrow.Date_).unit === arrow.DateUnit.DAY)
      return (d, i) => BigInt((d.values as Int32Array)[i]) * MICROS_PER_DAY;
    return (d, i) => (d.values as BigInt64Array)[i] * 1000n;
  }
  if (t.typeId !== arrow.Type.Timestamp) throw fail();
  switch ((t as arrow.Timestamp).unit) {
    case arrow.TimeUnit.SECOND:
      return (d, i) => (d.values as BigInt64Array)[i] * 1_000_000n;
    case arrow.TimeUnit.MILLISECOND:
      return (d, i) => (d.values as BigInt64Array)[i] * 1000n;
    case arrow.TimeUnit.MICROSECOND:
      return (d, i) => (d.values as BigInt64Array)[i];
    default:
      return (d, i) => floorDiv((d.values as BigInt64Array)[i], 1000n);
  }
}

/** Delta variant (struct<metadata: binary, value: binary>) -> {metadata: hex, value: hex}. */
function variantEncoder(t: arrow.DataType, fail: () => Error): Encoder {
  if (t.typeId !== arrow.Type.Struct) throw fail();
  const names = t.children.map((f) => f.name);
  const m = names.includes('metadata') ? names.indexOf('metadata') : 0;
  const v = names.includes('value') ? names.indexOf('value') : 1;
  if (t.children.length < 2) throw fail();
  const metaBytes = bytesReader(t.children[m].type, fail);
  const valueBytes = bytesReader(t.children[v].type, fail);
  const metaEnc = withNulls((d, i) => toHex(metaBytes(d, i)));
  const valueEnc = withNulls((d, i) => toHex(valueBytes(d, i)));
  return withNulls((d, i) => ({ metadata: metaEnc(d.children[m], i), value: valueEnc(d.children[v], i) }));
}

function structEncoder(t: arrow.DataType, delta: StructType, path: string, fail: () => Error): Encoder {
  if (t.typeId !== arrow.Type.Struct) throw fail();
  const positions = matchFields(
    delta.fields,
    t.children.map((f) => f.name),
    path,
  );
  const names = delta.fields.map((f) => f.name);
  const encs = delta.fields.map((f, k) => compileEncoder(t.children[positions[k]].type, f.type, `${path}.${f.name}`));
  return withNulls((d, i) => {
    const out: { [key: string]: JsonValue } = {};
    for (let k = 0; k < encs.length; k++) out[names[k]] = encs[k](d.children[positions[k]], i);
    return out;
  });
}

function listEncoder(t: arrow.DataType, element: DataType, path: string, fail: () => Error): Encoder {
  const id = t.typeId;
  if (id !== arrow.Type.List && id !== arrow.Type.LargeList && id !== arrow.Type.FixedSizeList) throw fail();
  const enc = compileEncoder(t.children[0].type, element, `${path}[]`);
  const size = id === arrow.Type.FixedSizeList ? (t as arrow.FixedSizeList).listSize : 0;
  return withNulls((d, i) => {
    let s: number;
    let e: number;
    if (size > 0) {
      s = i * size;
      e = s + size;
    } else {
      const o = d.valueOffsets as ArrayLike<number | bigint>;
      s = Number(o[i]);
      e = Number(o[i + 1]);
    }
    const child = d.children[0];
    const out = new Array<JsonValue>(e - s);
    for (let j = s; j < e; j++) out[j - s] = enc(child, j);
    return out;
  });
}

/** The Delta type an Arrow type is encoded as when no Delta schema is given (protocol/arrow-schema.ts). */
export function inferDeltaType(t: arrow.DataType, path = 'value', field?: arrow.Field): DataType {
  return arrowTypeToDelta(t, path, field, { encoding: true });
}
