/**
 * DELETE FROM table [WHERE predicate], as Delta Spark's DeleteCommand: plan (plan.ts: whole
 * files removed unread, candidate files to scan) -> execute (ops/dml: matching rows marked in
 * deletion vectors on tables with delta.enableDeletionVectors, else the files holding them
 * rewritten without them; `delete` rows to the change data feed) -> commit (one transaction).
 */
import type { Expression } from '../../expr/index.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { stopwatch } from '../../util/clock.js';
import { commitDml, executeDmlPlan } from '../dml/index.js';
import { planDelete } from './plan.js';
import type { DeleteOptions, DeleteResult } from './types.js';

export { planDelete };
export type { DeleteMetrics, DeleteOptions, DeleteResult } from './types.js';

/** Delete the rows of `snapshot` matching `predicate` (every row when it is undefined). */
export async function deleteRows(
  snapshot: Snapshot,
  predicate?: Expression | string,
  opts: DeleteOptions = {},
): Promise<DeleteResult> {
  const elapsed = stopwatch();
  await snapshot.loadFiles();
  const plan = planDelete(snapshot, predicate, opts);
  const results = await executeDmlPlan(snapshot, plan, opts);
  const outcome = await commitDml(snapshot, plan, results, { ...opts, elapsed });
  const { numMatchedRows, ...rest } = outcome.metrics;
  return { ...outcome, metrics: { ...rest, numDeletedRows: numMatchedRows } };
}
