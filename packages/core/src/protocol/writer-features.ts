/**
 * What this engine can write. A table whose protocol needs a writer feature we do not
 * implement is refused before any data is written, naming the feature.
 */
import { UnsupportedFeatureError, WriteNotAllowedError } from '../errors.js';
import type { Action, Metadata, Protocol } from './actions.js';
import { hasWriterFeature } from './features.js';
import { parseSchemaString, type DataType, type StructType } from './schema.js';
import { impliedLegacyWriterFeatures } from './table-features.js';

/** Writer features whose requirements our write path meets. */
export const SUPPORTED_WRITER_FEATURES: ReadonlySet<string> = new Set([
  'appendOnly',
  'invariants',
  'checkConstraints',
  'columnMapping',
  'timestampNtz',
  'typeWidening',
  'typeWidening-preview',
  'deletionVectors', // we never write DVs; removes carry the file's DV as required
  'domainMetadata',
  'vacuumProtocolCheck',
  'inCommitTimestamp',
  'changeDataFeed', // appends and whole-file removes need no change-data files
  'v2Checkpoint', // commits only; automatic checkpoints are skipped on such tables
  'variantType',
  'variantType-preview',
]);

/** Features we refuse for writing, with the reason shown to users. */
const REFUSED_REASONS: Record<string, string> = {
  generatedColumns: 'generated column expressions are not evaluated on write yet',
  identityColumns: 'identity column values are not generated on write yet',
  allowColumnDefaults: 'column default values are not applied on write yet',
  rowTracking: 'row IDs and commit versions are not assigned on write yet',
  clustering: 'liquid clustering metadata is not maintained on write yet',
  icebergCompatV1: 'Iceberg metadata is not kept in sync on write',
  icebergCompatV2: 'Iceberg metadata is not kept in sync on write',
  catalogManaged: 'catalog-managed commits need the catalog',
};

export const MAX_WRITER_VERSION = 7;

/** A table as the writability checks see it. */
export interface WritableTable {
  schema: StructType;
  configuration: Readonly<Record<string, string>>;
}

function schemaHasMetadata(t: DataType, test: (key: string) => boolean): boolean {
  switch (t.type) {
    case 'struct':
      return t.fields.some((f) => Object.keys(f.metadata).some(test) || schemaHasMetadata(f.type, test));
    case 'array':
      return schemaHasMetadata(t.elementType, test);
    case 'map':
      return schemaHasMetadata(t.keyType, test) || schemaHasMetadata(t.valueType, test);
    default:
      return false;
  }
}

/**
 * Features whose writer requirements apply only when the table uses them (Delta Spark's
 * "metadata requires feature"): a table that supports one without using it is writable.
 * Spark lists generatedColumns and identityColumns when it moves a legacy (x, 4..6) protocol
 * to table features, so a table we upgraded carries them whether or not it has such columns.
 */
const ACTIVE_WHEN: Record<string, (t: WritableTable) => boolean> = {
  generatedColumns: (t) => schemaHasMetadata(t.schema, (k) => k === 'delta.generationExpression'),
  identityColumns: (t) => schemaHasMetadata(t.schema, (k) => k.startsWith('delta.identity.')),
  allowColumnDefaults: (t) => schemaHasMetadata(t.schema, (k) => k === 'CURRENT_DEFAULT'),
  icebergCompatV1: (t) => t.configuration['delta.enableIcebergCompatV1'] === 'true',
  icebergCompatV2: (t) => t.configuration['delta.enableIcebergCompatV2'] === 'true',
};

/**
 * Why this engine cannot write a table that supports `feature`, or undefined when it can.
 * Without the table, features that are writable only while unused count as refused.
 */
export function writeRefusal(feature: string, table?: WritableTable): string | undefined {
  if (SUPPORTED_WRITER_FEATURES.has(feature)) return undefined;
  const active = ACTIVE_WHEN[feature];
  if (active && table && !active(table)) return undefined;
  return REFUSED_REASONS[feature] ?? 'this writer feature is unknown to delta-serverless';
}

/** The table as writeRefusal sees it, from its metadata. */
export function writableTable(metadata: Metadata): WritableTable {
  return { schema: parseSchemaString(metadata.schemaString), configuration: metadata.configuration };
}

/**
 * Throws unless this engine can write the table: every writer feature it supports (listed at
 * writer version 7, implied by a legacy version below) is one we implement, or one the table
 * does not use. Without `metadata`, features writable only while unused are refused.
 */
export function assertWritable(protocol: Protocol, metadata?: Metadata): void {
  const v = protocol.minWriterVersion;
  if (v > MAX_WRITER_VERSION) {
    throw new UnsupportedFeatureError(
      `writerVersion ${v}`,
      `unsupported protocol (minWriterVersion=${v}): delta-serverless writes writer versions up to ${MAX_WRITER_VERSION}`,
    );
  }
  const features = v >= 7 ? (protocol.writerFeatures ?? []) : impliedLegacyWriterFeatures(v);
  const table = metadata && writableTable(metadata);
  for (const f of features) {
    const reason = writeRefusal(f, table);
    if (!reason) continue;
    const uses = ACTIVE_WHEN[f] && table ? ' and uses it' : '';
    throw new UnsupportedFeatureError(
      f,
      `cannot write to this table: it requires writer feature "${f}"${uses} (${reason}). Use an engine that supports it.`,
    );
  }
}

/**
 * Features whose data writes we refuse but whose log actions a checkpoint or log cleanup keeps
 * as they are (row tracking's baseRowId, clustering domains...): operations that rewrite only
 * the log may run on such tables. Unknown features, and catalog-managed tables, are refused.
 */
const LOG_ONLY_OK = new Set(Object.keys(REFUSED_REASONS).filter((f) => f !== 'catalogManaged'));

/** Throws unless this engine may rewrite the table's log (checkpoint, log cleanup). */
export function assertLogWritable(protocol: Protocol): void {
  // Legacy writer versions imply only features we write or whose log actions we keep.
  if (protocol.minWriterVersion < 7) return;
  assertWritable({ ...protocol, writerFeatures: protocol.writerFeatures?.filter((f) => !LOG_ONLY_OK.has(f)) });
}

/** appendOnly tables accept only adds (and dataChange=false rearrangement). */
export function assertNotAppendOnly(protocol: Protocol, metadata: Metadata, operation: string): void {
  if (metadata.configuration['delta.appendOnly'] === 'true' && hasWriterFeature(protocol, 'appendOnly')) {
    throw new WriteNotAllowedError(
      (say) =>
        `${operation} would remove data, but the table is append-only (delta.appendOnly=true). Only appends are ` +
        `allowed; to allow this, unset the property: ${say({ operation: 'unsetProperties', keys: ['delta.appendOnly'] })}.`,
    );
  }
}

/**
 * Every commit that removes data (a remove with dataChange) from an append-only table is
 * refused, whatever the operation (RESTORE, overwrite, replaceWhere, DELETE...), as Delta Spark
 * refuses it in its transaction. Rearranging files (OPTIMIZE: dataChange false) is allowed.
 */
export function assertRemovesAllowed(
  protocol: Protocol,
  metadata: Metadata,
  actions: readonly Action[],
  operation: string,
): void {
  if (actions.some((a) => a.remove && a.remove.dataChange !== false))
    assertNotAppendOnly(protocol, metadata, operation);
}
