/**
 * CREATE TABLE: version 0 with the lowest protocol the schema and properties need, and no
 * data. Fails if a table exists (unless `ifNotExists`).
 */
import { randomUUID } from 'node:crypto';
import type * as arrow from 'apache-arrow';
import { commitTransaction, TableCreatedConcurrentlyError, type CommitOptions } from '../commit/transaction.js';
import { InvalidArgumentError, TableNotFoundError, WriteNotAllowedError } from '../errors.js';
import type { Metadata } from '../protocol/actions.js';
import { arrowSchemaToDelta } from '../protocol/arrow-schema.js';
import { columnMappingMode } from '../protocol/features.js';
import { requiredProtocol, validateProperties } from '../protocol/properties.js';
import { isPrimitive, schemaToString, type StructType } from '../protocol/schema.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { Snapshot } from '../table/snapshot.js';
import { assignColumnMapping } from '../write/column-mapping-assign.js';
import { assertColumnNames, assertDataColumn } from '../protocol/schema-rules.js';

export interface CreateTableOptions extends CommitOptions {
  /** Delta schema, or an Arrow schema to convert. */
  schema: StructType | arrow.Schema;
  partitionBy?: readonly string[];
  properties?: Record<string, string>;
  name?: string;
  description?: string;
  /** Return the existing table instead of failing when one exists. */
  ifNotExists?: boolean;
}

function isDeltaSchema(s: StructType | arrow.Schema): s is StructType {
  return (s as StructType).type === 'struct' && Array.isArray((s as StructType).fields);
}

export async function createTable(
  store: ObjectStore,
  existing: () => Promise<Snapshot | undefined>,
  opts: CreateTableOptions,
): Promise<Snapshot> {
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
  const configuration = { ...(opts.properties ?? {}) };
  validateProperties(configuration, schema);
  if (columnMappingMode({ configuration } as Metadata) !== 'none') {
    const assigned = assignColumnMapping(schema, 0);
    schema = assigned.schema;
    configuration['delta.columnMapping.maxColumnId'] = String(assigned.maxColumnId);
  }
  const found = await existing();
  if (found) {
    if (opts.ifNotExists) return found;
    throw new WriteNotAllowedError(
      `a Delta table already exists at ${store.root} (version ${found.version}); use ifNotExists to keep it`,
    );
  }
  const metadata: Metadata = {
    id: randomUUID(),
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.description ? { description: opts.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToString(schema),
    partitionColumns: partitionBy,
    configuration,
    createdTime: Date.now(),
  };
  const protocol = requiredProtocol(configuration, schema);
  try {
    const outcome = await commitTransaction(
      store,
      undefined,
      {
        actions: [{ protocol }, { metaData: metadata }],
        operation: 'CREATE TABLE',
        operationParameters: {
          partitionBy: JSON.stringify(partitionBy),
          description: opts.description,
          isManaged: 'false',
          properties: JSON.stringify(configuration),
        },
        isBlindAppend: true,
      },
      opts,
    );
    return outcome.snapshot;
  } catch (err) {
    if (err instanceof TableCreatedConcurrentlyError && opts.ifNotExists) {
      const now = await existing();
      if (now) return now;
      throw new TableNotFoundError(store.root, 'version 0 exists but could not be read');
    }
    throw err;
  }
}
