/**
 * VACUUM: plan the files to delete (plan.ts), then delete them in batches (delete-batches.ts)
 * between `VACUUM START` / `VACUUM END` commits, as in Delta Spark (vacuum-commits.ts). A dry
 * run only plans.
 */
import { runPostCommitHooks } from '../../transaction/index.js';
import { assertReadable } from '../../protocol/features.js';
import { assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { deleteInBatches } from './delete-batches.js';
import { latestSnapshot } from './latest.js';
import { planVacuum, type VacuumPlan } from './plan.js';
import type { VacuumOptions, VacuumResult } from './types.js';
import { commitVacuumEnd, commitVacuumStart } from './vacuum-commits.js';

/** Vacuum the table of `snapshot` (brought to its latest version first). */
export async function vacuum(snapshot: Snapshot, options: VacuumOptions = {}): Promise<VacuumResult> {
  const latest = await latestSnapshot(await snapshot.loadFiles());
  // vacuumProtocolCheck: deleting files is only safe when we understand every reader and
  // writer feature of the table (one could reference files in ways we do not know). We check
  // on every table, which that feature makes mandatory and is prudent anyway.
  assertReadable(latest.protocol);
  assertWritable(latest.protocol, latest.metadata);
  const plan = await planVacuum(latest, options);
  const base = planResult(plan, options);
  if (options.dryRun) return base;
  return { ...base, ...(await executeVacuum(latest, plan, options)) };
}

/** The result of a VACUUM that deletes what `plan` lists (what a dry run reports). */
function planResult(plan: VacuumPlan, options: VacuumOptions): VacuumResult {
  const { candidates } = plan;
  const maxListed = options.maxListedFiles ?? 10_000;
  return {
    dryRun: !!options.dryRun,
    mode: plan.mode,
    filesDeleted: candidates.length > maxListed ? candidates.slice(0, maxListed) : candidates,
    filesDeletedTruncated: candidates.length > maxListed,
    numFilesDeleted: candidates.length,
    bytesDeleted: plan.bytes,
    numDirectoriesScanned: plan.directories,
    cutoffTimestamp: plan.retention.cutoff,
    retentionMs: plan.retention.retentionMs,
    readVersion: plan.readVersion,
    incompleteWrites: plan.leftovers.slice(0, maxListed),
    numIncompleteWrites: plan.leftovers.length,
  };
}

/** START commit, the deletes, END commit (FAILED when the deletes fail). */
async function executeVacuum(
  latest: Snapshot,
  plan: VacuumPlan,
  options: VacuumOptions,
): Promise<Pick<VacuumResult, 'numFilesDeleted' | 'startVersion' | 'endVersion'>> {
  const hooks = options.postCommitHooks ?? true;
  const { candidates, retention } = plan;
  const start = await commitVacuumStart(latest, retention, candidates.length, plan.bytes, options.commitOptions);
  if (hooks) await runPostCommitHooks(start.snapshot);
  let deleted: number;
  try {
    deleted = await deleteInBatches(
      latest.store,
      candidates.map((c) => c.path),
      {
        batchSize: options.deleteBatchSize ?? 1000,
        concurrency: options.deleteConcurrency ?? 4,
        onProgress: options.onProgress,
      },
    );
    if (plan.leftovers.length > 0) await latest.store.discardIncompleteWrites?.(plan.leftovers);
  } catch (err) {
    // Record the failure, then surface the delete error (not a failure to record it).
    await commitVacuumEnd(start.snapshot, 'FAILED', undefined, options.commitOptions).catch(() => undefined);
    throw err;
  }
  const end = await commitVacuumEnd(
    start.snapshot,
    'COMPLETED',
    { numDeletedFiles: deleted, numVacuumedDirectories: plan.directories },
    options.commitOptions,
  );
  if (hooks) await runPostCommitHooks(end.snapshot);
  return { numFilesDeleted: deleted, startVersion: start.version, endVersion: end.version };
}
