/** RESTORE's commit: one transaction that depends on the whole table, then the post-commit hooks. */
import type { Action } from '../../protocol/actions.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { commitTransaction, runPostCommitHooks } from '../../transaction/index.js';
import type { RestoreOptions, RestorePlan, RestoreResult } from './types.js';

export async function commitRestore(
  latest: Snapshot,
  plan: RestorePlan,
  opts: RestoreOptions = {},
): Promise<RestoreResult> {
  const now = latest.engine.clock.now();
  const actions: Action[] = [];
  if (plan.metadata) actions.push({ metaData: plan.metadata });
  if (plan.protocol) actions.push({ protocol: plan.protocol });
  for (const f of plan.remove) {
    actions.push({
      remove: {
        path: f.path,
        deletionTimestamp: now,
        dataChange: true,
        extendedFileMetadata: true,
        partitionValues: f.partitionValues,
        size: f.size,
        ...(f.deletionVector ? { deletionVector: f.deletionVector } : {}),
      },
    });
  }
  for (const f of plan.add) actions.push({ add: { ...f, dataChange: true } });
  const outcome = await commitTransaction(
    latest.engine,
    latest,
    {
      actions,
      operation: 'RESTORE',
      operationParameters: { version: plan.restoredVersion, timestamp: opts.timestamp },
      operationMetrics: { ...plan.metrics },
      isBlindAppend: false,
      read: { wholeTable: true },
    },
    opts,
  );
  const postCommit = outcome.skipped ? undefined : await runPostCommitHooks(outcome.snapshot);
  return { ...outcome, metrics: plan.metrics, restoredVersion: plan.restoredVersion, postCommit };
}
