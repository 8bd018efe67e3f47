/**
 * What this engine can write. A table whose protocol needs a writer feature we do not
 * implement is refused before any data is written, naming the feature.
 */
import { UnsupportedFeatureError, WriteNotAllowedError } from '../errors.js';
import type { Action, Metadata, Protocol } from './actions.js';
import { hasWriterFeature } from './features.js';

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

/** Throws unless this engine can write the table. */
export function assertWritable(protocol: Protocol): void {
  const v = protocol.minWriterVersion;
  if (v > MAX_WRITER_VERSION) {
    throw new UnsupportedFeatureError(
      `writerVersion ${v}`,
      `unsupported protocol (minWriterVersion=${v}): delta-serverless writes writer versions up to ${MAX_WRITER_VERSION}`,
    );
  }
  // Legacy versions 4-6 imply generated/identity columns only when the schema uses them
  // (assertWritableSchema); version 7 lists its features.
  const needed = v >= 7 ? (protocol.writerFeatures ?? []) : [];
  for (const f of needed) {
    if (SUPPORTED_WRITER_FEATURES.has(f)) continue;
    const reason = REFUSED_REASONS[f] ?? 'this writer feature is unknown to delta-serverless';
    throw new UnsupportedFeatureError(
      f,
      `cannot write to this table: it requires writer feature "${f}" (${reason}). Use an engine that supports it.`,
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
  if (protocol.minWriterVersion < 7) return assertWritable(protocol);
  assertWritable({ ...protocol, writerFeatures: protocol.writerFeatures?.filter((f) => !LOG_ONLY_OK.has(f)) });
}

/** Legacy writer versions 4 and 6 only require generated/identity columns when the schema uses them. */
export function assertWritableSchema(protocol: Protocol, schemaString: string): void {
  if (protocol.minWriterVersion >= 7) return;
  if (protocol.minWriterVersion >= 4 && schemaString.includes('delta.generationExpression')) {
    throw new UnsupportedFeatureError(
      'generatedColumns',
      `cannot write to this table: it has generated columns (${REFUSED_REASONS.generatedColumns})`,
    );
  }
  if (protocol.minWriterVersion >= 6 && schemaString.includes('delta.identity.')) {
    throw new UnsupportedFeatureError(
      'identityColumns',
      `cannot write to this table: it has identity columns (${REFUSED_REASONS.identityColumns})`,
    );
  }
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
