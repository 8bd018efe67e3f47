import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { MemoryStore } from '../storage/memory-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { writeDeltaTable, DeltaTable } from '../table/delta-table.js';
import type { CommitCoordinator, CommitResult } from '../storage/object-store.js';
import { PutIfAbsentCoordinator } from './coordinator.js';

/** Lands the commit, then answers "version exists" — what a retried conditional put looks like. */
class LandsButReportsExists implements CommitCoordinator {
  readonly name = 'lands-but-reports-exists';
  private readonly inner = new PutIfAbsentCoordinator();
  async commit(store: ObjectStore, version: number, content: Uint8Array): Promise<CommitResult> {
    await this.inner.commit(store, version, content);
    return 'version-exists';
  }
}

describe('commitTransaction', () => {
  test('recognises its own commit when the store reports it as existing (no duplicate, no self-conflict)', async () => {
    const store = new MemoryStore('memory://own-commit');
    const data = arrow.tableFromArrays({ id: Int32Array.from([1, 2, 3]) });
    await writeDeltaTable(store, data);
    const table = await DeltaTable.open(store);
    const appended = await table.append(data, { coordinator: new LandsButReportsExists() });
    expect(appended.version).toBe(1);
    expect(appended.skipped).toBe(false);
    const overwritten = await table.overwrite(data, { coordinator: new LandsButReportsExists() });
    expect(overwritten.version).toBe(2);
    const reread = await DeltaTable.open(store);
    expect(reread.version).toBe(2);
    expect((await reread.toArrow()).numRows).toBe(3);
  });
});
