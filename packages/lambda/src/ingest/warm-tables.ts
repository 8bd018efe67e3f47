/**
 * Tables held across warm invocations: one DeltaTable per table URI per handler, refreshed
 * incrementally (one LIST plus the new commits) at each use. Per handler rather than the
 * process-wide cache of @delta-serverless/aws: handlers built with injected clients (tests,
 * the local stack) must not share stores.
 */
import { createS3Store, type AwsClients } from '@delta-serverless/aws';
import {
  DeltaTable,
  TableNotFoundError,
  type ObjectStore,
  type Snapshot,
  type StorageOptions,
} from '@delta-serverless/core';

export interface TableRef {
  store: ObjectStore;
  /** Latest snapshot, or undefined when there is no table yet. */
  snapshot: Snapshot | undefined;
}

export class WarmTables {
  private readonly tables = new Map<string, DeltaTable>();
  private readonly stores = new Map<string, ObjectStore>();

  constructor(private readonly opts: { clients?: AwsClients; storageOptions?: StorageOptions }) {}

  private storeOf(uri: string): ObjectStore {
    let s = this.stores.get(uri);
    if (!s) this.stores.set(uri, (s = createS3Store(uri, this.opts)));
    return s;
  }

  /** The table at its latest version (or its store alone when it does not exist yet). */
  async get(uri: string): Promise<TableRef> {
    const held = this.tables.get(uri);
    if (held) {
      try {
        return { store: held.store, snapshot: await held.refresh() };
      } catch {
        this.tables.delete(uri); // reopen below
      }
    }
    const store = this.storeOf(uri);
    try {
      // Protocol, metadata and txns from the version checksum when valid: an append needs no file list.
      const table = await DeltaTable.open(store, { lazyFiles: true });
      this.tables.set(uri, table);
      return { store, snapshot: table.snapshot };
    } catch (err) {
      if (err instanceof TableNotFoundError) return { store, snapshot: undefined };
      throw err;
    }
  }
}
