/** SET TBLPROPERTIES' commit: protocol (if upgraded) and metadata in one transaction, then the post-commit hooks. */
import type { Action } from '../../protocol/actions.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import {
  commitTransaction,
  runPostCommitHooks,
  type CommitOptions,
  type CommitOutcome,
  type PostCommitResult,
} from '../../transaction/index.js';
import type { SetPropertiesPlan } from './plan.js';

export interface SetPropertiesResult extends CommitOutcome {
  postCommit?: PostCommitResult;
}

export async function commitSetProperties(
  latest: Snapshot,
  plan: SetPropertiesPlan,
  opts: CommitOptions = {},
): Promise<SetPropertiesResult> {
  const actions: Action[] = [...(plan.protocol ? [{ protocol: plan.protocol }] : []), { metaData: plan.metadata }];
  const outcome = await commitTransaction(
    latest.engine,
    latest,
    {
      actions,
      operation: 'SET TBLPROPERTIES',
      operationParameters: { properties: JSON.stringify(plan.properties) },
      isBlindAppend: false,
    },
    opts,
  );
  const postCommit = outcome.skipped ? undefined : await runPostCommitHooks(outcome.snapshot);
  return { ...outcome, postCommit };
}
