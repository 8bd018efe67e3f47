/**
 * Delta types as Hive type strings for Glue columns, as Spark's catalogString writes them
 * (what Delta's UpdateCatalog hook stores in a metastore): `bigint`, `decimal(10,2)`,
 * `array<string>`, `map<string,int>`, `struct<a:int,b:string>`. Hive has one timestamp type:
 * `timestamp_ntz` is written as `timestamp`. Struct field names that are not plain
 * identifiers are backquoted (Spark's quoteIfNeeded).
 */
import type { DataType, PrimitiveTypeName } from '@delta-serverless/core';

const PRIMITIVES: Record<PrimitiveTypeName, string> = {
  string: 'string',
  long: 'bigint',
  integer: 'int',
  short: 'smallint',
  byte: 'tinyint',
  float: 'float',
  double: 'double',
  boolean: 'boolean',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamp',
  timestamp_ntz: 'timestamp',
  variant: 'variant',
};

function quoteIfNeeded(name: string): string {
  return /^[a-zA-Z0-9_]+$/.test(name) && !/^\d+$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

export function hiveType(t: DataType): string {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'array':
      return `array<${hiveType(t.elementType)}>`;
    case 'map':
      return `map<${hiveType(t.keyType)},${hiveType(t.valueType)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${quoteIfNeeded(f.name)}:${hiveType(f.type)}`).join(',')}>`;
    default:
      return PRIMITIVES[t.type];
  }
}
