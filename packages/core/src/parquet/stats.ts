/**
 * Decode Parquet column-statistics bytes (PLAIN encoding of one value) into the engine's
 * Scalar representation (see protocol/scalar.ts). Anything whose mapping is not certain
 * decodes to undefined, which a caller must read as "no bound".
 */
import { floorDiv, type Scalar } from '../protocol/scalar.js';
import type { ParquetSchemaNode } from './types.js';

const utf8 = new TextDecoder();

/** Decode one min or max statistic of `leaf`; `bound` picks the safe rounding direction for unit changes. */
export function decodeStatistic(bytes: Uint8Array, leaf: ParquetSchemaNode, bound: 'min' | 'max'): Scalar | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const logical = leaf.logicalType;
  const converted = leaf.convertedType;
  switch (leaf.physicalType) {
    case 'BOOLEAN':
      return bytes.length >= 1 ? bytes[0] !== 0 : undefined;
    case 'INT32': {
      if (bytes.length !== 4 || isUnsigned(leaf) || isTime(leaf)) return undefined;
      const v = view.getInt32(0, true);
      return isDecimal(leaf) ? BigInt(v) : v; // plain ints and dates (days) stay numbers
    }
    case 'INT64': {
      if (bytes.length !== 8 || isUnsigned(leaf) || isTime(leaf)) return undefined;
      const v = view.getBigInt64(0, true);
      const unit =
        logical?.type === 'TIMESTAMP'
          ? logical.unit
          : converted === 'TIMESTAMP_MILLIS'
            ? 'MILLIS'
            : converted === 'TIMESTAMP_MICROS'
              ? 'MICROS'
              : undefined;
      if (unit === 'MILLIS') return v * 1000n;
      if (unit === 'NANOS') return bound === 'min' ? floorDiv(v, 1000n) : -floorDiv(-v, 1000n);
      return v;
    }
    case 'FLOAT': {
      if (bytes.length !== 4) return undefined;
      const v = view.getFloat32(0, true);
      return Number.isNaN(v) ? undefined : v;
    }
    case 'DOUBLE': {
      if (bytes.length !== 8) return undefined;
      const v = view.getFloat64(0, true);
      return Number.isNaN(v) ? undefined : v;
    }
    case 'BYTE_ARRAY':
      if (isDecimal(leaf)) return bigEndianSigned(bytes);
      if (isText(leaf)) return utf8.decode(bytes);
      if (logical || converted) return undefined; // BSON, variant, geometry...: no Scalar form
      return bytes.slice();
    case 'FIXED_LEN_BYTE_ARRAY':
      return isDecimal(leaf) ? bigEndianSigned(bytes) : undefined;
    default:
      return undefined; // INT96: the format defines no sort order for it
  }
}

/**
 * Whether the deprecated `min`/`max` statistics fields can be trusted for `leaf`: old
 * writers compared with signed order, which is only right for signed numeric types.
 */
export function legacyStatsValid(leaf: ParquetSchemaNode): boolean {
  switch (leaf.physicalType) {
    case 'BOOLEAN':
    case 'FLOAT':
    case 'DOUBLE':
      return true;
    case 'INT32':
    case 'INT64':
      return !isUnsigned(leaf);
    default:
      return false;
  }
}

function isDecimal(leaf: ParquetSchemaNode): boolean {
  return leaf.logicalType?.type === 'DECIMAL' || leaf.convertedType === 'DECIMAL';
}

function isText(leaf: ParquetSchemaNode): boolean {
  const t = leaf.logicalType?.type;
  const c = leaf.convertedType;
  return t === 'STRING' || t === 'ENUM' || t === 'JSON' || c === 'UTF8' || c === 'ENUM' || c === 'JSON';
}

function isUnsigned(leaf: ParquetSchemaNode): boolean {
  const l = leaf.logicalType;
  return (l?.type === 'INTEGER' && !l.isSigned) || (leaf.convertedType?.startsWith('UINT_') ?? false);
}

function isTime(leaf: ParquetSchemaNode): boolean {
  return (
    leaf.logicalType?.type === 'TIME' || leaf.convertedType === 'TIME_MILLIS' || leaf.convertedType === 'TIME_MICROS'
  );
}

/** Big-endian two's-complement bytes (Parquet decimal) -> bigint. */
export function bigEndianSigned(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[i]!);
  return bytes[0]! & 0x80 ? v - (1n << BigInt(bytes.length * 8)) : v;
}
