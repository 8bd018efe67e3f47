/**
 * One commit per table per batch, exactly once per upload. Every staged object contributes
 * its adds plus a `txn` action (appId = its upload's id) to a single commit. Idempotency is
 * enforced by the Delta log itself:
 * - ids already in the snapshot were dropped before staging (see group.ts);
 * - when the commit loses a race and a winner holds some of our ids (a concurrent
 *   invocation ingested the same object), commitTransaction throws TxnsAlreadyAppliedError:
 *   those objects are dropped (their files deleted) and the rest retried on the new state;
 * - other conflicts (table created or schema changed concurrently) rebuild the commit on the
 *   latest snapshot; objects whose files no longer fit fail alone.
 * Everything stops at `deadline`: lost races are retried until then, and a commit that has
 * not landed by then fails its objects (their messages go back to the queue) while the
 * invocation still has time to report.
 */
import {
  CommitConflictError,
  CommitFailedError,
  CommitOutcomeUnknownError,
  SchemaMismatchError,
  TxnsAlreadyAppliedError,
  type Action,
  type ObjectStore,
  type PostCommitResult,
  type Snapshot,
  type StructType,
} from '@delta-serverless/core';
import {
  commitTransaction,
  createEngine,
  foldStagedSchema,
  layoutActions,
  loadSnapshot,
  runPostCommitHooks,
  type CommitOutcome,
} from '@delta-serverless/core/internal';
import { IngestDeadlineError } from '../errors.js';
import type { Route } from './routes.js';
import type { StagedObject } from './stage-object.js';

/** Table properties of tables the handler creates. */
export const INGEST_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  // Longer than a message can live in the queues (14 days in the ingest queue and its DLQ,
  // counted from the first enqueue) plus one redrive; older events are refused (group.ts).
  'delta.setTransactionRetentionDuration': 'interval 30 days',
};

/** Post-commit checkpoints start only with at least this long left; maintenance does them otherwise. */
export const POST_COMMIT_MIN_MS = 10_000;

export type ObjectOutcome =
  | { status: 'committed'; version: number }
  | { status: 'duplicate'; version: number }
  | { status: 'superseded'; reason: string }
  | { status: 'empty' }
  | { status: 'failed'; error: Error };

export interface GroupCommitResult {
  outcomes: Map<string, ObjectOutcome>;
  /** The version committed (undefined when nothing was). */
  version?: number;
  /** That commit created the table or changed its metadata (schema evolution). */
  metadataChanged?: boolean;
  /** Post-commit hooks of that commit (symlink manifests, checkpoint): errors to report. */
  postCommit?: PostCommitResult;
  snapshot?: Snapshot;
  conflicts: number;
  latencyMs: number;
  rows: number;
  files: number;
  bytes: number;
}

export interface CommitGroupOptions {
  store: ObjectStore;
  base: Snapshot | undefined;
  route: Route;
  staged: StagedObject[];
  /** Partition columns the objects were staged with. */
  partitionColumns: readonly string[];
  /** Rebuilds of the commit after conflicts before giving up (the SQS retry takes over). */
  maxRebuilds?: number;
  invocationId?: string;
  /** Epoch ms after which no commit is attempted or retried (default: core's 120 s retry deadline). */
  deadline?: number;
  /** Deleting an object's staged files failed: they stay as orphans (full VACUUM removes them). */
  onCleanupError?: (err: unknown, paths: readonly string[]) => void;
  /** The post-commit checkpoint or log cleanup failed (the commit stands). */
  onPostCommitError?: (err: Error) => void;
}

/** State of one group commit: what is left to commit, on top of which snapshot. */
interface Attempt {
  base: Snapshot | undefined;
  pending: StagedObject[];
}

async function dropFiles(opts: CommitGroupOptions, obj: StagedObject): Promise<void> {
  if (!obj.owned || obj.files.adds.length === 0) return;
  const paths = obj.files.adds.map((a) => decodeURIComponent(a.path));
  await opts.store.deleteMany(paths).catch((err: unknown) => opts.onCleanupError?.(err, paths));
}

/** Commit the staged objects of one table; every object gets an outcome. */
export async function commitGroup(opts: CommitGroupOptions): Promise<GroupCommitResult> {
  const outcomes = new Map<string, ObjectOutcome>();
  const result: GroupCommitResult = { outcomes, conflicts: 0, latencyMs: 0, rows: 0, files: 0, bytes: 0 };
  const fail = async (objs: readonly StagedObject[], error: Error, keepFiles = false) => {
    for (const o of objs) {
      outcomes.set(o.appId, { status: 'failed', error });
      if (!keepFiles) await dropFiles(opts, o);
    }
  };
  const started = Date.now();
  const attempt: Attempt = { base: opts.base, pending: [...opts.staged] };
  for (let rebuild = 0; attempt.pending.length > 0; rebuild++) {
    if (attempt.base && JSON.stringify(attempt.base.partitionColumns) !== JSON.stringify(opts.partitionColumns)) {
      // Created concurrently with another partitioning: restage on redelivery.
      const err = new SchemaMismatchError(
        `${opts.store.root} is partitioned by [${attempt.base.partitionColumns.join(', ')}] but the objects were staged for ` +
          `[${opts.partitionColumns.join(', ')}] (the table was created concurrently); retry`,
      );
      await fail(attempt.pending, err);
      break;
    }
    const schema = await foldSchemas(opts, attempt, outcomes, fail);
    if (attempt.pending.length === 0 || !schema) break;
    const left = opts.deadline === undefined ? undefined : opts.deadline - Date.now();
    if (left !== undefined && left <= 0) {
      await fail(attempt.pending, deadlineError(opts, result.conflicts));
      break;
    }
    try {
      const out = await commitOnce(opts, attempt, schema, left, () => result.conflicts++);
      for (const o of attempt.pending) outcomes.set(o.appId, { status: 'committed', version: out.outcome.version });
      Object.assign(result, {
        version: out.outcome.version,
        snapshot: out.outcome.snapshot,
        metadataChanged: out.metadataChanged,
        ...out.totals,
      });
      result.postCommit = await postCommit(opts, out.outcome.snapshot);
      break;
    } catch (err) {
      const next = await afterFailedCommit(opts, attempt, err, rebuild, outcomes);
      if (next === 'retry') {
        result.conflicts += err instanceof TxnsAlreadyAppliedError ? 1 : 0;
        continue;
      }
      // The commit may have landed when its outcome is unknown: keep the files (at worst orphans
      // for VACUUM); the redelivered messages find their txns and are skipped.
      const pastDeadline = opts.deadline !== undefined && Date.now() >= opts.deadline;
      const reason = err instanceof CommitFailedError && pastDeadline ? deadlineError(opts, result.conflicts) : err;
      await fail(attempt.pending, reason as Error, err instanceof CommitOutcomeUnknownError);
      break;
    }
  }
  result.latencyMs = Date.now() - started;
  return result;
}

/** Fold every object's file schema into the table schema, in batch order; misfits fail alone. */
async function foldSchemas(
  opts: CommitGroupOptions,
  attempt: Attempt,
  outcomes: Map<string, ObjectOutcome>,
  fail: (objs: readonly StagedObject[], error: Error) => Promise<void>,
): Promise<StructType | undefined> {
  let schema: StructType | undefined = attempt.base?.schema;
  const included: StagedObject[] = [];
  for (const o of attempt.pending) {
    if (!o.files.schema) {
      outcomes.set(o.appId, { status: 'empty' }); // empty object and no table yet: nothing to record
      continue;
    }
    try {
      schema = schema ? foldStagedSchema(schema, o.files.schema, opts.route.schemaMode === 'merge') : o.files.schema;
      included.push(o);
    } catch (err) {
      if (!(err instanceof SchemaMismatchError)) throw err;
      await fail([o], err);
    }
  }
  attempt.pending = included;
  return schema;
}

/** One commitTransaction of the pending objects (it retries lost races until `leftMs` is spent). */
async function commitOnce(
  opts: CommitGroupOptions,
  attempt: Attempt,
  schema: StructType,
  leftMs: number | undefined,
  onConflict: () => void,
): Promise<{
  outcome: CommitOutcome;
  metadataChanged: boolean;
  totals: { rows: number; files: number; bytes: number };
}> {
  const { base, pending } = attempt;
  const layout = layoutActions(base ? { protocol: base.protocol, metadata: base.metadata } : undefined, schema, {
    partitionColumns: opts.partitionColumns,
    properties: { ...INGEST_TABLE_PROPERTIES },
  });
  const adds = pending.flatMap((o) => o.files.adds);
  const rows = pending.reduce((n, o) => n + o.files.numOutputRows, 0);
  const bytes = pending.reduce((n, o) => n + o.files.numOutputBytes, 0);
  const actions: Action[] = [
    ...(layout.protocol ? [{ protocol: layout.protocol }] : []),
    ...(layout.metaData ? [{ metaData: layout.metaData }] : []),
    ...adds.map((add) => ({ add })),
  ];
  const outcome = await commitTransaction(
    base?.engine ?? createEngine(opts.store),
    base,
    {
      actions,
      operation: 'WRITE',
      operationParameters: { mode: 'Append', partitionBy: JSON.stringify(opts.partitionColumns) },
      operationMetrics: { numFiles: adds.length, numOutputRows: rows, numOutputBytes: bytes },
      isBlindAppend: true,
      txns: pending.map((o) => ({ appId: o.appId, version: 1 })),
      userMetadata: JSON.stringify({
        ingest: { objects: pending.length, ...(opts.invocationId ? { invocation: opts.invocationId } : {}) },
      }),
    },
    { onConflict, ...(leftMs !== undefined ? { retry: { deadlineMs: leftMs } } : {}) },
  );
  return { outcome, metadataChanged: !!layout.metaData, totals: { rows, files: adds.length, bytes } };
}

/**
 * After a failed commit: drop the objects a winner already committed and go again ('retry'),
 * or give up ('fail': the caller fails what is pending).
 */
async function afterFailedCommit(
  opts: CommitGroupOptions,
  attempt: Attempt,
  err: unknown,
  rebuild: number,
  outcomes: Map<string, ObjectOutcome>,
): Promise<'retry' | 'fail'> {
  const dropApplied = async (snapshot: Snapshot, applied: (appId: string) => boolean) => {
    for (const o of attempt.pending.filter((x) => applied(x.appId))) {
      outcomes.set(o.appId, { status: 'duplicate', version: snapshot.version });
      await dropFiles(opts, o);
    }
    attempt.pending = attempt.pending.filter((x) => !applied(x.appId));
    attempt.base = snapshot;
  };
  if (err instanceof TxnsAlreadyAppliedError) {
    // Exactly once: whoever committed these ids first owns them; drop ours.
    const done = new Set(err.appIds);
    await dropApplied(err.snapshot, (id) => done.has(id));
    return 'retry';
  }
  if (err instanceof CommitConflictError && rebuild < (opts.maxRebuilds ?? 5)) {
    // Created or altered concurrently: rebuild on what is there now.
    const latest = await loadSnapshot(createEngine(opts.store), undefined, { lazyFiles: true });
    await dropApplied(latest, (id) => latest.txn(id) !== undefined);
    return 'retry';
  }
  return 'fail';
}

/** Checkpoint and log cleanup after the commit, when the invocation has time for them. */
async function postCommit(opts: CommitGroupOptions, snapshot: Snapshot): Promise<PostCommitResult | undefined> {
  if (opts.deadline !== undefined && opts.deadline - Date.now() < POST_COMMIT_MIN_MS) return undefined;
  const hooks = await runPostCommitHooks(snapshot);
  if (hooks.error) opts.onPostCommitError?.(hooks.error);
  return hooks;
}

function deadlineError(opts: CommitGroupOptions, conflicts: number): Error {
  return new IngestDeadlineError(
    `could not commit to ${opts.store.root} before the invocation's deadline (${conflicts} lost races); ` +
      'nothing was committed for these objects and their messages go back to the queue',
  );
}
