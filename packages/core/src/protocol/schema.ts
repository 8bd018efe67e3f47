/**
 * Delta table schema, as serialised in `metaData.schemaString` (the Spark JSON schema
 * format). Parsing is strict: an unknown type name is a CorruptLogError naming it.
 */
import { CorruptLogError } from '../errors.js';

export type PrimitiveTypeName =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  | 'variant';

export interface PrimitiveType {
  type: PrimitiveTypeName;
}
export interface DecimalType {
  type: 'decimal';
  precision: number;
  scale: number;
}
export interface StructType {
  type: 'struct';
  fields: StructField[];
}
export interface ArrayType {
  type: 'array';
  elementType: DataType;
  containsNull: boolean;
}
export interface MapType {
  type: 'map';
  keyType: DataType;
  valueType: DataType;
  valueContainsNull: boolean;
}
export type DataType = PrimitiveType | DecimalType | StructType | ArrayType | MapType;

export type FieldMetadataValue =
  string | number | boolean | null | FieldMetadataValue[] | { [k: string]: FieldMetadataValue };
export type FieldMetadata = Record<string, FieldMetadataValue>;

export interface StructField {
  name: string;
  type: DataType;
  nullable: boolean;
  metadata: FieldMetadata;
}

const PRIMITIVES = new Set<string>([
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
  'variant',
]);

const DECIMAL_RE = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;

/** Parse the JSON schema string stored in `metaData.schemaString`. */
export function parseSchemaString(schemaString: string): StructType {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch (err) {
    throw new CorruptLogError(`metaData.schemaString is not valid JSON: ${(err as Error).message}`);
  }
  const t = parseDataType(json);
  if (t.type !== 'struct') throw new CorruptLogError('metaData.schemaString must be a struct type');
  return t;
}

export function parseDataType(json: unknown): DataType {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return { type: json as PrimitiveTypeName };
    if (json === 'decimal') return { type: 'decimal', precision: 10, scale: 0 };
    const m = DECIMAL_RE.exec(json);
    if (m) return { type: 'decimal', precision: Number(m[1]), scale: Number(m[2]) };
    throw new CorruptLogError(`unknown Delta data type "${json}" in the table schema`);
  }
  if (!json || typeof json !== 'object')
    throw new CorruptLogError(`invalid data type in schema: ${JSON.stringify(json)}`);
  const o = json as Record<string, unknown>;
  switch (o.type) {
    case 'struct':
      if (!Array.isArray(o.fields)) throw new CorruptLogError('struct type without fields in schema');
      return { type: 'struct', fields: o.fields.map(parseField) };
    case 'array':
      return {
        type: 'array',
        elementType: parseDataType(o.elementType),
        containsNull: o.containsNull !== false,
      };
    case 'map':
      return {
        type: 'map',
        keyType: parseDataType(o.keyType),
        valueType: parseDataType(o.valueType),
        valueContainsNull: o.valueContainsNull !== false,
      };
    default:
      throw new CorruptLogError(`unknown complex data type ${JSON.stringify(o.type)} in schema`);
  }
}

function parseField(json: unknown): StructField {
  const o = json as Record<string, unknown>;
  if (!o || typeof o.name !== 'string')
    throw new CorruptLogError(`schema field without a name: ${JSON.stringify(json)}`);
  return {
    name: o.name,
    type: parseDataType(o.type),
    nullable: o.nullable !== false,
    metadata: (o.metadata && typeof o.metadata === 'object' ? o.metadata : {}) as FieldMetadata,
  };
}

/** Serialise back to the Spark JSON form (stable key order, as Spark writes it). */
export function dataTypeToJson(t: DataType): unknown {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'struct':
      return {
        type: 'struct',
        fields: t.fields.map((f) => ({
          name: f.name,
          type: dataTypeToJson(f.type),
          nullable: f.nullable,
          metadata: f.metadata,
        })),
      };
    case 'array':
      return { type: 'array', elementType: dataTypeToJson(t.elementType), containsNull: t.containsNull };
    case 'map':
      return {
        type: 'map',
        keyType: dataTypeToJson(t.keyType),
        valueType: dataTypeToJson(t.valueType),
        valueContainsNull: t.valueContainsNull,
      };
    default:
      return t.type;
  }
}

export function schemaToString(schema: StructType): string {
  return JSON.stringify(dataTypeToJson(schema));
}

/** Human-readable type, e.g. `map<int,array<struct<a:long>>>`, for messages and `describe`. */
export function formatDataType(t: DataType): string {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${formatDataType(f.type)}`).join(',')}>`;
    case 'array':
      return `array<${formatDataType(t.elementType)}>`;
    case 'map':
      return `map<${formatDataType(t.keyType)},${formatDataType(t.valueType)}>`;
    default:
      return t.type;
  }
}

export function isPrimitive(t: DataType): t is PrimitiveType | DecimalType {
  return t.type !== 'struct' && t.type !== 'array' && t.type !== 'map';
}

/** Find a top-level or nested field by a path of logical names. */
export function findField(schema: StructType, path: readonly string[]): StructField | undefined {
  let cur: StructType = schema;
  let field: StructField | undefined;
  for (let i = 0; i < path.length; i++) {
    field = cur.fields.find((f) => f.name === path[i]);
    if (!field) return undefined;
    if (i < path.length - 1) {
      if (field.type.type !== 'struct') return undefined;
      cur = field.type;
    }
  }
  return field;
}
