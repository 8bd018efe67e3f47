/**
 * Commit a DELETE/UPDATE: one commit with the removes of every touched (or wholly deleted)
 * file, the new data files, re-adds of files with their new deletion vector, and the change
 * data files. The read set is what Spark's transaction records: the statement's predicate
 * (files a concurrent writer adds that it matches conflict, except blind appends under
 * WriteSerializable) and every candidate file (a concurrent remove of one is
 * ConcurrentDeleteRead). Without a logical conflict the commit retries by itself. A failed
 * commit deletes the objects written (unless it may have landed).
 */
import { commitTransaction, type CommitRequest, type TxnKey } from '../../transaction/index.js';
import { runPostCommitHooks } from '../../transaction/index.js';
import { CommitOutcomeUnknownError, InvalidArgumentError } from '../../errors.js';
import type { BoundExpression } from '../../expr/index.js';
import type { Action, AddFile } from '../../protocol/actions.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { stopwatch } from '../../util/clock.js';
import { removeOf } from '../optimize/commit.js';
import { sumCounters } from './counters.js';
import { commitMetrics, wholeFileRows } from './metrics.js';
import { bindPredicate } from './plan.js';
import type { DmlMetrics, DmlOptions, DmlOutcome, DmlPlan, DmlResult } from './types.js';

const TRUE: BoundExpression = { kind: 'literal', value: true, type: { type: 'boolean' } };

async function deleteWritten(snapshot: Snapshot, results: readonly DmlResult[]): Promise<void> {
  await snapshot.store.deleteMany(results.flatMap((r) => r.written)).catch(() => undefined);
}

function isolationOf(snapshot: Snapshot, opts: DmlOptions): DmlOptions['isolation'] {
  if (opts.isolation) return opts.isolation;
  return snapshot.properties['delta.isolationLevel']?.toLowerCase() === 'serializable' ? 'Serializable' : undefined;
}

/** The metrics of the whole statement: the groups' counters plus the files removed unread. */
export function dmlMetrics(plan: DmlPlan, results: readonly DmlResult[], elapsedMs: number): DmlMetrics {
  const c = sumCounters(results.map((r) => r.counters));
  c.numRemovedFiles += plan.removeWhole.length;
  c.numRemovedBytes += plan.removeWhole.reduce((n, f) => n + (Number(f.size) || 0), 0);
  c.numDeletionVectorsRemoved += plan.removeWhole.filter((f) => f.deletionVector).length;
  c.numMatchedRows += wholeFileRows(plan.removeWhole) ?? 0;
  return { ...c, ...plan.skipping, executionTimeMs: elapsedMs, commitMs: 0 };
}

/** What a statement adds to the shared commit: its commitInfo parameters and metrics, read filter and extra actions. */
export interface DmlCommitParts {
  operationParameters: Record<string, string>;
  operationMetrics: Record<string, number>;
  /** The read set's predicate over the table's columns (undefined: every row). */
  readPredicate: BoundExpression | undefined;
  /** Actions before the file actions (e.g. MERGE's schema-evolution metaData). */
  leading?: Action[];
  /** Idempotency key committed with the actions (the change-stream route's object version). */
  txn?: TxnKey;
  /** App ids whose concurrent txns invalidate this commit (CommitRequest.readTxns). */
  readTxns?: readonly string[];
}

function dmlParts(snapshot: Snapshot, plan: DmlPlan, metrics: DmlMetrics): DmlCommitParts {
  const ctx = plan.context;
  return {
    operationParameters: { predicate: JSON.stringify(ctx.predicate !== undefined ? [ctx.predicate] : []) },
    operationMetrics: commitMetrics(ctx.operation, metrics, plan),
    readPredicate: bindPredicate(snapshot, ctx.predicate),
  };
}

function request(
  snapshot: Snapshot,
  plan: DmlPlan,
  results: readonly DmlResult[],
  parts: DmlCommitParts,
  opts: DmlOptions,
): CommitRequest {
  const now = snapshot.engine.clock.now();
  const removed: AddFile[] = [...plan.removeWhole, ...results.flatMap((r) => r.removed)];
  const actions: Action[] = [
    ...(parts.leading ?? []),
    ...removed.map((f): Action => ({ remove: { ...removeOf(f, now), dataChange: true } })),
    ...results.flatMap((r) => r.added.map((add): Action => ({ add }))),
    ...results.flatMap((r) => r.cdc.map((cdc): Action => ({ cdc }))),
  ];
  return {
    actions,
    operation: plan.context.operation,
    operationParameters: parts.operationParameters,
    operationMetrics: parts.operationMetrics,
    isBlindAppend: false,
    read: {
      predicates: [parts.readPredicate ?? TRUE],
      files: [...plan.removeWhole, ...plan.files.map((f) => f.add)].map((f) => f.path),
    },
    isolation: isolationOf(snapshot, opts),
    userMetadata: opts.userMetadata,
    ...(parts.txn ? { txn: parts.txn } : {}),
    ...(parts.readTxns?.length ? { readTxns: parts.readTxns } : {}),
  };
}

/** Commit the executed groups of `plan` on `snapshot` (the snapshot the plan was made from). */
export async function commitDml(
  snapshot: Snapshot,
  plan: DmlPlan,
  results: readonly DmlResult[],
  opts: DmlOptions & { elapsed?: () => number } = {},
): Promise<DmlOutcome> {
  return commitDmlWith(snapshot, plan, results, (metrics) => dmlParts(snapshot, plan, metrics), opts);
}

/**
 * commitDml with the statement's own commitInfo and read filter (`parts`, given the summed
 * metrics): MERGE commits through here. Nothing changed (no file removed or added, no
 * leading action): no commit.
 */
export async function commitDmlWith(
  snapshot: Snapshot,
  plan: DmlPlan,
  results: readonly DmlResult[],
  parts: (metrics: DmlMetrics) => DmlCommitParts,
  opts: DmlOptions & { elapsed?: () => number } = {},
): Promise<DmlOutcome> {
  const elapsed = opts.elapsed ?? stopwatch();
  if (snapshot.version !== plan.readVersion) {
    await deleteWritten(snapshot, results);
    throw new InvalidArgumentError(
      `commitDml got snapshot version ${snapshot.version}, but the plan was made at version ${plan.readVersion}; commit on the plan's snapshot`,
    );
  }
  opts.onProgress?.({
    phase: 'committing',
    filesDone: plan.files.length,
    filesTotal: plan.files.length,
    rowsMatched: 0,
  });
  const metrics = dmlMetrics(plan, results, elapsed());
  const p = parts(metrics);
  const changes =
    (p.leading?.length ?? 0) +
    (p.txn ? 1 : 0) +
    plan.removeWhole.length +
    results.reduce((n, r) => n + r.removed.length + r.added.length, 0);
  if (changes === 0) {
    await deleteWritten(snapshot, results);
    return { version: snapshot.version, noop: true, metrics, conflictsRetried: 0, snapshot };
  }
  const committing = stopwatch();
  let outcome;
  try {
    outcome = await commitTransaction(snapshot.engine, snapshot, request(snapshot, plan, results, p, opts), opts);
  } catch (err) {
    if (!(err instanceof CommitOutcomeUnknownError)) await deleteWritten(snapshot, results);
    throw err;
  }
  metrics.commitMs = committing();
  metrics.executionTimeMs = elapsed();
  if (outcome.skipped) {
    // The txn was already in the table (a redelivery): nothing of ours landed.
    await deleteWritten(snapshot, results);
    const base = { version: outcome.version, noop: true, metrics, conflictsRetried: outcome.conflictsRetried };
    return { ...base, skipped: true, snapshot: outcome.snapshot };
  }
  const postCommit = opts.postCommitHooks === false ? undefined : await runPostCommitHooks(outcome.snapshot);
  return {
    version: outcome.version,
    noop: false,
    metrics,
    conflictsRetried: outcome.conflictsRetried,
    snapshot: outcome.snapshot,
    postCommit,
  };
}
