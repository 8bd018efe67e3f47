/**
 * Commit an OPTIMIZE: one commit removing every rewritten file and adding its replacements,
 * all dataChange=false. The read set is the removed files, so blind appends never conflict
 * while a concurrent delete/overwrite/OPTIMIZE of the same files does (typed conflict). A
 * failed commit deletes the new files (unless it may have landed).
 */
import { commitTransaction, type CommitRequest } from '../../transaction/index.js';
import { runPostCommitHooks } from '../../transaction/index.js';
import {
  CommitOutcomeUnknownError,
  ConcurrentDeleteReadError,
  InvalidArgumentError,
  MetadataChangedError,
} from '../../errors.js';
import { fileKey } from '../../log/replay.js';
import type { Action, AddFile, RemoveFile } from '../../protocol/actions.js';
import { assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { commitMetrics, optimizeMetrics, type Timings } from './metrics.js';
import type { BinResult, OptimizeOptions, OptimizePlan, OptimizeResult } from './types.js';
import { stopwatch } from '../../util/clock.js';

/** The remove action for a rewritten file: keeps its DV so exactly that (path, DV) is removed. */
export function removeOf(add: AddFile, now: number): RemoveFile {
  return {
    path: add.path,
    deletionTimestamp: now,
    dataChange: false,
    extendedFileMetadata: true,
    partitionValues: add.partitionValues,
    size: add.size,
    ...(add.stats ? { stats: add.stats } : {}),
    ...(add.tags ? { tags: add.tags } : {}),
    ...(add.deletionVector ? { deletionVector: add.deletionVector } : {}),
    ...(add.baseRowId !== undefined && add.baseRowId !== null ? { baseRowId: add.baseRowId } : {}),
    ...(add.defaultRowCommitVersion !== undefined && add.defaultRowCommitVersion !== null
      ? { defaultRowCommitVersion: add.defaultRowCommitVersion }
      : {}),
  };
}

/**
 * The commit base may be newer than the plan (a worker fleet took a while): the versions in
 * between are not conflict-checked by commitTransaction, so check them here.
 */
function checkBase(snapshot: Snapshot, plan: OptimizePlan, removed: readonly AddFile[]): void {
  if (snapshot.version < plan.readVersion) {
    throw new InvalidArgumentError(
      `commitOptimize got snapshot version ${snapshot.version}, older than the plan's read version ${plan.readVersion}; pass the snapshot the plan was made from or a newer one`,
    );
  }
  if (snapshot.version === plan.readVersion) return;
  const ctx = plan.context;
  if (
    snapshot.metadata.schemaString !== ctx.schemaString ||
    JSON.stringify(snapshot.partitionColumns) !== JSON.stringify(ctx.partitionColumns) ||
    snapshot.columnMapping !== ctx.columnMapping
  ) {
    throw new MetadataChangedError(
      'MetadataChanged',
      snapshot.version,
      `the table schema or partitioning changed after OPTIMIZE planned at version ${plan.readVersion}; nothing was committed. Plan again.`,
    );
  }
  const active = new Set(snapshot.files().map((f) => fileKey(f.path, f.deletionVector)));
  const gone = removed.find((f) => !active.has(fileKey(f.path, f.deletionVector)));
  if (gone) {
    throw new ConcurrentDeleteReadError(
      'ConcurrentDeleteRead',
      snapshot.version,
      `file ${gone.path} rewritten by OPTIMIZE was removed or changed after version ${plan.readVersion}; nothing was committed. Plan again.`,
    );
  }
}

async function deleteFiles(snapshot: Snapshot, adds: readonly AddFile[]): Promise<void> {
  await snapshot.store.deleteMany(adds.map((a) => decodeURIComponent(a.path))).catch(() => undefined);
}

/** Commit the bins that ran (`results`) on top of `snapshot` (at or after plan.readVersion). */
export async function commitOptimize(
  snapshot: Snapshot,
  plan: OptimizePlan,
  results: readonly BinResult[],
  opts: OptimizeOptions & { timings?: Omit<Timings, 'commitMs'> } = {},
): Promise<OptimizeResult> {
  const elapsed = stopwatch();
  await snapshot.loadFiles();
  const timings = { planningMs: 0, rewriteMs: 0, ...opts.timings, commitMs: 0 };
  const planned = new Set(plan.bins.map((b) => b.id));
  const unknown = results.find((r) => !planned.has(r.binId));
  if (unknown) throw new InvalidArgumentError(`bin result ${unknown.binId} is not a bin of this plan`);
  if (new Set(results.map((r) => r.binId)).size !== results.length)
    throw new InvalidArgumentError('commitOptimize got the same bin result twice');
  const partial = results.length < plan.bins.length || plan.binsDeferred > 0;
  const removed = results.flatMap((r) => r.removed);
  const adds = results.flatMap((r) => r.adds);
  if (removed.length === 0) {
    await deleteFiles(snapshot, adds);
    const metrics = optimizeMetrics(plan, [], timings);
    return { version: snapshot.version, noop: true, partial, metrics, conflictsRetried: 0, snapshot };
  }
  try {
    assertWritable(snapshot.protocol, snapshot.metadata);
    checkBase(snapshot, plan, removed);
  } catch (err) {
    await deleteFiles(snapshot, adds);
    throw err;
  }
  const now = snapshot.engine.clock.now();
  const metrics = optimizeMetrics(plan, results, timings);
  const req: CommitRequest = {
    actions: [
      ...removed.map((f): Action => ({ remove: removeOf(f, now) })),
      ...adds.map((a): Action => ({ add: { ...a, dataChange: false } })),
    ],
    operation: 'OPTIMIZE',
    operationParameters: {
      predicate: JSON.stringify(plan.predicate),
      zOrderBy: JSON.stringify(plan.context.zOrderBy),
    },
    operationMetrics: commitMetrics(metrics),
    isBlindAppend: false,
    read: { files: removed.map((f) => f.path) },
    isolation: opts.isolation,
    userMetadata: opts.userMetadata,
  };
  let outcome;
  try {
    outcome = await commitTransaction(snapshot.engine, snapshot, req, opts);
  } catch (err) {
    // A commit that may have landed references the files: keep them (at worst orphans for VACUUM).
    if (!(err instanceof CommitOutcomeUnknownError)) await deleteFiles(snapshot, adds);
    throw err;
  }
  metrics.commitMs = elapsed();
  if (opts.postCommitHooks !== false) await runPostCommitHooks(outcome.snapshot);
  return {
    version: outcome.version,
    noop: false,
    partial,
    metrics,
    conflictsRetried: outcome.conflictsRetried,
    snapshot: outcome.snapshot,
  };
}
