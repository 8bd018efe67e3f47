/**
 * CREATE TABLE's plan: version 0 with the lowest protocol the schema and properties need, and
 * no data. Pure: options in, JSON out (the table id and creation time come at commit).
 */
import type * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../../errors.js';
import type { Metadata, Protocol } from '../../protocol/actions.js';
import { arrowSchemaToDelta } from '../../protocol/arrow-schema.js';
import { checkColumnNames } from '../../protocol/column-names.js';
import { columnMappingMode } from '../../protocol/features.js';
import { requiredProtocol, stripProtocolProperties } from '../../protocol/protocol-upgrade.js';
import { isPrimitive, type StructType } from '../../protocol/schema.js';
import { assertColumnNames, assertDataColumn } from '../../protocol/schema-rules.js';
import type { IdSource } from '../../util/ids.js';
import { assignColumnMapping } from '../../write/column-mapping-assign.js';
import { validateTableProperties } from '../../write/constraints.js';
import type { CreateTableOptions } from './types.js';

/** The table a CREATE makes (JSON). */
export interface CreatePlan {
  schema: StructType;
  partitionBy: string[];
  configuration: Record<string, string>;
  protocol: Protocol;
  name?: string;
  description?: string;
}

function isDeltaSchema(s: StructType | arrow.Schema): s is StructType {
  return (s as StructType).type === 'struct' && Array.isArray((s as StructType).fields);
}

/** Validate the options and resolve the schema (column mapping ids from `ids`), properties and protocol. */
export function planCreate(opts: CreateTableOptions, ids: IdSource): CreatePlan {
  let schema = isDeltaSchema(opts.schema) ? opts.schema : arrowSchemaToDelta(opts.schema);
  if (schema.fields.length === 0) throw new InvalidArgumentError('a table needs at least one column');
  assertColumnNames(schema);
  const partitionBy = [...(opts.partitionBy ?? [])];
  assertDataColumn(schema, partitionBy);
  for (const p of partitionBy) {
    const f = schema.fields.find((x) => x.name === p);
    if (!f) throw new InvalidArgumentError(`partition column ${p} is not in the schema`);
    if (!isPrimitive(f.type) || f.type.type === 'variant')
      throw new InvalidArgumentError(`partition column ${p} must have a primitive type`);
  }
  const props = { ...(opts.properties ?? {}) };
  validateTableProperties(props, schema);
  const configuration = stripProtocolProperties(props);
  checkColumnNames(schema, columnMappingMode({ configuration } as Metadata));
  if (columnMappingMode({ configuration } as Metadata) !== 'none') {
    const assigned = assignColumnMapping(schema, 0, ids);
    schema = assigned.schema;
    configuration['delta.columnMapping.maxColumnId'] = String(assigned.maxColumnId);
  }
  return {
    schema,
    partitionBy,
    configuration,
    protocol: requiredProtocol({ ...props, ...configuration }, schema),
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.description ? { description: opts.description } : {}),
  };
}
