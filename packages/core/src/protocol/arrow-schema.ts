/**
 * Delta schema <-> Arrow schema. Reads produce exactly these Arrow types; writes accept
 * Arrow data whose types map onto the table's Delta types (see docs/types.md).
 */
import * as arrow from 'apache-arrow';
import { SchemaMismatchError } from '../errors.js';
import type { DataType, FieldMetadata, StructField, StructType } from './schema.js';

/** Arrow field-metadata key carrying the Delta type where Arrow alone is ambiguous (variant). */
export const DELTA_TYPE_METADATA = 'delta.type';

export function deltaTypeToArrow(t: DataType): arrow.DataType {
  switch (t.type) {
    case 'string':
      return new arrow.Utf8();
    case 'binary':
      return new arrow.Binary();
    case 'long':
      return new arrow.Int64();
    case 'integer':
      return new arrow.Int32();
    case 'short':
      return new arrow.Int16();
    case 'byte':
      return new arrow.Int8();
    case 'float':
      return new arrow.Float32();
    case 'double':
      return new arrow.Float64();
    case 'boolean':
      return new arrow.Bool();
    case 'date':
      return new arrow.DateDay();
    case 'timestamp':
      return new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC');
    case 'timestamp_ntz':
      return new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, null);
    case 'decimal':
      return new arrow.Decimal(t.scale, t.precision, 128);
    case 'variant':
      // Unshredded variant: the binary struct exactly as stored in Parquet.
      return new arrow.Struct([
        new arrow.Field('metadata', new arrow.Binary(), false),
        new arrow.Field('value', new arrow.Binary(), false),
      ]);
    case 'struct':
      return new arrow.Struct(t.fields.map((f) => deltaFieldToArrow(f)));
    case 'array':
      return new arrow.List(new arrow.Field('element', deltaTypeToArrow(t.elementType), t.containsNull));
    case 'map':
      return mapType(deltaTypeToArrow(t.keyType), deltaTypeToArrow(t.valueType), t.valueContainsNull);
  }
}

/** Arrow Map with Spark's child names (`key_value`, `key`, `value`). */
export function mapType(key: arrow.DataType, value: arrow.DataType, valueNullable: boolean): arrow.Map_ {
  const entries = new arrow.Struct([
    new arrow.Field('key', key, false),
    new arrow.Field('value', value, valueNullable),
  ]) as unknown as arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>;
  return new arrow.Map_(new arrow.Field('key_value', entries, false), false);
}

export function deltaFieldToArrow(f: StructField, name = f.name): arrow.Field {
  const meta = new Map<string, string>();
  if (f.type.type === 'variant') meta.set(DELTA_TYPE_METADATA, 'variant');
  return new arrow.Field(name, deltaTypeToArrow(f.type), f.nullable, meta);
}

export function deltaSchemaToArrow(schema: StructType): arrow.Schema {
  return new arrow.Schema(schema.fields.map((f) => deltaFieldToArrow(f)));
}

export interface ArrowToDeltaOptions {
  /**
   * Map the types Delta cannot store to the Delta type their values are encoded as, instead
   * of refusing them: time, duration and null as long, large lists as arrays, decimals of any
   * precision. For encoding Arrow data as JSON values (arrow/json-values.ts), never for a
   * table's schema.
   */
  encoding?: boolean;
}

/**
 * Map an Arrow type from user data (or a foreign Parquet file) to the Delta type it is
 * stored as. Unsigned ints widen to the next signed type; nanosecond timestamps become
 * microseconds; types Delta cannot represent are refused with the column path. The one
 * Arrow -> Delta mapping of the engine.
 */
export function arrowTypeToDelta(
  t: arrow.DataType,
  path: string,
  field?: arrow.Field,
  opts: ArrowToDeltaOptions = {},
): DataType {
  if (field?.metadata.get(DELTA_TYPE_METADATA) === 'variant') return { type: 'variant' };
  switch (t.typeId) {
    case arrow.Type.Int: {
      const it = t as arrow.Int;
      const bits = it.bitWidth;
      if (it.isSigned) return { type: bits === 8 ? 'byte' : bits === 16 ? 'short' : bits === 32 ? 'integer' : 'long' };
      return { type: bits === 8 ? 'short' : bits === 16 ? 'integer' : 'long' };
    }
    case arrow.Type.Float:
      return { type: (t as arrow.Float).precision === arrow.Precision.DOUBLE ? 'double' : 'float' };
    case arrow.Type.Bool:
      return { type: 'boolean' };
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
    case arrow.Type.Utf8View:
      return { type: 'string' };
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
    case arrow.Type.BinaryView:
    case arrow.Type.FixedSizeBinary:
      return { type: 'binary' };
    case arrow.Type.Date:
      return { type: 'date' };
    case arrow.Type.Timestamp:
      return { type: (t as arrow.Timestamp).timezone ? 'timestamp' : 'timestamp_ntz' };
    case arrow.Type.Decimal: {
      const d = t as arrow.Decimal;
      if (d.precision > 38 && !opts.encoding) {
        throw new SchemaMismatchError(
          `column ${path}: decimal(${d.precision},${d.scale}) exceeds Delta's maximum precision 38`,
        );
      }
      return { type: 'decimal', precision: d.precision, scale: d.scale };
    }
    case arrow.Type.Struct:
      return {
        type: 'struct',
        fields: (t as arrow.Struct).children.map((c) => arrowFieldToDelta(c, `${path}.${c.name}`, opts)),
      };
    case arrow.Type.LargeList:
      return opts.encoding ? listType(t, path, opts) : unsupported(t, path);
    case arrow.Type.List:
    case arrow.Type.FixedSizeList:
      return listType(t, path, opts);
    case arrow.Type.Map: {
      const entries = (t as arrow.Map_).children[0]!.type as arrow.Struct;
      const [k, v] = entries.children;
      return {
        type: 'map',
        keyType: arrowTypeToDelta(k!.type, `${path}.key`, k, opts),
        valueType: arrowTypeToDelta(v!.type, `${path}.value`, v, opts),
        valueContainsNull: v!.nullable,
      };
    }
    case arrow.Type.Dictionary:
      return arrowTypeToDelta((t as arrow.Dictionary).dictionary, path, undefined, opts);
    case arrow.Type.Time:
    case arrow.Type.Duration:
    case arrow.Type.Null:
      // No Delta counterpart: encoded as raw integers (Null always as null).
      if (opts.encoding) return { type: 'long' };
      return unsupported(t, path);
    default:
      return unsupported(t, path);
  }
}

function listType(t: arrow.DataType, path: string, opts: ArrowToDeltaOptions): DataType {
  const child = t.children[0]!;
  return {
    type: 'array',
    elementType: arrowTypeToDelta(child.type, `${path}[]`, child, opts),
    containsNull: child.nullable,
  };
}

function unsupported(t: arrow.DataType, path: string): never {
  throw new SchemaMismatchError(
    `column ${path} has Arrow type ${String(t)}, which Delta cannot store; cast it to a supported type ` +
      '(integers, floats, decimal, string, binary, boolean, date, timestamp, struct, list, map)',
  );
}

export function arrowFieldToDelta(f: arrow.Field, path = f.name, opts: ArrowToDeltaOptions = {}): StructField {
  return {
    name: f.name,
    type: arrowTypeToDelta(f.type, path, f, opts),
    nullable: f.nullable,
    metadata: {} as FieldMetadata,
  };
}

export function arrowSchemaToDelta(schema: arrow.Schema): StructType {
  return { type: 'struct', fields: schema.fields.map((f) => arrowFieldToDelta(f)) };
}
