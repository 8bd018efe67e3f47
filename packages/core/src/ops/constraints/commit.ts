/**
 * ADD / DROP CONSTRAINT's commit: protocol (if upgraded) and metadata in one transaction,
 * then the post-commit hooks. ADD depends on every row it checked, so it reads the whole
 * table: a concurrent commit that adds or removes rows makes it fail rather than commit a
 * constraint the new rows were never checked against.
 */
import type { Action } from '../../protocol/actions.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { commitTransaction, runPostCommitHooks, type CommitOptions } from '../../transaction/index.js';
import type { ConstraintCheck, ConstraintPlan, ConstraintResult } from './types.js';

export async function commitConstraint(
  latest: Snapshot,
  plan: ConstraintPlan,
  opts: CommitOptions = {},
  check?: ConstraintCheck,
): Promise<ConstraintResult> {
  const base = { name: plan.name, expression: plan.expression, ...(check ? { check } : {}) };
  if (!plan.metadata)
    return { ...base, changed: false, version: latest.version, skipped: true, conflictsRetried: 0, snapshot: latest };
  const actions: Action[] = [];
  if (plan.kind === 'add' && plan.protocol) actions.push({ protocol: plan.protocol });
  actions.push({ metaData: plan.metadata });
  const outcome = await commitTransaction(
    latest.engine,
    latest,
    {
      actions,
      operation: plan.kind === 'add' ? 'ADD CONSTRAINT' : 'DROP CONSTRAINT',
      operationParameters: { name: plan.name, expr: plan.expression },
      isBlindAppend: false,
      ...(plan.kind === 'add' ? { read: { wholeTable: true } } : {}),
    },
    opts,
  );
  const postCommit = outcome.skipped ? undefined : await runPostCommitHooks(outcome.snapshot);
  return { ...base, ...outcome, changed: true, postCommit };
}
