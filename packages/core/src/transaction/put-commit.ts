/**
 * One attempt to create a commit file. A failed put may still have landed (a lost response,
 * a retried request): look at the commit file before reporting, so callers never delete
 * files a commit references.
 */
import { CommitConflictError, CommitFailedError, CommitOutcomeUnknownError, NotFoundError } from '../errors.js';
import { commitPath } from '../log/file-names.js';
import type { CommitCoordinator, CommitResult, ObjectStore } from '../storage/object-store.js';

export async function putCommit(
  coordinator: CommitCoordinator,
  store: ObjectStore,
  version: number,
  content: Uint8Array,
): Promise<CommitResult> {
  try {
    return await coordinator.commit(store, version, content);
  } catch (err) {
    if (err instanceof CommitConflictError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    let found: Uint8Array | undefined;
    try {
      // A coordinator with a recovery step (DynamoDB) may have recorded the commit without the file.
      if (coordinator.recover) await coordinator.recover(store);
      found = await store.get(commitPath(version));
    } catch (checkErr) {
      if (!(checkErr instanceof NotFoundError)) {
        const checkReason = checkErr instanceof Error ? checkErr.message : String(checkErr);
        throw new CommitOutcomeUnknownError(
          version,
          (say) =>
            `writing commit ${version} of ${store.root} failed (${reason}) and checking whether it landed failed too ` +
            `(${checkReason}). ${say({ option: 'txn' })}`,
          { cause: err },
        );
      }
    }
    if (!found)
      throw new CommitFailedError(
        `writing commit ${version} of ${store.root} failed: ${reason}. Nothing was committed; retry the write.`,
        { cause: err },
      );
    return sameBytes(found, content) ? 'committed' : 'version-exists';
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
