/**
 * Build an Arrow column of a primitive Delta type from values already in that type's Scalar
 * form (protocol/scalar.ts): numbers for byte/short/integer/float/double/date, bigints for
 * long/timestamp/timestamp_ntz/decimal (unscaled), strings, booleans, Uint8Arrays.
 */
import type * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';
import { deltaTypeToArrow } from '../protocol/arrow-schema.js';
import type { Scalar } from '../protocol/scalar.js';
import { formatDataType, type DataType } from '../protocol/schema.js';
import { bitmapBytes, newData } from './data-utils.js';
import { writeBigInt } from './int-words.js';

const encoder = new TextEncoder();

function nullBitmap(valid: Uint8Array, n: number): { bitmap?: Uint8Array; nulls: number } {
  let nulls = 0;
  for (let i = 0; i < n; i++) if (!valid[i]) nulls++;
  if (nulls === 0) return { nulls };
  const bitmap = new Uint8Array(bitmapBytes(n));
  for (let i = 0; i < n; i++) if (valid[i]) bitmap[i >> 3]! |= 1 << (i & 7);
  return { bitmap, nulls };
}

function fixedValues(values: readonly Scalar[], valid: Uint8Array, type: DataType): ArrayBufferView {
  const n = values.length;
  switch (type.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'date': {
      const out =
        type.type === 'byte' ? new Int8Array(n) : type.type === 'short' ? new Int16Array(n) : new Int32Array(n);
      for (let i = 0; i < n; i++) if (valid[i]) out[i] = values[i] as number;
      return out;
    }
    case 'float':
    case 'double': {
      const out = type.type === 'float' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) if (valid[i]) out[i] = values[i] as number;
      return out;
    }
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) if (valid[i]) out[i] = values[i] as bigint;
      return out;
    }
    case 'decimal': {
      const out = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) if (valid[i]) writeBigInt(out, i * 4, 4, values[i] as bigint);
      return out;
    }
    case 'boolean': {
      const out = new Uint8Array(bitmapBytes(n));
      for (let i = 0; i < n; i++) if (valid[i] && values[i] === true) out[i >> 3]! |= 1 << (i & 7);
      return out;
    }
    default:
      throw new InvalidArgumentError(`cannot build a column of type ${formatDataType(type)} from values`);
  }
}

function variableValues(values: readonly Scalar[], valid: Uint8Array): { offsets: Int32Array; bytes: Uint8Array } {
  const n = values.length;
  const parts: Uint8Array[] = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const b = !valid[i] ? new Uint8Array(0) : typeof v === 'string' ? encoder.encode(v) : (v as Uint8Array);
    parts[i] = b;
    total += b.length;
  }
  const offsets = new Int32Array(n + 1);
  const bytes = new Uint8Array(total);
  for (let i = 0, at = 0; i < n; i++) {
    bytes.set(parts[i]!, at);
    at += parts[i]!.length;
    offsets[i + 1] = at;
  }
  return { offsets, bytes };
}

/** A column of `type` holding `values[i]` where `valid[i]` is 1, else null. */
export function scalarsToData(values: readonly Scalar[], valid: Uint8Array, type: DataType): arrow.Data {
  const n = values.length;
  const arrowType = deltaTypeToArrow(type);
  const { bitmap, nulls } = nullBitmap(valid, n);
  if (type.type === 'string' || type.type === 'binary') {
    const { offsets, bytes } = variableValues(values, valid);
    return newData({
      type: arrowType,
      length: n,
      nullCount: nulls,
      nullBitmap: bitmap,
      values: bytes,
      valueOffsets: offsets,
    });
  }
  return newData({
    type: arrowType,
    length: n,
    nullCount: nulls,
    nullBitmap: bitmap,
    values: fixedValues(values, valid, type),
  });
}
