/**
 * RESTORE's I/O: it writes no data, but every file it brings back must still exist. Refuses
 * when files it needs were already deleted (VACUUM), naming one of them.
 */
import { NotFoundError, VersionNotFoundError } from '../../errors.js';
import { locateFile } from '../../read/locate.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { mapLimit } from '../../util/concurrency.js';
import type { RestorePlan } from './types.js';

export async function checkRestoredFiles(latest: Snapshot, plan: RestorePlan): Promise<void> {
  const missing = (
    await mapLimit(plan.add, 16, async (f) => {
      const loc = locateFile(latest.store, f.path);
      try {
        await loc.store.head(loc.key);
        return undefined;
      } catch (err) {
        if (err instanceof NotFoundError) return f.path;
        throw err;
      }
    })
  ).filter((p): p is string => p !== undefined);
  if (missing.length > 0) {
    throw new VersionNotFoundError(
      `cannot restore ${latest.uri} to version ${plan.restoredVersion}: ${missing.length} of its data files no longer exist ` +
        `(e.g. ${missing[0]}), most likely deleted by VACUUM. Restore to a later version.`,
    );
  }
}
