/**
 * The JSON context of a DELETE/UPDATE plan: what an executor needs besides the store (the
 * table layout, the statement as SQL text, and the write settings), decided once from the
 * snapshot and the options. Deletion vectors are used when the table enables them, as
 * Spark does, unless the options force copy-on-write or the table keeps symlink manifests.
 */
import { InvalidArgumentError } from '../../errors.js';
import { hasWriterFeature } from '../../protocol/features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { dvPrefixLength } from '../../write/deletion-vectors.js';
import type { DmlContext, DmlOptions, DmlStatement } from './types.js';

const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;
/** As OPTIMIZE: rewrites run in fixed-memory Lambdas (docs/memory-bounds.md). */
const DEFAULT_ROW_GROUP_SIZE = 524_288;

function codecOf(props: Readonly<Record<string, string>>): DmlContext['compression'] {
  const c = props['delta.parquet.compression.codec']?.toLowerCase();
  return c === 'zstd' || c === 'gzip' ? c : c === 'uncompressed' || c === 'none' ? 'none' : 'snappy';
}

/** Deletion vectors may be written: the protocol supports them and the table enables them (Spark's rule). */
export function deletionVectorsWritable(snapshot: Snapshot): boolean {
  return (
    hasWriterFeature(snapshot.protocol, 'deletionVectors') &&
    snapshot.properties['delta.enableDeletionVectors'] === 'true'
  );
}

/** Tables that keep symlink manifests: a deletion vector would make manifest readers see deleted rows. */
const MANIFEST_PROPERTY = 'delta.compatibility.symlinkFormatManifest.enabled';

function useDeletionVectors(snapshot: Snapshot, opt: boolean | undefined): boolean {
  const writable = deletionVectorsWritable(snapshot);
  if (snapshot.properties[MANIFEST_PROPERTY] === 'true') {
    if (opt === true)
      throw new InvalidArgumentError(
        `deletionVectors: true on a table with ${MANIFEST_PROPERTY}=true: engines reading through the manifest would return the deleted rows; leave deletionVectors unset (copy-on-write)`,
      );
    return false;
  }
  if (opt === true && !writable)
    throw new InvalidArgumentError(
      'deletionVectors: true needs a table with delta.enableDeletionVectors=true (set the property with ' +
        "setProperties({ 'delta.enableDeletionVectors': 'true' }), which also upgrades the protocol)",
    );
  return opt ?? writable;
}

/** The plan's context: `predicate` is the statement's predicate as SQL text (absent: every row). */
export function dmlContext(snapshot: Snapshot, stmt: DmlStatement, opts: DmlOptions, predicate?: string): DmlContext {
  const props = snapshot.properties;
  const target = opts.targetFileSize ?? Number(props['delta.targetFileSize']);
  return {
    operation: stmt.operation,
    tableRoot: snapshot.store.root,
    schemaString: snapshot.metadata.schemaString,
    partitionColumns: [...snapshot.partitionColumns],
    configuration: { ...props },
    columnMapping: snapshot.columnMapping,
    ...(predicate !== undefined ? { predicate } : {}),
    ...(stmt.set ? { set: { ...stmt.set } } : {}),
    deletionVectors: useDeletionVectors(snapshot, opts.deletionVectors),
    changeDataFeed: props['delta.enableChangeDataFeed'] === 'true',
    tightBounds: hasWriterFeature(snapshot.protocol, 'deletionVectors'),
    targetFileSize: Number.isFinite(target) && target > 0 ? Math.floor(target) : DEFAULT_TARGET_FILE_SIZE,
    rowGroupSize: opts.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
    compression: opts.compression ?? codecOf(props),
    dvPrefixLength: dvPrefixLength(props),
    inlineDvMaxBytes: opts.inlineDeletionVectorMaxBytes ?? 0,
  };
}
