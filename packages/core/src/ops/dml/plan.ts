/**
 * DELETE / UPDATE planning, pure over the snapshot's log (no data is read), as Delta Spark's
 * DeleteCommand / UpdateCommand: prune files by partition values and statistics; a predicate
 * on partition columns only selects whole files (DELETE removes them unread, UPDATE rewrites
 * every row of them); any other predicate leaves candidate files to scan for matching rows.
 * The plan is plain JSON.
 */
import { InvalidArgumentError } from '../../errors.js';
import { bind, mayMatch, parseExpression, toSql, type BoundExpression, type Expression } from '../../expr/index.js';
import type { AddFile } from '../../protocol/actions.js';
import { hasWriterFeature } from '../../protocol/features.js';
import { assertNotAppendOnly, assertWritable, assertWritableSchema } from '../../protocol/writer-features.js';
import { fileStatsLookup, parsePartitionValues, type TableColumns } from '../../read/file-stats.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { dvPrefixLength } from '../../write/deletion-vectors.js';
import { plainAdd } from '../optimize/plan.js';
import { isPartitionPredicate, partitionMatches } from './partition-match.js';
import type { DmlContext, DmlFile, DmlOperation, DmlOptions, DmlPlan } from './types.js';

const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;
/** As OPTIMIZE: rewrites run in fixed-memory Lambdas (docs/memory-bounds.md). */
const DEFAULT_ROW_GROUP_SIZE = 524_288;

export interface DmlStatement {
  operation: DmlOperation;
  predicate?: Expression | string;
  /** UPDATE: column -> SQL text of the new value (already validated by the caller). */
  set?: Record<string, string>;
}

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

function checkWritable(snapshot: Snapshot, operation: DmlOperation): void {
  assertWritable(snapshot.protocol);
  assertWritableSchema(snapshot.protocol, snapshot.metadata.schemaString);
  assertNotAppendOnly(snapshot.protocol, snapshot.metadata, operation);
}

/** Bind the statement's predicate; undefined when it selects every row. */
export function bindPredicate(
  snapshot: Snapshot,
  predicate: Expression | string | undefined,
): BoundExpression | undefined {
  if (predicate === undefined) return undefined;
  const expr = typeof predicate === 'string' ? parseExpression(predicate) : predicate;
  return bind(expr, snapshot.schema);
}

/** Plan a DELETE or UPDATE of `snapshot`. */
export function planDml(snapshot: Snapshot, stmt: DmlStatement, opts: DmlOptions = {}): DmlPlan {
  checkWritable(snapshot, stmt.operation);
  const cols: TableColumns = {
    schema: snapshot.schema,
    mode: snapshot.columnMapping,
    partitionColumns: new Set(snapshot.partitionColumns),
  };
  const bound = bindPredicate(snapshot, stmt.predicate);
  const sql =
    stmt.predicate === undefined
      ? undefined
      : toSql(typeof stmt.predicate === 'string' ? parseExpression(stmt.predicate) : stmt.predicate);
  const context = dmlContext(snapshot, stmt, opts, sql);
  const wholeFiles = !bound || isPartitionPredicate(bound, cols);
  const removeWhole: AddFile[] = [];
  const files: DmlFile[] = [];
  const partitions = new Set<string>();
  let bytesBefore = 0;
  let bytesAfter = 0;
  for (const add of snapshot.files()) {
    bytesBefore += Number(add.size) || 0;
    if (bound && !candidate(snapshot, cols, bound, add, wholeFiles)) continue;
    bytesAfter += Number(add.size) || 0;
    partitions.add(JSON.stringify(add.partitionValues));
    if (wholeFiles && stmt.operation === 'DELETE') removeWhole.push(planAdd(snapshot, add));
    else files.push({ add: planAdd(snapshot, add), allRowsMatch: wholeFiles });
  }
  return {
    readVersion: snapshot.version,
    context,
    removeWhole,
    files,
    skipping: {
      numFilesBeforeSkipping: snapshot.numFiles,
      numBytesBeforeSkipping: bytesBefore,
      numFilesAfterSkipping: removeWhole.length + files.length,
      numBytesAfterSkipping: bytesAfter,
      ...(snapshot.partitionColumns.length > 0 ? { numPartitionsAfterSkipping: partitions.size } : {}),
    },
  };
}

/** The file as plain JSON, with its stats as text even when the checkpoint only had parsed stats. */
function planAdd(snapshot: Snapshot, add: AddFile): AddFile {
  const out = plainAdd(add);
  if (!out.stats) {
    const parsed = snapshot.fileStats(add);
    if (parsed) out.stats = JSON.stringify(parsed, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  }
  return out;
}

/** Whether the file may hold a matching row (exactly, for a partition-only predicate). */
function candidate(
  snapshot: Snapshot,
  cols: TableColumns,
  pred: BoundExpression,
  add: AddFile,
  exact: boolean,
): boolean {
  if (exact) return partitionMatches(pred, cols, add);
  const pv = parsePartitionValues(cols, add.partitionValues);
  if (cols.partitionColumns.size > 0 && !mayMatch(pred, fileStatsLookup(cols, pv, undefined))) return false;
  return mayMatch(pred, fileStatsLookup(cols, pv, snapshot.fileStats(add)));
}
