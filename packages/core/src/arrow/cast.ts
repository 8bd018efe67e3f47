/**
 * castData / castBatch: exactly the conversions a Delta reader and writer need (identity,
 * widening, unit and zone relabels, decoding, nested recursion); anything else is a
 * SchemaMismatchError naming the column path and both types.
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError } from '../errors.js';
import { castIntToInt, castToDate, castToDecimal, castToFloat, castToTimestamp } from './cast-numeric.js';
import { combineChunks } from './concat.js';
import { nullData } from './constant.js';
import {
  batchOf,
  emptyData,
  isNullAt,
  newData,
  offsetsAsNumbers,
  toBigOffsets,
  viewBytes,
  withBuffers,
} from './data-utils.js';
import { takeData } from './take.js';

const MAX_INT32 = 2147483647;

/** Cast a column to `target`; child field names and nullability come from `target`. */
export function castData(data: arrow.Data, target: arrow.DataType): arrow.Data {
  return castAt(data, target, 'value');
}

/** Cast every column (matched by position) to `targetSchema`, whose names and metadata are kept. */
export function castBatch(batch: arrow.RecordBatch, targetSchema: arrow.Schema): arrow.RecordBatch {
  const fields = targetSchema.fields;
  if (batch.numCols !== fields.length)
    throw new SchemaMismatchError(
      `cannot cast a batch with ${batch.numCols} columns to a schema with ${fields.length} columns ` +
        `(${fields.map((f) => f.name).join(', ')}); select or add columns first`,
    );
  const columns = fields.map((f, i) => castAt(batch.data.children[i], f.type, f.name));
  return batchOf(targetSchema, columns, batch.numRows);
}

function castAt(data: arrow.Data, target: arrow.DataType, path: string): arrow.Data {
  const src = data.type;
  if (src === target) return data;
  const fail = (why: string): SchemaMismatchError =>
    new SchemaMismatchError(`cannot cast ${path} from ${String(src)} to ${String(target)}: ${why}`);
  if (src.typeId === arrow.Type.Null) return nullData(target, data.length);
  if (src.typeId === arrow.Type.Dictionary && target.typeId !== arrow.Type.Dictionary)
    return castAt(decodeDictionary(data), target, path);
  switch (target.typeId) {
    case arrow.Type.Int:
      if (src.typeId !== arrow.Type.Int) throw fail('only integer columns cast to integer');
      return castIntToInt(data, target as arrow.Int, fail);
    case arrow.Type.Float:
      return castToFloat(data, target as arrow.Float, fail);
    case arrow.Type.Decimal:
      return castToDecimal(data, target as arrow.Decimal, fail);
    case arrow.Type.Timestamp:
      return castToTimestamp(data, target as arrow.Timestamp, fail);
    case arrow.Type.Date:
      return castToDate(data, target as arrow.Date_, fail);
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
    case arrow.Type.LargeUtf8:
    case arrow.Type.LargeBinary:
      return castToVarBytes(data, target, fail);
    case arrow.Type.Struct: {
      if (src.typeId !== arrow.Type.Struct) throw fail('only struct columns cast to struct');
      if (src.children.length !== target.children.length)
        throw fail(`the struct has ${src.children.length} fields but the target has ${target.children.length}`);
      const children = target.children.map((f, k) => castAt(data.children[k], f.type, `${path}.${f.name}`));
      return withBuffers(data, target, { children });
    }
    case arrow.Type.List:
    case arrow.Type.LargeList:
      return castList(data, target, path, fail);
    case arrow.Type.FixedSizeList: {
      const size = (target as arrow.FixedSizeList).listSize;
      if (src.typeId !== arrow.Type.FixedSizeList || (src as arrow.FixedSizeList).listSize !== size)
        throw fail(`only a fixed-size list of size ${size} casts to this type`);
      return withBuffers(data, target, { children: [castAt(data.children[0], target.children[0].type, `${path}[]`)] });
    }
    case arrow.Type.Map: {
      if (src.typeId !== arrow.Type.Map) throw fail('only map columns cast to map');
      const entries = castAt(data.children[0], target.children[0].type, `${path}{}`);
      return withBuffers(data, target, { children: [entries] });
    }
    case arrow.Type.Dictionary:
      return castDictionary(data, target as arrow.Dictionary, path, fail);
    default:
      if (sameLeafType(src, target)) return data.clone(target);
      throw fail('this conversion is not supported');
  }
}

/** Dictionary -> its values (nulls where the index is null). */
export function decodeDictionary(data: arrow.Data): arrow.Data {
  const type = data.type as arrow.Dictionary;
  const dict = data.dictionary ? combineChunks(data.dictionary) : emptyData(type.dictionary);
  const n = data.length;
  const keys = data.values as ArrayLike<number | bigint>;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = isNullAt(data, i) ? -1 : Number(keys[i]);
  return takeData(dict, idx);
}

function castDictionary(
  data: arrow.Data,
  target: arrow.Dictionary,
  path: string,
  fail: (why: string) => Error,
): arrow.Data {
  const src = data.type as arrow.Dictionary;
  if (src.typeId !== arrow.Type.Dictionary) throw fail('only dictionary columns cast to a dictionary type');
  if (src.indices.bitWidth !== target.indices.bitWidth || src.indices.isSigned !== target.indices.isSigned)
    throw fail('dictionary index types differ');
  const dict = data.dictionary ? combineChunks(data.dictionary) : emptyData(src.dictionary);
  const values = castAt(dict, target.dictionary, `${path} dictionary`);
  return withBuffers(data, target, { dictionary: new arrow.Vector([values]) });
}

function castList(data: arrow.Data, target: arrow.DataType, path: string, fail: (why: string) => Error): arrow.Data {
  const src = data.type;
  if (src.typeId !== arrow.Type.List && src.typeId !== arrow.Type.LargeList)
    throw fail('only list columns cast to list');
  const childType = target.children[0].type;
  if (src.typeId === target.typeId)
    return withBuffers(data, target, { children: [castAt(data.children[0], childType, `${path}[]`)] });
  // List <-> LargeList: rebase the offsets on the used child range.
  const n = data.length;
  const offs = offsetsAsNumbers(data.valueOffsets, n + 1);
  const start = offs[0];
  const end = offs[n];
  if (target.typeId === arrow.Type.List && end - start > MAX_INT32)
    throw fail(`the list holds ${end - start} elements, more than 32-bit offsets allow`);
  const rebased = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) rebased[i] = offs[i] - start;
  const valueOffsets = target.typeId === arrow.Type.List ? Int32Array.from(rebased) : toBigOffsets(rebased);
  const child = castAt(data.children[0].slice(start, end - start), childType, `${path}[]`);
  return withBuffers(data, target, { valueOffsets, children: [child] });
}

const STRING_SOURCES: Record<number, number[]> = {
  [arrow.Type.Utf8]: [arrow.Type.Utf8, arrow.Type.LargeUtf8, arrow.Type.Utf8View],
  [arrow.Type.Binary]: [arrow.Type.Binary, arrow.Type.LargeBinary, arrow.Type.BinaryView, arrow.Type.FixedSizeBinary],
  [arrow.Type.LargeUtf8]: [arrow.Type.LargeUtf8, arrow.Type.Utf8],
  [arrow.Type.LargeBinary]: [arrow.Type.LargeBinary, arrow.Type.Binary],
};

/** Utf8/Binary from their Large, View (and, for binary, fixed-size) variants, and back to Large. */
function castToVarBytes(data: arrow.Data, target: arrow.DataType, fail: (why: string) => Error): arrow.Data {
  const src = data.type;
  if (!STRING_SOURCES[target.typeId].includes(src.typeId))
    throw fail('strings and binaries do not convert into each other or from other types');
  if (src.typeId === target.typeId) return data.clone(target);
  const n = data.length;
  const large = target.typeId === arrow.Type.LargeUtf8 || target.typeId === arrow.Type.LargeBinary;
  if (src.typeId === arrow.Type.Utf8View || src.typeId === arrow.Type.BinaryView) return fromViews(data, target);
  if (src.typeId === arrow.Type.FixedSizeBinary) {
    const w = (src as arrow.FixedSizeBinary).byteWidth;
    if (n * w > MAX_INT32) throw fail('the column is too large for 32-bit offsets');
    const valueOffsets = new Int32Array(n + 1);
    for (let i = 1; i <= n; i++) valueOffsets[i] = i * w;
    return withBuffers(data, target, { valueOffsets, values: (data.values as Uint8Array).subarray(0, n * w) });
  }
  const offs = offsetsAsNumbers(data.valueOffsets, n + 1);
  const start = offs[0];
  const end = offs[n];
  if (!large && end - start > MAX_INT32)
    throw fail(`the column holds ${end - start} bytes, more than 32-bit offsets allow`);
  const rebased = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) rebased[i] = offs[i] - start;
  const valueOffsets = large ? toBigOffsets(rebased) : Int32Array.from(rebased);
  return withBuffers(data, target, { valueOffsets, values: (data.values as Uint8Array).subarray(start, end) });
}

/** Utf8View/BinaryView -> contiguous offsets + bytes. */
function fromViews(data: arrow.Data, target: arrow.DataType): arrow.Data {
  const n = data.length;
  const offsets = new Float64Array(n + 1);
  const parts: Uint8Array[] = new Array<Uint8Array>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const b = isNullAt(data, i) ? EMPTY : viewBytes(data, i);
    parts[i] = b;
    total += b.length;
    offsets[i + 1] = total;
  }
  const values = new Uint8Array(total);
  for (let i = 0; i < n; i++) values.set(parts[i], offsets[i]);
  const large = target.typeId === arrow.Type.LargeUtf8 || target.typeId === arrow.Type.LargeBinary;
  if (!large && total > MAX_INT32)
    throw new SchemaMismatchError(`a view column of ${total} bytes does not fit 32-bit offsets; use smaller batches`);
  const valueOffsets = large ? toBigOffsets(offsets) : Int32Array.from(offsets);
  return newData({
    type: target,
    length: n,
    nullCount: data.nullCount,
    nullBitmap: data.nullCount > 0 ? copyValidity(data) : undefined,
    valueOffsets,
    values,
  });
}

const EMPTY = new Uint8Array(0);

function copyValidity(data: arrow.Data): Uint8Array {
  const out = new Uint8Array((data.length + 7) >> 3);
  for (let i = 0; i < data.length; i++) if (!isNullAt(data, i)) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/** Same physical type and parameters (Arrow's compareTypes ignores decimal precision/scale). */
function sameLeafType(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  switch (a.typeId) {
    case arrow.Type.Time:
      return (
        (a as arrow.Time).unit === (b as arrow.Time).unit && (a as arrow.Time).bitWidth === (b as arrow.Time).bitWidth
      );
    case arrow.Type.Interval:
      return (a as arrow.Interval).unit === (b as arrow.Interval).unit;
    case arrow.Type.Duration:
      return (a as arrow.Duration).unit === (b as arrow.Duration).unit;
    case arrow.Type.FixedSizeBinary:
      return (a as arrow.FixedSizeBinary).byteWidth === (b as arrow.FixedSizeBinary).byteWidth;
    case arrow.Type.Bool:
    case arrow.Type.Null:
    case arrow.Type.Utf8View:
    case arrow.Type.BinaryView:
      return true;
    default:
      return false;
  }
}
