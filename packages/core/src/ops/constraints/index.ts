/**
 * ALTER TABLE ADD CONSTRAINT / DROP CONSTRAINT (CHECK constraints, `delta.constraints.<name>`):
 * plan (pure) -> check the existing rows (ADD) -> commit.
 */
import type { Snapshot } from '../../snapshot/snapshot.js';
import { commitConstraint } from './commit.js';
import { assertNoViolations, checkExistingRows } from './execute.js';
import { checkConstraintsOf, planAddConstraint, planDropConstraint } from './plan.js';
import type { AddConstraintOptions, ConstraintResult, DropConstraintOptions } from './types.js';

export { planAddConstraint, planDropConstraint, checkConstraintsOf, checkExistingRows, commitConstraint };
export type {
  AddConstraintOptions,
  AddConstraintPlan,
  ConstraintCheck,
  ConstraintPlan,
  ConstraintResult,
  DropConstraintOptions,
  DropConstraintPlan,
} from './types.js';

/** Add CHECK constraint `name` on `latest`, after checking every existing row satisfies it. */
export async function addConstraint(
  latest: Snapshot,
  name: string,
  expression: string,
  opts: AddConstraintOptions = {},
): Promise<ConstraintResult> {
  const plan = planAddConstraint(latest, name, expression);
  const check = await checkExistingRows(await latest.loadFiles(), plan);
  assertNoViolations(plan, check, latest.uri);
  return commitConstraint(latest, plan, opts, check);
}

/** Drop CHECK constraint `name` (any case) from `latest`. */
export async function dropConstraint(
  latest: Snapshot,
  name: string,
  opts: DropConstraintOptions = {},
): Promise<ConstraintResult> {
  return commitConstraint(latest, planDropConstraint(latest, name, opts), opts);
}
