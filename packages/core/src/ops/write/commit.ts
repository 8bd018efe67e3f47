/**
 * A write's commit: one transaction adding the written files (and removing what they
 * replace). When the write created the table and another writer created it first, the files
 * are appended to that table if its layout fits them. Files that end up in no commit are
 * deleted (unless the commit's outcome is unknown: then they may be referenced).
 */
import type { Engine } from '../../engine/engine.js';
import { CommitOutcomeUnknownError, SchemaMismatchError, WriteNotAllowedError } from '../../errors.js';
import { bind, parseExpression, toSql } from '../../expr/index.js';
import type { Action, AddFile, RemoveFile } from '../../protocol/actions.js';
import type { StructType } from '../../protocol/schema.js';
import { assertWritable } from '../../protocol/writer-features.js';
import { loadSnapshot } from '../../snapshot/load.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import {
  commitTransaction,
  runPostCommitHooks,
  TableCreatedConcurrentlyError,
  type CommitOutcome,
  type CommitRequest,
} from '../../transaction/index.js';
import { removeOf } from './replace.js';
import type { WriteOptions, WritePlan, WriteResult, WrittenData } from './types.js';

export async function commitWrite(
  engine: Engine,
  base: Snapshot | undefined,
  plan: WritePlan,
  data: WrittenData,
  opts: WriteOptions = {},
): Promise<WriteResult> {
  let outcome: CommitOutcome;
  let created = !base;
  try {
    outcome = await commitTransaction(engine, base, writeRequest(plan, data, base, data.removes, true, opts), opts);
  } catch (err) {
    if (!(err instanceof TableCreatedConcurrentlyError)) {
      // When the commit may have landed, its files must stay (at worst they are orphans).
      if (!(err instanceof CommitOutcomeUnknownError)) await deleteFiles(engine, data.adds, data.written);
      throw err;
    }
    // Another writer created the table first: if its layout accepts our files, append them.
    created = false;
    outcome = await appendAfterConcurrentCreate(engine, plan, data, opts);
  }
  if (outcome.skipped && data.adds.length > 0) {
    // The txn was already applied (found while retrying): our files are garbage, unless that
    // commit was our own earlier attempt and references them.
    const active = new Set((await outcome.snapshot.loadFiles()).files().map((a) => a.path));
    await deleteFiles(
      engine,
      data.adds.filter((a) => !active.has(a.path)),
    );
  }
  const postCommit =
    opts.postCommitHooks === false || outcome.skipped ? undefined : await runPostCommitHooks(outcome.snapshot);
  return {
    version: outcome.version,
    skipped: outcome.skipped,
    created: created && !outcome.skipped,
    metrics: data.metrics,
    conflictsRetried: outcome.conflictsRetried,
    snapshot: outcome.snapshot,
    postCommit,
  };
}

/** Written files no commit will reference: delete them, best effort. */
function deleteFiles(engine: Engine, adds: readonly AddFile[], others: readonly string[] = []): Promise<void> {
  return engine.store.deleteMany([...adds.map((a) => decodeURIComponent(a.path)), ...others]).catch(() => undefined);
}

/** The commit of a write on `base` (undefined: it creates the table), removing `removes`. */
function writeRequest(
  plan: WritePlan,
  data: WrittenData,
  base: Snapshot | undefined,
  removes: readonly RemoveFile[],
  withLayout: boolean,
  opts: WriteOptions,
): CommitRequest {
  const overwrite = plan.mode === 'overwrite';
  return {
    actions: [
      ...(withLayout && plan.protocol ? [{ protocol: plan.protocol }] : []),
      ...(withLayout && plan.metadata ? [{ metaData: plan.metadata }] : []),
      ...removes.map((remove) => ({ remove })),
      ...data.adds.map((add) => ({ add })),
      ...data.extraAdds.map((add) => ({ add })),
      ...data.cdc.map((cdc) => ({ cdc })),
    ] as Action[],
    operation: 'WRITE',
    operationParameters: {
      mode: !base && !overwrite && plan.mode !== 'append' ? 'ErrorIfExists' : overwrite ? 'Overwrite' : 'Append',
      partitionBy: JSON.stringify(plan.partitionColumns),
      ...(plan.replaceWhere !== undefined ? { predicate: JSON.stringify([replaceWhereSql(plan)]) } : {}),
      ...(plan.dynamicPartitionOverwrite ? { partitionOverwriteMode: 'DYNAMIC' } : {}),
    },
    operationMetrics: {
      numFiles: data.metrics.numFiles,
      numOutputRows: data.metrics.numOutputRows,
      numOutputBytes: data.metrics.numOutputBytes,
      ...(overwrite ? { numRemovedFiles: removes.length, numRemovedBytes: data.metrics.numRemovedBytes } : {}),
      ...(data.deleted
        ? {
            numDeletedRows: data.deleted.rows,
            numCopiedRows: data.deleted.copiedRows,
            numAddedChangeFiles: data.cdc.length,
          }
        : {}),
    },
    isBlindAppend: !overwrite,
    read: base ? data.read : undefined,
    txn: opts.txn,
    isolation: opts.isolation,
    userMetadata: opts.userMetadata,
  };
}

/** commitInfo's `predicate`: replaceWhere bound to the table (as Spark records it). */
function replaceWhereSql(plan: WritePlan): string {
  return toSql(bind(parseExpression(plan.replaceWhere!), plan.schema));
}

async function appendAfterConcurrentCreate(
  engine: Engine,
  plan: WritePlan,
  data: WrittenData,
  opts: WriteOptions,
): Promise<CommitOutcome> {
  const winner = await loadSnapshot(engine);
  const cleanup = () => deleteFiles(engine, data.adds);
  if (plan.mode === 'error' || plan.mode === 'ignore') {
    await cleanup();
    if (plan.mode === 'ignore')
      return { version: winner.version, skipped: true, conflictsRetried: 1, snapshot: winner };
    throw new WriteNotAllowedError(
      `table ${engine.store.root} was created by another writer while this write ran (mode 'error')`,
    );
  }
  const sameLayout =
    JSON.stringify(winner.partitionColumns) === JSON.stringify(plan.partitionColumns) &&
    winner.columnMapping === 'none' &&
    plan.columnMapping === 'none' &&
    sameDataSchema(winner.schema, plan.schema);
  if (!sameLayout) {
    await cleanup();
    throw new SchemaMismatchError(
      `table ${engine.store.root} was created concurrently by another writer with a layout this write does not fit ` +
        `(partitioned by [${winner.partitionColumns.join(', ')}], schema ${winner.metadata.schemaString}); nothing was committed`,
    );
  }
  assertWritable(winner.protocol, winner.metadata);
  const now = engine.clock.now();
  const removes = plan.mode === 'overwrite' ? winner.files().map((a) => removeOf(a, now)) : [];
  const req = writeRequest(plan, data, winner, removes, false, opts);
  if (plan.mode === 'overwrite') req.read = { wholeTable: true };
  return commitTransaction(engine, winner, req, opts);
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
