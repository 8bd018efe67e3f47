/**
 * Columns that repeat one value: `constantData` materialises partition columns from their
 * Scalar value, `nullData` stands in for columns a file lacks (schema evolution).
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';
import type { Scalar } from '../protocol/scalar.js';
import { floorDiv } from '../protocol/scalar.js';
import { batchOf, bitmapBytes, emptyData, newData, strideOf, valuesCtor } from './data-utils.js';
import { writeBigInt } from './int-words.js';

const MAX_INT32 = 2147483647;

/** A column of `length` nulls of any type (nested types get all-null or empty children). */
export function nullData(type: arrow.DataType, length: number): arrow.Data {
  if (type.typeId === arrow.Type.Null) return newData({ type, length, nullCount: length });
  const base = { type, length, nullCount: length, nullBitmap: new Uint8Array(bitmapBytes(length)) };
  switch (type.typeId) {
    case arrow.Type.Bool:
      return newData({ ...base, values: new Uint8Array(bitmapBytes(length)) });
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      return newData({ ...base, valueOffsets: new Int32Array(length + 1), values: new Uint8Array(0) });
    case arrow.Type.LargeUtf8:
    case arrow.Type.LargeBinary:
      return newData({ ...base, valueOffsets: new BigInt64Array(length + 1), values: new Uint8Array(0) });
    case arrow.Type.List:
    case arrow.Type.Map:
      return newData({
        ...base,
        valueOffsets: new Int32Array(length + 1),
        children: [emptyData(type.children[0].type)],
      });
    case arrow.Type.LargeList:
      return newData({
        ...base,
        valueOffsets: new BigInt64Array(length + 1),
        children: [emptyData(type.children[0].type)],
      });
    case arrow.Type.FixedSizeList: {
      const size = (type as arrow.FixedSizeList).listSize;
      return newData({ ...base, children: [nullData(type.children[0].type, length * size)] });
    }
    case arrow.Type.Struct:
      return newData({ ...base, children: type.children.map((f) => nullData(f.type, length)) });
    case arrow.Type.Dictionary: {
      const dict = type as arrow.Dictionary;
      return newData({
        ...base,
        values: new dict.indices.ArrayType(length),
        dictionary: new arrow.Vector([emptyData(dict.dictionary)]),
      });
    }
    case arrow.Type.Union:
      throw new InvalidArgumentError('union columns are not supported (Delta has no union type)');
    default:
      return newData({ ...base, values: new (valuesCtor(type))(length * strideOf(type)) });
  }
}

/** A batch with no rows. */
export function emptyBatch(schema: arrow.Schema): arrow.RecordBatch {
  return batchOf(
    schema,
    schema.fields.map((f) => emptyData(f.type)),
    0,
  );
}

/**
 * A column of `length` rows all holding `value` (a Scalar, see protocol/scalar.ts: decimals
 * unscaled at the type's scale, dates in days, timestamps in microseconds).
 */
export function constantData(type: arrow.DataType, value: Scalar, length: number): arrow.Data {
  if (value === null || type.typeId === arrow.Type.Null) return nullData(type, length);
  const base = { type, length, nullCount: 0 };
  switch (type.typeId) {
    case arrow.Type.Int: {
      const t = type as arrow.Int;
      if (t.bitWidth === 64) {
        const v = toBigInt(value, type);
        if (t.isSigned ? BigInt.asIntN(64, v) !== v : BigInt.asUintN(64, v) !== v) throw outOfRange(value, type);
        const values = t.isSigned ? new BigInt64Array(length) : new BigUint64Array(length);
        return newData({ ...base, values: values.fill(v) });
      }
      const v = toInteger(value, type);
      const values = new (valuesCtor(type) as Int32ArrayConstructor)(length);
      values[0] = v;
      if (length > 0 && values[0] !== v) throw outOfRange(value, type);
      return newData({ ...base, values: values.fill(v) });
    }
    case arrow.Type.Float:
      if (typeof value !== 'number' && typeof value !== 'bigint') throw mismatch(value, type);
      if ((type as arrow.Float).precision === arrow.Precision.HALF)
        throw new InvalidArgumentError('float16 columns are not supported (Delta has no half-precision type)');
      return newData({
        ...base,
        values: new (valuesCtor(type) as Float64ArrayConstructor)(length).fill(Number(value)),
      });
    case arrow.Type.Bool:
      if (typeof value !== 'boolean') throw mismatch(value, type);
      return newData({ ...base, values: new Uint8Array(bitmapBytes(length)).fill(value ? 0xff : 0) });
    case arrow.Type.Decimal: {
      const words = strideOf(type);
      const pattern = new Uint32Array(words);
      const v = toBigInt(value, type);
      if (BigInt.asIntN(words * 32, v) !== v) throw outOfRange(value, type);
      writeBigInt(pattern, 0, words, v);
      return newData({ ...base, values: repeat(pattern, length) });
    }
    case arrow.Type.Date:
      if ((type as arrow.Date_).unit === arrow.DateUnit.DAY)
        return newData({ ...base, values: new Int32Array(length).fill(toInteger(value, type)) });
      return newData({ ...base, values: new BigInt64Array(length).fill(toBigInt(value, type) * 86_400_000n) });
    case arrow.Type.Timestamp:
      return newData({
        ...base,
        values: new BigInt64Array(length).fill(fromMicros(toBigInt(value, type), (type as arrow.Timestamp).unit)),
      });
    case arrow.Type.Time:
      if ((type as arrow.Time).bitWidth === 32)
        return newData({ ...base, values: new Int32Array(length).fill(toInteger(value, type)) });
      return newData({ ...base, values: new BigInt64Array(length).fill(toBigInt(value, type)) });
    case arrow.Type.Duration:
      return newData({ ...base, values: new BigInt64Array(length).fill(toBigInt(value, type)) });
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
      return varBytes(type, toBytes(value, type), length);
    case arrow.Type.FixedSizeBinary: {
      const bytes = toBytes(value, type);
      const width = (type as arrow.FixedSizeBinary).byteWidth;
      if (bytes.length !== width)
        throw new InvalidArgumentError(`value has ${bytes.length} bytes but ${String(type)} needs exactly ${width}`);
      return newData({ ...base, values: repeat(bytes, length) });
    }
    case arrow.Type.Dictionary: {
      const dict = type as arrow.Dictionary;
      return newData({
        ...base,
        values: new dict.indices.ArrayType(length),
        dictionary: new arrow.Vector([constantData(dict.dictionary, value, 1)]),
      });
    }
    default:
      throw new InvalidArgumentError(
        `cannot build a constant column of Arrow type ${String(type)} from a single value; only primitive types are supported`,
      );
  }
}

function varBytes(type: arrow.DataType, bytes: Uint8Array, length: number): arrow.Data {
  const total = bytes.length * length;
  const large = type.typeId === arrow.Type.LargeUtf8 || type.typeId === arrow.Type.LargeBinary;
  let valueOffsets: Int32Array | BigInt64Array;
  if (large) {
    valueOffsets = new BigInt64Array(length + 1);
    const w = BigInt(bytes.length);
    for (let i = 1; i <= length; i++) valueOffsets[i] = valueOffsets[i - 1] + w;
  } else {
    if (total > MAX_INT32)
      throw new InvalidArgumentError(
        `a constant ${String(type)} column of ${length} rows x ${bytes.length} bytes exceeds 32-bit offsets; use smaller batches`,
      );
    valueOffsets = new Int32Array(length + 1);
    for (let i = 1; i <= length; i++) valueOffsets[i] = i * bytes.length;
  }
  return newData({ type, length, nullCount: 0, valueOffsets, values: repeat(bytes, length) });
}

/** `count` back-to-back copies of `pattern` (doubling copies, not a per-row loop). */
function repeat<A extends Uint8Array | Uint32Array>(pattern: A, count: number): A {
  const Ctor = pattern.constructor as new (n: number) => A;
  const out = new Ctor(pattern.length * count);
  if (count === 0 || pattern.length === 0) return out;
  out.set(pattern);
  let filled = pattern.length;
  while (filled < out.length) {
    const n = Math.min(filled, out.length - filled);
    out.copyWithin(filled, 0, n);
    filled += n;
  }
  return out;
}

function fromMicros(micros: bigint, unit: arrow.TimeUnit): bigint {
  switch (unit) {
    case arrow.TimeUnit.SECOND:
      return floorDiv(micros, 1_000_000n);
    case arrow.TimeUnit.MILLISECOND:
      return floorDiv(micros, 1000n);
    case arrow.TimeUnit.MICROSECOND:
      return micros;
    default:
      return micros * 1000n;
  }
}

function toInteger(value: Scalar, type: arrow.DataType): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw mismatch(value, type);
  return n;
}

function toBigInt(value: Scalar, type: arrow.DataType): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw mismatch(value, type);
}

function toBytes(value: Scalar, type: arrow.DataType): Uint8Array {
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (value instanceof Uint8Array) return value;
  throw mismatch(value, type);
}

function describe(value: Scalar): string {
  if (value instanceof Uint8Array) return `${value.length}-byte binary`;
  return `${typeof value} ${String(value)}`;
}

function mismatch(value: Scalar, type: arrow.DataType): InvalidArgumentError {
  return new InvalidArgumentError(
    `cannot fill an Arrow ${String(type)} column with ${describe(value)}; pass the Scalar form of the column type (see protocol/scalar.ts)`,
  );
}

function outOfRange(value: Scalar, type: arrow.DataType): InvalidArgumentError {
  return new InvalidArgumentError(`value ${describe(value)} does not fit Arrow type ${String(type)}`);
}
