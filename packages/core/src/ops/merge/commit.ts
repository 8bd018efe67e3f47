/**
 * MERGE's commit through ops/dml's (`commitDmlWith`): operation MERGE with Spark's
 * operationParameters (`predicate`, `matchedPredicates`, `notMatchedPredicates`,
 * `notMatchedBySourcePredicates`) and operationMetrics (DeltaOperationMetrics.MERGE), the
 * schema-evolution metaData in the same commit, and the read set of DELETE/UPDATE: the
 * candidate files and the pruning filter (a concurrent append into the merged key range
 * conflicts; every row when a notMatchedBySource clause made every file a candidate).
 */
import type { Action } from '../../protocol/actions.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { TxnKey } from '../../transaction/index.js';
import { bindPredicate, commitDmlWith, type DmlCommitParts } from '../dml/index.js';
import type { DmlMetrics, DmlOptions, DmlOutcome } from '../dml/types.js';
import type { MergeGroupResult } from './execute.js';
import type { MergePlan } from './plan.js';
import type { MergeClauseKind, MergeRowCounts, MergeSpec } from './types.js';

/** Spark's MERGE operationMetrics. */
export interface MergeMetrics {
  numSourceRows: number;
  numTargetRowsInserted: number;
  numTargetRowsUpdated: number;
  numTargetRowsMatchedUpdated: number;
  numTargetRowsNotMatchedBySourceUpdated: number;
  numTargetRowsDeleted: number;
  numTargetRowsMatchedDeleted: number;
  numTargetRowsNotMatchedBySourceDeleted: number;
  numTargetRowsCopied: number;
  numOutputRows: number;
  numTargetFilesAdded: number;
  numTargetFilesRemoved: number;
  numTargetChangeFilesAdded: number;
  numTargetChangeFileBytes: number;
  numTargetBytesAdded: number;
  numTargetBytesRemoved: number;
  numTargetDeletionVectorsAdded: number;
  numTargetDeletionVectorsRemoved: number;
  numTargetDeletionVectorsUpdated: number;
  /** Target files and bytes before and after pruning (MergeIntoCommand's skipping metrics). */
  numTargetFilesBeforeSkipping: number;
  numTargetBytesBeforeSkipping: number;
  numTargetFilesAfterSkipping: number;
  numTargetBytesAfterSkipping: number;
  /** Partitioned tables only. */
  numTargetPartitionsAfterSkipping?: number;
  executionTimeMs: number;
  scanTimeMs: number;
  rewriteTimeMs: number;
}

export function mergeMetrics(m: DmlMetrics, rows: MergeRowCounts, numSourceRows: number): MergeMetrics {
  const updated = rows.matchedUpdated + rows.notMatchedBySourceUpdated;
  return {
    numSourceRows,
    numTargetRowsInserted: rows.inserted,
    numTargetRowsUpdated: updated,
    numTargetRowsMatchedUpdated: rows.matchedUpdated,
    numTargetRowsNotMatchedBySourceUpdated: rows.notMatchedBySourceUpdated,
    numTargetRowsDeleted: rows.matchedDeleted + rows.notMatchedBySourceDeleted,
    numTargetRowsMatchedDeleted: rows.matchedDeleted,
    numTargetRowsNotMatchedBySourceDeleted: rows.notMatchedBySourceDeleted,
    numTargetRowsCopied: m.numCopiedRows,
    numOutputRows: rows.inserted + updated + m.numCopiedRows,
    numTargetFilesAdded: m.numAddedFiles,
    numTargetFilesRemoved: m.numRemovedFiles,
    numTargetChangeFilesAdded: m.numAddedChangeFiles,
    numTargetChangeFileBytes: m.changeFileBytes,
    numTargetBytesAdded: m.numAddedBytes,
    numTargetBytesRemoved: m.numRemovedBytes,
    // As Spark's deletion-vector transform: "added" and "removed" include the vectors "updated".
    numTargetDeletionVectorsAdded: m.numDeletionVectorsAdded + m.numDeletionVectorsUpdated,
    numTargetDeletionVectorsRemoved: m.numDeletionVectorsRemoved + m.numDeletionVectorsUpdated,
    numTargetDeletionVectorsUpdated: m.numDeletionVectorsUpdated,
    numTargetFilesBeforeSkipping: m.numFilesBeforeSkipping,
    numTargetBytesBeforeSkipping: m.numBytesBeforeSkipping,
    numTargetFilesAfterSkipping: m.numFilesAfterSkipping,
    numTargetBytesAfterSkipping: m.numBytesAfterSkipping,
    ...(m.numPartitionsAfterSkipping !== undefined
      ? { numTargetPartitionsAfterSkipping: m.numPartitionsAfterSkipping }
      : {}),
    executionTimeMs: m.executionTimeMs,
    scanTimeMs: m.scanTimeMs,
    rewriteTimeMs: m.rewriteTimeMs,
  };
}

export function sumRowCounts(all: readonly MergeRowCounts[]): MergeRowCounts {
  const out: MergeRowCounts = {
    inserted: 0,
    matchedUpdated: 0,
    matchedDeleted: 0,
    notMatchedBySourceUpdated: 0,
    notMatchedBySourceDeleted: 0,
  };
  for (const r of all) for (const k of Object.keys(out) as (keyof MergeRowCounts)[]) out[k] += r[k];
  return out;
}

function predicates(spec: MergeSpec, kind: MergeClauseKind): string {
  return JSON.stringify(
    spec.clauses
      .filter((c) => c.kind === kind)
      .map((c) => ({ actionType: c.action, ...(c.condition !== undefined ? { predicate: c.condition } : {}) })),
  );
}

export interface MergeCommitOptions extends DmlOptions {
  elapsed?: () => number;
  txn?: TxnKey;
  /** App ids whose concurrent txns invalidate this merge (CommitRequest.readTxns). */
  readTxns?: readonly string[];
  /**
   * txn actions committed with the merge as marks, not idempotency keys: a concurrent
   * transaction that lists their appId in `readTxns` conflicts with this commit.
   */
  marks?: readonly TxnKey[];
}

export interface MergeOutcome extends Omit<DmlOutcome, 'metrics'> {
  metrics: MergeMetrics;
}

/** Commit the executed merge of `plan` on `snapshot` (the snapshot the plan was made from). */
export async function commitMerge(
  snapshot: Snapshot,
  plan: MergePlan,
  results: readonly MergeGroupResult[],
  numSourceRows: number,
  opts: MergeCommitOptions = {},
): Promise<MergeOutcome> {
  const rows = sumRowCounts(results.map((r) => r.rows));
  const spec = plan.merge.spec;
  const now = snapshot.engine.clock.now();
  const leading: Action[] = [
    ...(plan.merge.evolved ? [{ metaData: plan.merge.evolved }] : []),
    ...(opts.marks ?? []).map((m): Action => ({ txn: { ...m, lastUpdated: now } })),
  ];
  const parts = (m: DmlMetrics): DmlCommitParts => ({
    operationParameters: {
      predicate: JSON.stringify([spec.on]),
      matchedPredicates: predicates(spec, 'matched'),
      notMatchedPredicates: predicates(spec, 'notMatched'),
      notMatchedBySourcePredicates: predicates(spec, 'notMatchedBySource'),
    },
    operationMetrics: { ...mergeMetrics(m, rows, numSourceRows) },
    readPredicate: bindPredicate(snapshot, plan.merge.pruning),
    leading,
    ...(opts.txn ? { txn: opts.txn } : {}),
    readTxns: opts.readTxns,
  });
  const outcome = await commitDmlWith(snapshot, plan, results, parts, opts);
  return { ...outcome, metrics: mergeMetrics(outcome.metrics, rows, numSourceRows) };
}
