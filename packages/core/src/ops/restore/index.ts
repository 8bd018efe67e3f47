/** RESTORE: plan (pure) -> check the files it brings back exist -> commit. */
import { assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { commitRestore } from './commit.js';
import { checkRestoredFiles } from './execute.js';
import { planRestore } from './plan.js';
import type { RestoreOptions, RestoreResult } from './types.js';

export { planRestore, checkRestoredFiles, commitRestore };
export type { RestoreMetrics, RestoreOptions, RestorePlan, RestoreResult } from './types.js';

/** Restore the data of `latest` to that of `target` (an earlier version), as a new commit. */
export async function restoreTable(
  latest: Snapshot,
  target: Snapshot,
  opts: RestoreOptions = {},
): Promise<RestoreResult> {
  assertWritable(latest.protocol, latest.metadata);
  await Promise.all([latest.loadFiles(), target.loadFiles()]);
  const plan = planRestore(latest, target);
  await checkRestoredFiles(latest, plan);
  return commitRestore(latest, plan, opts);
}
