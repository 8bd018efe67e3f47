/**
 * Writes: append, overwrite, predicate overwrite (`replaceWhere`) and dynamic partition
 * overwrite, with create-on-first-write. Data files are written first (streaming), then
 * one commit adds them (and removes what they replace). Nothing is visible until the
 * commit lands; a failed write deletes the files it wrote.
 */
import { randomUUID } from 'node:crypto';
import * as arrow from 'apache-arrow';
import { constantData } from '../arrow/constant.js';
import {
  commitTransaction,
  TableCreatedConcurrentlyError,
  type CommitOptions,
  type CommitOutcome,
  type CommitRequest,
  type ReadSet,
} from '../commit/transaction.js';
import { runPostCommitHooks, type PostCommitResult } from '../commit/post-commit.js';
import type { IsolationLevel } from '../commit/conflicts.js';
import {
  CommitOutcomeUnknownError,
  InvalidArgumentError,
  SchemaMismatchError,
  WriteNotAllowedError,
} from '../errors.js';
import {
  and,
  bind,
  col,
  evaluatePredicate,
  lit,
  mayMatch,
  or,
  parseExpression,
  toSql,
  type BoundExpression,
  type Expression,
} from '../expr/index.js';
import type { Action, AddFile, Metadata, Protocol, RemoveFile } from '../protocol/actions.js';
import { columnMappingMode, type ColumnMappingMode } from '../protocol/features.js';
import { protocolsEqual, requiredProtocol, validateProperties } from '../protocol/properties.js';
import type { Scalar } from '../protocol/scalar.js';
import { isPrimitive, schemaToString, type DataType, type StructType } from '../protocol/schema.js';
import { assertNotAppendOnly, assertWritable, assertWritableSchema } from '../protocol/writer-features.js';
import type { ParquetCompression } from '../parquet/writer.js';
import { fileStatsLookup, parsePartitionValues, type TableColumns } from '../read/file-stats.js';
import { deltaFieldToArrow } from '../protocol/arrow-schema.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { Snapshot } from '../table/snapshot.js';
import { assignColumnMapping } from '../write/column-mapping-assign.js';
import { checkConstraints, tableConstraints } from '../write/constraints.js';
import { ChangeDataWriter, type WrittenChangeData } from '../write/change-data.js';
import { DataFileWriter, type WrittenFiles } from '../write/data-files.js';
import { deleteForReplaceWhere, replaceWhereFeedsInserts, type ReplaceWhereDeletion } from './dml/replace-where.js';
import { openInput, type WriteInput } from '../write/input.js';
import { splitByPartition } from '../write/partition-split.js';
import { planSchema, type SchemaMode, type SchemaPlan } from '../write/schema-plan.js';
import { statsColumnsFromProperties } from '../write/stats.js';

export type WriteMode = 'append' | 'overwrite' | 'error' | 'ignore';

export interface WriteOptions extends CommitOptions {
  /** append (default), overwrite, error (fail if the table exists), ignore (no-op if it exists). */
  mode?: WriteMode;
  /** Partition columns of a new table (or of an overwrite with schemaMode 'overwrite'). */
  partitionBy?: readonly string[];
  /** 'merge' adds new columns / widens types; 'overwrite' replaces the schema (overwrite only). */
  schemaMode?: SchemaMode;
  /** Overwrite only the rows matching this predicate; every written row must match it. */
  replaceWhere?: string | Expression;
  /** 'dynamic': overwrite only the partitions present in the data. */
  partitionOverwrite?: 'static' | 'dynamic';
  /** Idempotent write: skipped when the table already has this appId at >= version. */
  txn?: { appId: string; version: number };
  /** Target data file size in bytes (default: delta.targetFileSize or 128 MiB). */
  targetFileSize?: number;
  /** Rows per Parquet row group (default 1,048,576). */
  rowGroupSize?: number;
  /** Parquet codec (default: delta.parquet.compression.codec or snappy). */
  compression?: ParquetCompression;
  /** Table properties for a new table. */
  properties?: Record<string, string>;
  name?: string;
  description?: string;
  userMetadata?: string;
  isolation?: IsolationLevel;
  /** Run checkpoint/log-cleanup hooks after the commit (default true). */
  postCommitHooks?: boolean;
}

export interface WriteMetrics {
  numFiles: number;
  numOutputRows: number;
  numOutputBytes: number;
  numRemovedFiles: number;
  numRemovedBytes: number;
  /** Files rewritten by a data-predicate replaceWhere (rows outside the predicate kept). */
  numRewrittenFiles: number;
}

export interface WriteResult {
  version: number;
  /** Nothing committed (txn already applied, or mode 'ignore' on an existing table). */
  skipped: boolean;
  /** This write created the table. */
  created: boolean;
  metrics: WriteMetrics;
  conflictsRetried: number;
  snapshot: Snapshot;
  postCommit?: PostCommitResult;
}

const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;
const DEFAULT_ROW_GROUP_SIZE = 1_048_576;

function codecOf(props: Readonly<Record<string, string>>, opt?: ParquetCompression): ParquetCompression {
  if (opt) return opt;
  const c = props['delta.parquet.compression.codec']?.toLowerCase();
  return c === 'zstd' || c === 'gzip' ? c : c === 'uncompressed' || c === 'none' ? 'none' : 'snappy';
}

function emptyMetrics(): WriteMetrics {
  return {
    numFiles: 0,
    numOutputRows: 0,
    numOutputBytes: 0,
    numRemovedFiles: 0,
    numRemovedBytes: 0,
    numRewrittenFiles: 0,
  };
}

function removeOf(add: AddFile, now: number): RemoveFile {
  return {
    path: add.path,
    deletionTimestamp: now,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: add.partitionValues,
    size: add.size,
    ...(add.stats ? { stats: add.stats } : {}),
    ...(add.tags ? { tags: add.tags } : {}),
    ...(add.deletionVector ? { deletionVector: add.deletionVector } : {}),
  };
}

interface Prepared {
  schema: StructType;
  partitionColumns: string[];
  metadata?: Metadata;
  protocol?: Protocol;
  plan: SchemaPlan;
  mode: ColumnMappingMode;
  configuration: Record<string, string>;
}

/** Resolve the table layout after this write: schema, partitioning, metadata and protocol changes. */
function prepare(base: Snapshot | undefined, inputSchema: arrow.Schema, opts: WriteOptions): Prepared {
  const overwriteSchema = opts.schemaMode === 'overwrite';
  if (overwriteSchema && base && opts.mode !== 'overwrite') {
    throw new InvalidArgumentError("schemaMode 'overwrite' replaces the table schema and needs mode 'overwrite'");
  }
  if (overwriteSchema && base && (opts.replaceWhere !== undefined || opts.partitionOverwrite === 'dynamic')) {
    throw new InvalidArgumentError(
      "schemaMode 'overwrite' cannot be combined with replaceWhere or dynamic partition overwrite",
    );
  }
  const configuration: Record<string, string> = base ? { ...base.properties } : { ...(opts.properties ?? {}) };
  if (base && opts.properties) {
    throw new InvalidArgumentError('properties can only be given when the write creates the table');
  }
  const typeWidening = configuration['delta.enableTypeWidening'] === 'true';
  const plan = planSchema(inputSchema, base?.schema, { schemaMode: opts.schemaMode, typeWidening });
  let schema = plan.schema;
  const partitionColumns = !base || overwriteSchema ? [...(opts.partitionBy ?? [])] : [...base.partitionColumns];
  if (
    base &&
    !overwriteSchema &&
    opts.partitionBy &&
    JSON.stringify([...opts.partitionBy]) !== JSON.stringify(partitionColumns)
  ) {
    throw new InvalidArgumentError(
      `the table is partitioned by [${partitionColumns.join(', ')}], not [${opts.partitionBy.join(', ')}]; ` +
        "to change partitioning overwrite with schemaMode 'overwrite'",
    );
  }
  for (const p of partitionColumns) {
    const f = schema.fields.find((x) => x.name === p);
    if (!f)
      throw new InvalidArgumentError(
        `partition column ${p} is not in the data (columns: ${schema.fields.map((x) => x.name).join(', ')})`,
      );
    if (!isPrimitive(f.type) || f.type.type === 'variant')
      throw new InvalidArgumentError(
        `partition column ${p} has type ${f.type.type}; partition columns must be primitive`,
      );
  }
  const mode = columnMappingMode({ configuration } as Metadata);
  const changed = !base || plan.changed || overwriteSchema;
  if (changed && mode !== 'none') {
    const assigned = assignColumnMapping(schema, Number(configuration['delta.columnMapping.maxColumnId'] ?? 0));
    schema = assigned.schema;
    configuration['delta.columnMapping.maxColumnId'] = String(assigned.maxColumnId);
  }
  for (const tc of plan.typeChanges) recordTypeChange(schema, tc.path, tc.from, tc.to);
  if (!base) validateProperties(configuration, schema);
  const protocol = requiredProtocol(configuration, schema, base?.protocol);
  const protocolChanged = !base || !protocolsEqual(protocol, base.protocol);
  const metadata: Metadata | undefined = changed
    ? {
        id: base?.metadata.id ?? randomUUID(),
        ...((base?.metadata.name ?? opts.name) ? { name: base?.metadata.name ?? opts.name } : {}),
        ...((base?.metadata.description ?? opts.description)
          ? { description: base?.metadata.description ?? opts.description }
          : {}),
        format: { provider: 'parquet', options: {} },
        schemaString: schemaToString(schema),
        partitionColumns,
        configuration,
        createdTime: base?.metadata.createdTime ?? Date.now(),
      }
    : undefined;
  return {
    schema,
    partitionColumns,
    metadata,
    protocol: protocolChanged ? protocol : undefined,
    plan: { ...plan, schema },
    mode,
    configuration,
  };
}

/** Type widening is recorded in the field's `delta.typeChanges` metadata. */
function recordTypeChange(schema: StructType, path: string, from: DataType, to: DataType): void {
  const parts = path.split('.');
  let cur: StructType = schema;
  for (let i = 0; i < parts.length; i++) {
    const f = cur.fields.find((x) => x.name === parts[i]);
    if (!f) return;
    if (i === parts.length - 1) {
      const prev = Array.isArray(f.metadata['delta.typeChanges']) ? (f.metadata['delta.typeChanges'] as object[]) : [];
      f.metadata = {
        ...f.metadata,
        'delta.typeChanges': [...prev, { fromType: simpleType(from), toType: simpleType(to) }] as never,
      };
      return;
    }
    if (f.type.type !== 'struct') return;
    cur = f.type;
  }
}

function simpleType(t: DataType): string {
  return t.type === 'decimal' ? `decimal(${t.precision},${t.scale})` : t.type;
}

/** Which partitions a predicate selects exactly: evaluate it on a one-row batch of partition values. */
function partitionPredicateMatches(pred: BoundExpression, cols: TableColumns, add: AddFile): boolean {
  const values = parsePartitionValues(cols, add.partitionValues);
  const fields = [...cols.partitionColumns].map((name) => cols.schema.fields.find((f) => f.name === name)!);
  const arrowFields = fields.map((f) => deltaFieldToArrow(f));
  const children = fields.map((f, i) => constantData(arrowFields[i]!.type, values.get(f.name) ?? null, 1));
  const batch = new arrow.RecordBatch(
    new arrow.Schema(arrowFields),
    arrow.makeData({ type: new arrow.Struct(arrowFields), length: 1, nullCount: 0, children }),
  );
  return evaluatePredicate(pred, batch)[0] === 1;
}

/** A canonical key for a partition's scalar values (strings in the log vary by writer). */
function scalarKey(columns: readonly string[], values: ReadonlyMap<string, Scalar>): string {
  return columns
    .map((c) => {
      const v = values.get(c) ?? null;
      return v === null
        ? 'null'
        : v instanceof Uint8Array
          ? `b:${Array.from(v).join(',')}`
          : `${typeof v}:${String(v)}`;
    })
    .join('\u0000');
}

/** Write `input` to the table (`base` undefined: create it). */
export async function writeTable(
  store: ObjectStore,
  base: Snapshot | undefined,
  input: WriteInput,
  opts: WriteOptions = {},
): Promise<WriteResult> {
  const writeMode = opts.mode ?? 'append';
  if (base && writeMode === 'error')
    throw new WriteNotAllowedError(`table ${store.root} already exists (mode 'error')`);
  if (base && writeMode === 'ignore')
    return {
      version: base.version,
      skipped: true,
      created: false,
      metrics: emptyMetrics(),
      conflictsRetried: 0,
      snapshot: base,
    };
  if (opts.txn && base) {
    const applied = base.txn(opts.txn.appId);
    if (applied && applied.version >= opts.txn.version) {
      return {
        version: base.version,
        skipped: true,
        created: false,
        metrics: emptyMetrics(),
        conflictsRetried: 0,
        snapshot: base,
      };
    }
  }
  if (base) {
    assertWritable(base.protocol);
    assertWritableSchema(base.protocol, base.metadata.schemaString);
  }
  const overwrite = writeMode === 'overwrite';
  if (!overwrite && (opts.replaceWhere !== undefined || opts.partitionOverwrite === 'dynamic')) {
    throw new InvalidArgumentError("replaceWhere and dynamic partition overwrite need mode 'overwrite'");
  }
  if (base && overwrite) assertNotAppendOnly(base.protocol, base.metadata, 'overwrite');

  const stream = await openInput(input);
  const prep = prepare(base, stream.schema, opts);
  const cols: TableColumns = { schema: prep.schema, mode: prep.mode, partitionColumns: new Set(prep.partitionColumns) };
  const constraints = tableConstraints(prep.configuration, prep.schema);
  const replaceWhere =
    opts.replaceWhere !== undefined
      ? bind(
          typeof opts.replaceWhere === 'string' ? parseExpression(opts.replaceWhere) : opts.replaceWhere,
          prep.schema,
        )
      : undefined;
  const dynamic = overwrite && opts.partitionOverwrite === 'dynamic';
  // A replaceWhere on data columns deletes rows inside files (ops/dml/replace-where.ts).
  const dataReplace =
    base && overwrite && replaceWhere && !columnsOfBound(replaceWhere).every((c) => cols.partitionColumns.has(c))
      ? opts.replaceWhere!
      : undefined;
  if (dynamic && prep.partitionColumns.length === 0)
    throw new InvalidArgumentError('dynamic partition overwrite needs a partitioned table');

  const writer = new DataFileWriter({
    store,
    schema: prep.schema,
    partitionColumns: prep.partitionColumns,
    mode: prep.mode,
    targetFileSize:
      opts.targetFileSize ?? (Number(prep.configuration['delta.targetFileSize']) || DEFAULT_TARGET_FILE_SIZE),
    rowGroupSize: opts.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
    compression: codecOf(prep.configuration, opts.compression),
    stats: statsColumnsFromProperties(prep.configuration),
  });
  const inserts =
    dataReplace && replaceWhereFeedsInserts(base!)
      ? new ChangeDataWriter({
          store,
          schema: prep.schema,
          partitionColumns: prep.partitionColumns,
          mode: prep.mode,
          targetFileSize: DEFAULT_TARGET_FILE_SIZE,
          rowGroupSize: opts.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
          compression: codecOf(prep.configuration, opts.compression),
        })
      : undefined;
  const written = new Map<string, ReadonlyMap<string, Scalar>>();
  const sink = async (batch: arrow.RecordBatch) => {
    for (const slice of splitByPartition(batch, prep.schema, prep.partitionColumns, prep.mode)) {
      written.set(scalarKey(prep.partitionColumns, slice.scalars), slice.scalars);
      await writer.write(slice);
    }
  };

  let files: WrittenFiles;
  const removes: RemoveFile[] = [];
  const read: ReadSet = {};
  const now = Date.now();
  let deletion: ReplaceWhereDeletion | undefined;
  let changes: WrittenChangeData | undefined;
  try {
    for await (const raw of stream.batches) {
      const batch = prep.plan.conform(raw);
      checkConstraints(batch, constraints, prep.schema);
      if (replaceWhere) {
        const ok = evaluatePredicate(replaceWhere, batch);
        const bad = ok.indexOf(0);
        if (bad >= 0) {
          throw new WriteNotAllowedError(
            `replaceWhere: row ${bad} of the data does not match the predicate ${toSql(replaceWhere)}; every written row must match it. Nothing was committed.`,
          );
        }
      }
      await sink(batch);
      await inserts?.write(batch, 'insert');
    }
    // What this write replaces.
    if (base && overwrite) {
      if (replaceWhere && dataReplace) {
        read.predicates = [replaceWhere];
        deletion = await deleteForReplaceWhere(base, dataReplace);
        removes.push(...deletion.removes);
        read.files = deletion.readFiles;
      } else if (replaceWhere) {
        read.predicates = [replaceWhere];
        for (const add of base.files()) {
          const pv = parsePartitionValues(cols, add.partitionValues);
          if (!mayMatch(replaceWhere, fileStatsLookup(cols, pv, base.fileStats(add)))) continue;
          if (partitionPredicateMatches(replaceWhere, cols, add)) removes.push(removeOf(add, now));
        }
        read.files = removes.map((r) => r.path);
      } else if (dynamic) {
        const replaced = new Set(written.keys());
        for (const add of base.files()) {
          if (replaced.has(scalarKey(prep.partitionColumns, parsePartitionValues(cols, add.partitionValues))))
            removes.push(removeOf(add, now));
        }
        if (written.size > 0) read.predicates = [bind(partitionsPredicate(prep, written), prep.schema)];
        read.files = removes.map((r) => r.path);
      } else {
        for (const add of base.files()) removes.push(removeOf(add, now));
        read.wholeTable = true;
      }
    }
    files = await writer.finish();
    changes = await inserts?.finish();
  } catch (err) {
    await writer.abort(err);
    await inserts?.abort(err);
    await store.deleteMany(deletion?.written ?? []).catch(() => undefined);
    throw err;
  }
  const extraAdds = deletion?.adds ?? [];
  const cdc = [...(deletion?.cdc ?? []), ...(changes?.cdc ?? [])];
  const ownFiles = () => [
    ...files.adds.map((a) => decodeURIComponent(a.path)),
    ...(changes?.cdc ?? []).map((c) => decodeURIComponent(c.path)),
    ...(deletion?.written ?? []),
  ];

  const metrics: WriteMetrics = {
    numFiles: files.adds.length,
    numOutputRows: files.numOutputRows,
    numOutputBytes: files.numOutputBytes,
    numRemovedFiles: removes.length,
    numRemovedBytes: removes.reduce((n, r) => n + Number(r.size ?? 0), 0),
    numRewrittenFiles: deletion?.rewrittenFiles ?? 0,
  };
  const request = (snapshotBase: Snapshot | undefined, rm: RemoveFile[], withLayout: boolean): CommitRequest => ({
    actions: [
      ...(withLayout && prep.protocol ? [{ protocol: prep.protocol }] : []),
      ...(withLayout && prep.metadata ? [{ metaData: prep.metadata }] : []),
      ...rm.map((remove) => ({ remove })),
      ...files.adds.map((add) => ({ add })),
      ...extraAdds.map((add) => ({ add })),
      ...cdc.map((c) => ({ cdc: c })),
    ] as Action[],
    operation: 'WRITE',
    operationParameters: {
      mode:
        !snapshotBase && writeMode !== 'append' && writeMode !== 'overwrite'
          ? 'ErrorIfExists'
          : overwrite
            ? 'Overwrite'
            : 'Append',
      partitionBy: JSON.stringify(prep.partitionColumns),
      ...(replaceWhere ? { predicate: JSON.stringify([toSql(replaceWhere)]) } : {}),
      ...(dynamic ? { partitionOverwriteMode: 'DYNAMIC' } : {}),
    },
    operationMetrics: {
      numFiles: metrics.numFiles,
      numOutputRows: metrics.numOutputRows,
      numOutputBytes: metrics.numOutputBytes,
      ...(overwrite ? { numRemovedFiles: rm.length, numRemovedBytes: metrics.numRemovedBytes } : {}),
      ...(deletion
        ? { numDeletedRows: deletion.deletedRows, numCopiedRows: deletion.copiedRows, numAddedChangeFiles: cdc.length }
        : {}),
    },
    isBlindAppend: !overwrite,
    read: snapshotBase ? read : undefined,
    txn: opts.txn,
    isolation: opts.isolation,
    userMetadata: opts.userMetadata,
  });

  let outcome: CommitOutcome;
  let created = !base;
  try {
    outcome = await commitTransaction(store, base, request(base, removes, true), opts);
  } catch (err) {
    if (!(err instanceof TableCreatedConcurrentlyError)) {
      // When the commit may have landed, its files must stay (at worst they are orphans).
      if (!(err instanceof CommitOutcomeUnknownError)) await store.deleteMany(ownFiles()).catch(() => undefined);
      throw err;
    }
    // Another writer created the table first: if its layout accepts our files, append them.
    created = false;
    outcome = await appendAfterConcurrentCreate(store, prep, files, writeMode, request, opts);
  }
  if (outcome.skipped && files.adds.length > 0) {
    // The txn was already applied (found while retrying): our files are garbage, unless that
    // commit was our own earlier attempt and references them.
    const active = new Set(outcome.snapshot.files().map((a) => a.path));
    const stray = files.adds.filter((a) => !active.has(a.path)).map((a) => decodeURIComponent(a.path));
    await store.deleteMany(stray).catch(() => undefined);
  }
  const postCommit =
    opts.postCommitHooks === false || outcome.skipped ? undefined : await runPostCommitHooks(outcome.snapshot);
  return {
    version: outcome.version,
    skipped: outcome.skipped,
    created: created && !outcome.skipped,
    metrics,
    conflictsRetried: outcome.conflictsRetried,
    snapshot: outcome.snapshot,
    postCommit,
  };
}

async function appendAfterConcurrentCreate(
  store: ObjectStore,
  prep: Prepared,
  files: WrittenFiles,
  writeMode: WriteMode,
  request: (base: Snapshot | undefined, rm: RemoveFile[], withLayout: boolean) => CommitRequest,
  opts: WriteOptions,
): Promise<CommitOutcome> {
  const { loadSnapshot } = await import('../table/delta-table.js');
  const winner = await loadSnapshot(store);
  const cleanup = () => store.deleteMany(files.adds.map((a) => decodeURIComponent(a.path))).catch(() => undefined);
  if (writeMode === 'error' || writeMode === 'ignore') {
    await cleanup();
    if (writeMode === 'ignore')
      return { version: winner.version, skipped: true, conflictsRetried: 1, snapshot: winner };
    throw new WriteNotAllowedError(
      `table ${store.root} was created by another writer while this write ran (mode 'error')`,
    );
  }
  const sameLayout =
    JSON.stringify(winner.partitionColumns) === JSON.stringify(prep.partitionColumns) &&
    winner.columnMapping === 'none' &&
    prep.mode === 'none' &&
    sameDataSchema(winner.schema, prep.schema);
  if (!sameLayout) {
    await cleanup();
    throw new SchemaMismatchError(
      `table ${store.root} was created concurrently by another writer with a layout this write does not fit ` +
        `(partitioned by [${winner.partitionColumns.join(', ')}], schema ${winner.metadata.schemaString}); nothing was committed`,
    );
  }
  assertWritable(winner.protocol);
  const now = Date.now();
  const removes = writeMode === 'overwrite' ? winner.files().map((a) => removeOf(a, now)) : [];
  const req = request(winner, removes, false);
  if (writeMode === 'overwrite') req.read = { wholeTable: true };
  return commitTransaction(store, winner, req, opts);
}

/** Our files fit the winner's table when every column we wrote has the same type there. */
function sameDataSchema(table: StructType, ours: StructType): boolean {
  return (
    ours.fields.every((f) => {
      const t = table.fields.find((x) => x.name === f.name);
      return !!t && JSON.stringify(t.type) === JSON.stringify(f.type);
    }) && table.fields.every((t) => t.nullable || ours.fields.some((f) => f.name === t.name))
  );
}

function columnsOfBound(e: BoundExpression): string[] {
  // Top-level column names referenced by the predicate.
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.kind === 'column' && Array.isArray(o.path)) out.push(String((o.path as string[])[0]));
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(e);
  return out;
}

/** `(p1 = a AND p2 = b) OR ...` over the partitions a dynamic overwrite replaces. */
function partitionsPredicate(prep: Prepared, written: Map<string, ReadonlyMap<string, Scalar>>): Expression {
  const terms = [...written.values()].map((values) =>
    and(
      ...prep.partitionColumns.map((c) => {
        const v = values.get(c) ?? null;
        const t = prep.schema.fields.find((f) => f.name === c)!.type;
        return v === null ? col(c).isNull() : col(c).eq(lit(v, t));
      }),
    ),
  );
  return terms.length === 1 ? terms[0]! : or(...terms);
}
