/**
 * Tables held across warm invocations: one snapshot per table URI per handler, refreshed
 * incrementally (one LIST plus the new commits) at each use. Per handler rather than the
 * process-wide cache of @delta-serverless/aws: handlers built with injected clients (tests,
 * the local stack) must not share stores.
 *
 * A cold handler loads the snapshot from the version checksum (`lazyFiles`): an append needs
 * protocol, metadata and txns, not the file list. The snapshot of our own commit is kept
 * (`adopt`): once a post-commit checkpoint has read its file list, later refreshes and
 * checkpoints work from memory instead of reading the log again.
 */
import { createS3Store, type AwsClients } from '@delta-serverless/aws';
import { TableNotFoundError, type ObjectStore, type Snapshot, type StorageOptions } from '@delta-serverless/core';
import { createEngine, loadSnapshot, refreshSnapshot } from '@delta-serverless/core/internal';

export interface TableRef {
  store: ObjectStore;
  /** Latest snapshot, or undefined when there is no table yet. */
  snapshot: Snapshot | undefined;
}

export class WarmTables {
  private readonly held = new Map<string, Snapshot>();
  private readonly stores = new Map<string, ObjectStore>();

  constructor(private readonly opts: { clients?: AwsClients; storageOptions?: StorageOptions }) {}

  private storeOf(uri: string): ObjectStore {
    let s = this.stores.get(uri);
    if (!s) this.stores.set(uri, (s = createS3Store(uri, this.opts)));
    return s;
  }

  /** The table at its latest version (or its store alone when it does not exist yet). */
  async get(uri: string): Promise<TableRef> {
    const held = this.held.get(uri);
    if (held) {
      try {
        const snapshot = await refreshSnapshot(held);
        this.held.set(uri, snapshot);
        return { store: held.store, snapshot };
      } catch {
        this.held.delete(uri); // reopen below
      }
    }
    const store = this.storeOf(uri);
    try {
      const snapshot = await loadSnapshot(createEngine(store), undefined, { lazyFiles: true });
      this.held.set(uri, snapshot);
      return { store, snapshot };
    } catch (err) {
      if (err instanceof TableNotFoundError) return { store, snapshot: undefined };
      throw err;
    }
  }

  /** Hold the snapshot of a commit this handler made, when it is newer or knows its files. */
  adopt(uri: string, snapshot: Snapshot): void {
    const held = this.held.get(uri);
    if (!held || snapshot.version > held.version || (snapshot.version === held.version && snapshot.filesLoaded))
      this.held.set(uri, snapshot);
  }
}
