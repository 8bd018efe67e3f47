/**
 * commitInfo.operationMetrics of DELETE and UPDATE, named and shaped as Delta Spark's
 * (DeltaOperationMetrics.DELETE / UPDATE, with its deletion-vector transform: "added" and
 * "removed" include the vectors "updated").
 */
import { parseStatsJson } from '../../protocol/stats-json.js';
import type { AddFile } from '../../protocol/actions.js';
import type { DmlMetrics, DmlOperation, DmlPlan } from './types.js';

/** Live rows of files removed unread (Spark's metrics from metadata), or undefined without stats. */
export function wholeFileRows(files: readonly AddFile[]): number | undefined {
  let n = 0;
  for (const f of files) {
    const records = f.stats ? parseStatsJson(f.stats)?.numRecords : undefined;
    if (typeof records !== 'number') return undefined;
    n += records - Number(f.deletionVector?.cardinality ?? 0);
  }
  return n;
}

export function commitMetrics(op: DmlOperation, m: DmlMetrics, plan: DmlPlan): Record<string, number> {
  const common = {
    numAddedFiles: m.numAddedFiles,
    numRemovedFiles: m.numRemovedFiles,
    numAddedChangeFiles: m.numAddedChangeFiles,
    numDeletionVectorsAdded: m.numDeletionVectorsAdded + m.numDeletionVectorsUpdated,
    numDeletionVectorsRemoved: m.numDeletionVectorsRemoved + m.numDeletionVectorsUpdated,
    numDeletionVectorsUpdated: m.numDeletionVectorsUpdated,
    numCopiedRows: m.numCopiedRows,
    executionTimeMs: m.executionTimeMs,
    scanTimeMs: m.scanTimeMs,
    rewriteTimeMs: m.rewriteTimeMs,
    numRemovedBytes: m.numRemovedBytes,
    numAddedBytes: m.numAddedBytes,
  };
  if (op !== 'DELETE') return { ...common, numUpdatedRows: m.numMatchedRows };
  const out: Record<string, number> = { ...common, numDeletedRows: m.numMatchedRows };
  // As Spark: a metadata-only delete whose row count is unknown (files without stats) reports no row metrics.
  if (plan.files.length === 0 && plan.removeWhole.length > 0 && wholeFileRows(plan.removeWhole) === undefined) {
    delete out.numDeletedRows;
    delete out.numCopiedRows;
    delete out.numAddedFiles;
  }
  return out;
}
