/**
 * DELETE FROM table [WHERE predicate], as Delta Spark's DeleteCommand: files whose partition
 * values satisfy a partition-only predicate (or every file, without a predicate) are removed
 * unread; otherwise the candidate files left after partition and stats pruning are scanned and
 * the matching rows are marked in deletion vectors (tables with delta.enableDeletionVectors)
 * or the files holding them are rewritten without them. See ops/dml for the machinery.
 */
import type { Expression } from '../../expr/index.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { runDml, type DmlMetrics, type DmlOptions, type DmlOutcome } from '../dml/index.js';

export type DeleteOptions = DmlOptions;

export interface DeleteMetrics extends Omit<DmlMetrics, 'numMatchedRows'> {
  numDeletedRows: number;
}

export interface DeleteResult extends Omit<DmlOutcome, 'metrics'> {
  metrics: DeleteMetrics;
}

/** Delete the rows of `snapshot` matching `predicate` (every row when it is undefined). */
export async function deleteRows(
  snapshot: Snapshot,
  predicate?: Expression | string,
  opts: DeleteOptions = {},
): Promise<DeleteResult> {
  const outcome = await runDml(snapshot, { operation: 'DELETE', predicate }, opts);
  const { numMatchedRows, ...rest } = outcome.metrics;
  return { ...outcome, metrics: { ...rest, numDeletedRows: numMatchedRows } };
}
