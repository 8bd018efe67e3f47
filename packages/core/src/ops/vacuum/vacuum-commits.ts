/**
 * The `VACUUM START` and `VACUUM END` commits Delta Spark records around the deletes:
 * commits with only commitInfo (they never conflict), whose operation parameters and
 * metrics use Spark's names so `history` reads the same for both engines.
 */
import { commitTransaction, type CommitOptions, type CommitOutcome } from '../../transaction/index.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { RetentionPlan } from './retention.js';

export async function commitVacuumStart(
  base: Snapshot,
  plan: RetentionPlan,
  numFilesToDelete: number,
  sizeOfDataToDelete: number,
  opts?: CommitOptions,
): Promise<CommitOutcome> {
  return commitTransaction(
    base.engine,
    base,
    {
      actions: [],
      operation: 'VACUUM START',
      operationParameters: {
        retentionCheckEnabled: plan.checkEnabled,
        ...(plan.specifiedMs !== undefined ? { specifiedRetentionMillis: plan.specifiedMs } : {}),
        defaultRetentionMillis: plan.configuredMs,
      },
      operationMetrics: { numFilesToDelete, sizeOfDataToDelete },
      isBlindAppend: false,
    },
    opts,
  );
}

/** `status` COMPLETED carries the metrics; FAILED (deletes failed) has none, as in Spark. */
export async function commitVacuumEnd(
  base: Snapshot,
  status: 'COMPLETED' | 'FAILED',
  metrics: { numDeletedFiles: number; numVacuumedDirectories: number } | undefined,
  opts?: CommitOptions,
): Promise<CommitOutcome> {
  return commitTransaction(
    base.engine,
    base,
    {
      actions: [],
      operation: 'VACUUM END',
      operationParameters: { status },
      ...(metrics ? { operationMetrics: { ...metrics } } : {}),
      isBlindAppend: false,
    },
    opts,
  );
}
