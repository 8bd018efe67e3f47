/**
 * A CommitCoordinator makes "create `_delta_log/<version>.json` only if absent" atomic.
 * The default works on any ObjectStore whose put honours `ifNoneMatch` (local disk via
 * link(2), memory, S3 conditional writes); the AWS package adds the DynamoDB lock table.
 */
import { PreconditionFailedError } from '../errors.js';
import { commitPath } from '../log/file-names.js';
import type { CommitCoordinator, CommitResult, ObjectStore } from '../storage/object-store.js';

export class PutIfAbsentCoordinator implements CommitCoordinator {
  readonly name = 'put-if-absent';

  async commit(store: ObjectStore, version: number, content: Uint8Array): Promise<CommitResult> {
    try {
      await store.put(commitPath(version), content, { ifNoneMatch: true, contentType: 'application/json' });
      return 'committed';
    } catch (err) {
      if (err instanceof PreconditionFailedError) return 'version-exists';
      throw err;
    }
  }

  /** Bound to no table: the same for a table in a folder of this one. */
  forSubfolder(): CommitCoordinator {
    return this;
  }
}

export const defaultCoordinator: CommitCoordinator = new PutIfAbsentCoordinator();
