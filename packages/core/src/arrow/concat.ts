/**
 * Concatenation into one contiguous Data per column (not a chunked Vector), plus
 * zero-copy slicing. Inputs may be sliced (offset != 0) and have or lack null bitmaps.
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError, SchemaMismatchError } from '../errors.js';
import {
  batchOf,
  bitmapBytes,
  copyBits,
  emptyData,
  isFixedWidth,
  newData,
  nullBitmapOf,
  offsetsAsNumbers,
  sameType,
  setBits,
  strideOf,
  toBigOffsets,
  valuesCtor,
} from './data-utils.js';

const MAX_INT32 = 2147483647;

/** Concatenate batches with the same schema into one batch whose columns are single Data. */
export function concatBatches(batches: readonly arrow.RecordBatch[], schema?: arrow.Schema): arrow.RecordBatch {
  if (batches.length === 0) {
    if (!schema) throw new InvalidArgumentError('concatBatches needs a schema when there are no batches');
    return batchOf(
      schema,
      schema.fields.map((f) => emptyData(f.type)),
      0,
    );
  }
  const first = batches[0];
  const outSchema = schema ?? first.schema;
  if (batches.length === 1 && outSchema === first.schema) return first;
  const ncols = outSchema.fields.length;
  for (const b of batches) {
    if (b.numCols !== ncols)
      throw new SchemaMismatchError(
        `cannot concatenate batches with ${b.numCols} and ${ncols} columns; cast them to one schema first`,
      );
  }
  const columns: arrow.Data[] = [];
  for (let c = 0; c < ncols; c++) {
    const chunks = batches.map((b) => b.data.children[c]);
    columns.push(concatData(chunks, outSchema.fields[c].type, outSchema.fields[c].name));
  }
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  return batchOf(outSchema, columns, length);
}

/** Zero-copy slice of rows [offset, offset + length). */
export function sliceBatch(batch: arrow.RecordBatch, offset: number, length: number): arrow.RecordBatch {
  if (offset < 0 || length < 0 || offset + length > batch.numRows)
    throw new InvalidArgumentError(`slice [${offset}, ${offset + length}) is out of range for ${batch.numRows} rows`);
  if (offset === 0 && length === batch.numRows) return batch;
  return batch.slice(offset, offset + length);
}

/** One contiguous Data holding all chunks of a Vector. */
export function combineChunks(vector: arrow.Vector): arrow.Data {
  return concatData(vector.data, vector.type);
}

/**
 * Concatenate Data chunks of the same type into one Data with offset 0. A single chunk is
 * returned as is. `type` is required when `chunks` may be empty.
 */
export function concatData(chunks: readonly arrow.Data[], type?: arrow.DataType, path = 'value'): arrow.Data {
  if (chunks.length === 0) {
    if (!type) throw new InvalidArgumentError('concatData needs a type when there are no chunks');
    return emptyData(type);
  }
  const t = type ?? chunks[0].type;
  for (const c of chunks) {
    if (!sameType(c.type, t))
      throw new SchemaMismatchError(
        `cannot concatenate ${path}: chunk types ${String(c.type)} and ${String(t)} differ; cast them to one type first`,
      );
  }
  if (chunks.length === 1) return chunks[0].type === t ? chunks[0] : chunks[0].clone(t);
  const length = chunks.reduce((n, c) => n + c.length, 0);
  if (t.typeId === arrow.Type.Null) return newData({ type: t, length, nullCount: length });
  const { nullBitmap, nullCount } = concatValidity(chunks, length);
  const base = { type: t, length, nullCount, nullBitmap };
  switch (t.typeId) {
    case arrow.Type.Bool: {
      const values = new Uint8Array(bitmapBytes(length));
      let pos = 0;
      for (const c of chunks) {
        copyBits(c.values as Uint8Array, c.offset, values, pos, c.length);
        pos += c.length;
      }
      return newData({ ...base, values });
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
    case arrow.Type.LargeUtf8:
    case arrow.Type.LargeBinary:
      return concatVarBytes(chunks, base, path);
    case arrow.Type.List:
    case arrow.Type.LargeList:
    case arrow.Type.Map:
      return concatLists(chunks, base, path);
    case arrow.Type.FixedSizeList: {
      const size = (t as arrow.FixedSizeList).listSize;
      const kids = chunks.map((c) => sliceTo(c.children[0], 0, c.length * size));
      return newData({ ...base, children: [concatData(kids, t.children[0].type, `${path}[]`)] });
    }
    case arrow.Type.Struct:
      return newData({
        ...base,
        children: t.children.map((f, k) =>
          concatData(
            chunks.map((c) => sliceTo(c.children[k], 0, c.length)),
            f.type,
            `${path}.${f.name}`,
          ),
        ),
      });
    case arrow.Type.Dictionary:
      return concatDictionaries(chunks, base, path);
    case arrow.Type.Utf8View:
    case arrow.Type.BinaryView:
      return concatViews(chunks, base);
    default: {
      if (!isFixedWidth(t)) throw new InvalidArgumentError(`cannot concatenate Arrow type ${String(t)}`);
      return newData({ ...base, values: concatFixed(chunks, t, length) });
    }
  }
}

function sliceTo(d: arrow.Data, offset: number, length: number): arrow.Data {
  return offset === 0 && d.length === length ? d : d.slice(offset, length);
}

function concatValidity(
  chunks: readonly arrow.Data[],
  length: number,
): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  for (const c of chunks) nullCount += c.typeId === arrow.Type.Null ? c.length : nullBitmapOf(c) ? c.nullCount : 0;
  if (nullCount === 0) return { nullBitmap: undefined, nullCount: 0 };
  const out = new Uint8Array(bitmapBytes(length));
  let pos = 0;
  for (const c of chunks) {
    const bm = nullBitmapOf(c);
    if (bm) copyBits(bm, c.offset, out, pos, c.length);
    else setBits(out, pos, c.length);
    pos += c.length;
  }
  return { nullBitmap: out, nullCount };
}

function concatFixed(chunks: readonly arrow.Data[], type: arrow.DataType, length: number): ArrayBufferView {
  const stride = strideOf(type);
  const out = new (valuesCtor(type))(length * stride) as unknown as Uint8Array;
  let pos = 0;
  for (const c of chunks) {
    const v = c.values as unknown as Uint8Array;
    out.set(v.subarray(0, c.length * stride), pos);
    pos += c.length * stride;
  }
  return out;
}

interface Base {
  type: arrow.DataType;
  length: number;
  nullCount: number;
  nullBitmap: Uint8Array | undefined;
}

/** Rebased offsets for all chunks plus each chunk's [start, end) range in its own values/child. */
function concatOffsets(
  chunks: readonly arrow.Data[],
  length: number,
  large: boolean,
  path: string,
): { offsets: Int32Array | BigInt64Array; ranges: number[] } {
  const out = large ? new Float64Array(length + 1) : new Int32Array(length + 1);
  const ranges: number[] = [];
  let pos = 0;
  let total = 0;
  for (const c of chunks) {
    const src = offsetsAsNumbers(c.valueOffsets, c.length + 1);
    const start = src[0];
    for (let i = 1; i <= c.length; i++) out[pos + i] = total + (src[i] - start);
    const end = src[c.length];
    ranges.push(start, end);
    total += end - start;
    pos += c.length;
  }
  if (!large && total > MAX_INT32)
    throw new InvalidArgumentError(
      `concatenated ${path} holds ${total} elements, more than 32-bit offsets allow; concatenate fewer batches`,
    );
  return { offsets: out instanceof Float64Array ? toBigOffsets(out) : out, ranges };
}

function isLarge(type: arrow.DataType): boolean {
  return (
    type.typeId === arrow.Type.LargeUtf8 ||
    type.typeId === arrow.Type.LargeBinary ||
    type.typeId === arrow.Type.LargeList
  );
}

function concatVarBytes(chunks: readonly arrow.Data[], base: Base, path: string): arrow.Data {
  const { offsets, ranges } = concatOffsets(chunks, base.length, isLarge(base.type), path);
  let total = 0;
  for (let k = 0; k < ranges.length; k += 2) total += ranges[k + 1] - ranges[k];
  const values = new Uint8Array(total);
  let pos = 0;
  chunks.forEach((c, k) => {
    const [s, e] = [ranges[2 * k], ranges[2 * k + 1]];
    values.set((c.values as Uint8Array).subarray(s, e), pos);
    pos += e - s;
  });
  return newData({ ...base, valueOffsets: offsets, values });
}

function concatLists(chunks: readonly arrow.Data[], base: Base, path: string): arrow.Data {
  const { offsets, ranges } = concatOffsets(chunks, base.length, isLarge(base.type), path);
  const kids = chunks.map((c, k) => sliceTo(c.children[0], ranges[2 * k], ranges[2 * k + 1] - ranges[2 * k]));
  const child = concatData(kids, base.type.children[0].type, `${path}[]`);
  return newData({ ...base, valueOffsets: offsets, children: [child] });
}

const INDEX_MAX: Record<number, number> = { 8: 127, 16: 32767, 32: MAX_INT32 };

/**
 * Chunks sharing one dictionary concatenate their indices; otherwise the dictionaries are
 * appended and each chunk's indices shifted.
 */
function concatDictionaries(chunks: readonly arrow.Data[], base: Base, path: string): arrow.Data {
  const type = base.type as arrow.Dictionary;
  const shared = chunks.every((c) => c.dictionary === chunks[0].dictionary);
  const values = concatFixed(chunks, type, base.length) as unknown as Int32Array;
  if (shared) return newData({ ...base, values, dictionary: chunks[0].dictionary });
  const dicts = chunks.map((c) => (c.dictionary ? combineChunks(c.dictionary) : emptyData(type.dictionary)));
  const total = dicts.reduce((n, d) => n + d.length, 0);
  const bits = type.indices.bitWidth;
  const max = type.indices.isSigned ? INDEX_MAX[bits] : 2 ** bits - 1;
  if (total - 1 > max)
    throw new InvalidArgumentError(
      `concatenating ${path} needs ${total} dictionary entries, more than its ${String(type.indices)} indices can address; ` +
        'cast the column to its value type first',
    );
  let pos = 0;
  let shift = 0;
  chunks.forEach((c, k) => {
    for (let i = pos, end = pos + c.length; i < end; i++) values[i] += shift;
    pos += c.length;
    shift += dicts[k].length;
  });
  const dictionary = new arrow.Vector([concatData(dicts, type.dictionary, `${path} dictionary`)]);
  return newData({ ...base, values, dictionary });
}

/** View types: copy the 16-byte views and renumber the variadic buffers they point into. */
function concatViews(chunks: readonly arrow.Data[], base: Base): arrow.Data {
  const views = new Uint8Array(base.length * 16);
  const buffers: Uint8Array[] = [];
  let pos = 0;
  for (const c of chunks) {
    const src = (c.values as Uint8Array).subarray(0, c.length * 16);
    views.set(src, pos * 16);
    const shift = buffers.length;
    if (shift > 0) {
      const dv = new DataView(views.buffer, pos * 16, c.length * 16);
      for (let i = 0; i < c.length; i++) {
        if (dv.getInt32(i * 16, true) > 12) dv.setInt32(i * 16 + 8, dv.getInt32(i * 16 + 8, true) + shift, true);
      }
    }
    buffers.push(...c.variadicBuffers);
    pos += c.length;
  }
  return newData({ ...base, values: views, variadicBuffers: buffers });
}
