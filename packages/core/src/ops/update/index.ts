/**
 * UPDATE table SET col = expr [, ...] [WHERE predicate], as Delta Spark's UpdateCommand: plan
 * (plan.ts) -> execute (ops/dml: the files holding matching rows are rewritten with the new
 * values, or, on tables with deletion vectors, the matching rows are marked deleted and their
 * new versions written to new files; `update_preimage`/`update_postimage` rows to the change
 * data feed) -> commit (one transaction). New values are converted as Spark's ANSI store
 * assignment (ops/dml/assign.ts) and obey NOT NULL columns and CHECK constraints.
 */
import type { Snapshot } from '../../snapshot/snapshot.js';
import { stopwatch } from '../../util/clock.js';
import { commitDml, executeDmlPlan } from '../dml/index.js';
import { planUpdate } from './plan.js';
import type { UpdateOptions, UpdateResult, UpdateSpec } from './types.js';

export { planUpdate };
export { parseSetClause } from './set-clause.js';
export type { UpdateMetrics, UpdateOptions, UpdateResult, UpdateSpec } from './types.js';

/** Update the rows of `snapshot` matching `spec.where` (every row when absent). */
export async function updateRows(
  snapshot: Snapshot,
  spec: UpdateSpec,
  opts: UpdateOptions = {},
): Promise<UpdateResult> {
  const elapsed = stopwatch();
  await snapshot.loadFiles();
  const plan = planUpdate(snapshot, spec, opts);
  const results = await executeDmlPlan(snapshot, plan, opts);
  const outcome = await commitDml(snapshot, plan, results, { ...opts, elapsed });
  const { numMatchedRows, ...rest } = outcome.metrics;
  return { ...outcome, metrics: { ...rest, numUpdatedRows: numMatchedRows } };
}
