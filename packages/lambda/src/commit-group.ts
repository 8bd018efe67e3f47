/**
 * One commit per table per batch, exactly once per source object version. Every staged
 * object contributes its adds plus a `txn` action (appId = its version's id) to a single
 * commit. Idempotency is enforced by the Delta log itself:
 * - ids already in the snapshot were dropped before staging (see ingest-run.ts);
 * - when the commit loses a race and a winner holds some of our ids (a concurrent
 *   invocation ingested the same object), commitTransaction throws TxnsAlreadyAppliedError:
 *   those objects are dropped (their files deleted) and the rest retried on the new state;
 * - other conflicts (table created or schema changed concurrently) rebuild the commit on the
 *   latest snapshot; objects whose files no longer fit fail alone.
 */
import {
  CommitConflictError,
  CommitOutcomeUnknownError,
  SchemaMismatchError,
  TxnsAlreadyAppliedError,
  type Action,
  type ObjectStore,
  type Snapshot,
  type StructType,
} from '@delta-serverless/core';
import {
  commitTransaction,
  foldStagedSchema,
  layoutActions,
  loadSnapshot,
  runPostCommitHooks,
  createEngine,
} from '@delta-serverless/core/internal';
import type { Route } from './routes.js';
import type { StagedObject } from './stage-object.js';

/** Table properties of tables the handler creates. */
export const INGEST_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  // Longer than SQS's maximum retention (14 days) plus DLQ redrive: a txn must outlive every
  // possible redelivery of its message, or a late duplicate would be ingested again.
  'delta.setTransactionRetentionDuration': 'interval 30 days',
};

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
}

async function dropFiles(store: ObjectStore, obj: StagedObject): Promise<void> {
  if (!obj.owned || obj.files.adds.length === 0) return;
  await store.deleteMany(obj.files.adds.map((a) => decodeURIComponent(a.path))).catch(() => undefined);
}

/** Commit the staged objects of one table; every object gets an outcome. */
// eslint-disable-next-line max-lines-per-function -- split by #18's restructure of packages/lambda (lands next)
export async function commitGroup(opts: CommitGroupOptions): Promise<GroupCommitResult> {
  const { store, route } = opts;
  const outcomes = new Map<string, ObjectOutcome>();
  const result: GroupCommitResult = { outcomes, conflicts: 0, latencyMs: 0, rows: 0, files: 0, bytes: 0 };
  let base = opts.base;
  let pending = [...opts.staged];
  const fail = async (obj: StagedObject, error: Error, keepFiles = false) => {
    outcomes.set(obj.appId, { status: 'failed', error });
    if (!keepFiles) await dropFiles(store, obj);
  };
  const started = Date.now();
  for (let rebuild = 0; pending.length > 0; rebuild++) {
    if (base && JSON.stringify(base.partitionColumns) !== JSON.stringify(opts.partitionColumns)) {
      // Created concurrently with another partitioning: restage on redelivery.
      const err = new SchemaMismatchError(
        `${store.root} is partitioned by [${base.partitionColumns.join(', ')}] but the objects were staged for ` +
          `[${opts.partitionColumns.join(', ')}] (the table was created concurrently); retry`,
      );
      for (const o of pending) await fail(o, err);
      break;
    }
    // Fold every object's file schema into the table schema, in batch order.
    let schema: StructType | undefined = base?.schema;
    const included: StagedObject[] = [];
    for (const o of pending) {
      if (!o.files.schema) {
        outcomes.set(o.appId, { status: 'empty' }); // empty object and no table yet: nothing to record
        continue;
      }
      try {
        schema = schema ? foldStagedSchema(schema, o.files.schema, route.schemaMode === 'merge') : o.files.schema;
        included.push(o);
      } catch (err) {
        if (!(err instanceof SchemaMismatchError)) throw err;
        await fail(o, err);
      }
    }
    pending = included;
    if (pending.length === 0 || !schema) break;

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
    try {
      const out = await commitTransaction(
        base?.engine ?? createEngine(store),
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
        { onConflict: () => result.conflicts++ },
      );
      for (const o of pending) outcomes.set(o.appId, { status: 'committed', version: out.version });
      Object.assign(result, { version: out.version, snapshot: out.snapshot, rows, files: adds.length, bytes });
      await runPostCommitHooks(out.snapshot);
      break;
    } catch (err) {
      if (err instanceof TxnsAlreadyAppliedError) {
        // Exactly once: whoever committed these ids first owns them; drop ours.
        const done = new Set(err.appIds);
        for (const o of pending.filter((x) => done.has(x.appId))) {
          outcomes.set(o.appId, { status: 'duplicate', version: err.snapshot.version });
          await dropFiles(store, o);
        }
        pending = pending.filter((x) => !done.has(x.appId));
        base = err.snapshot;
        result.conflicts++;
      } else if (err instanceof CommitConflictError && rebuild < (opts.maxRebuilds ?? 5)) {
        base = await loadSnapshot(base?.engine ?? createEngine(store)); // created or altered concurrently: rebuild on what is there now
        for (const o of pending.filter((x) => base!.txn(x.appId))) {
          outcomes.set(o.appId, { status: 'duplicate', version: base.version });
          await dropFiles(store, o);
        }
        pending = pending.filter((x) => !base!.txn(x.appId));
      } else {
        // The commit may have landed when its outcome is unknown: keep the files (at worst orphans
        // for VACUUM); the redelivered messages find their txns and are skipped.
        const keep = err instanceof CommitOutcomeUnknownError;
        for (const o of pending) await fail(o, err as Error, keep);
        break;
      }
    }
  }
  result.latencyMs = Date.now() - started;
  return result;
}
