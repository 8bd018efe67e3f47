/**
 * New versions share the state they grow from: a refresh or a commit costs the new actions,
 * not the table's size, and a snapshot held by a reader keeps its own files.
 */
import { describe, expect, test } from 'vitest';
import { createEngine } from '../engine/engine.js';
import type { Action } from '../protocol/actions.js';
import { MemoryStore } from '../storage/memory-store.js';
import { commitTransaction } from '../transaction/index.js';
import { loadSnapshot, refreshSnapshot } from './load.js';
import type { Snapshot } from './snapshot.js';

const add = (i: number, size = 10): Action => ({
  add: {
    path: `p=${i % 7}/f${i}.parquet`,
    partitionValues: { p: `${i % 7}` },
    size,
    modificationTime: 1,
    dataChange: true,
  },
});
const remove = (i: number): Action => ({
  remove: { path: `p=${i % 7}/f${i}.parquet`, deletionTimestamp: 2, dataChange: true },
});
const SCHEMA = JSON.stringify({
  type: 'struct',
  fields: [{ name: 'p', type: 'string', nullable: true, metadata: {} }],
});

async function bigTable(files: number): Promise<Snapshot> {
  const engine = createEngine(new MemoryStore('memory://increment'));
  const created = await commitTransaction(engine, undefined, {
    operation: 'CREATE TABLE',
    isBlindAppend: false,
    actions: [
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      {
        metaData: {
          id: 'increment',
          format: { provider: 'parquet', options: {} },
          schemaString: SCHEMA,
          partitionColumns: ['p'],
          configuration: {},
          createdTime: 1,
        },
      },
      ...Array.from({ length: files }, (_, i) => add(i)),
    ],
  });
  // A fresh load, as a reader or a warm Lambda holds it.
  expect(created.version).toBe(0);
  return loadSnapshot(engine);
}

const paths = (s: Snapshot) => s.files().map((f) => f.path);

describe('incremental versions', () => {
  test('a commit and a refresh hold only the new actions beside the shared base', async () => {
    const base = await bigTable(20_000);
    const before = paths(base);
    const { snapshot: afterCommit } = await commitTransaction(base.engine, base, {
      operation: 'DELETE',
      isBlindAppend: false,
      actions: [remove(3), add(20_000, 5)],
    });
    // O(new actions): what the new state holds of its own is the commit, not the 20k files.
    expect(afterCommit.state.files.changes).toBeLessThanOrEqual(2);
    expect(afterCommit.state.tombstones.changes).toBeLessThanOrEqual(1);
    expect(afterCommit.numFiles).toBe(20_000);
    expect(afterCommit.sizeInBytes).toBe(20_000 * 10 - 10 + 5);
    // The base snapshot still has its own files.
    expect(paths(base)).toEqual(before);
    expect(base.numFiles).toBe(20_000);
    expect(base.sizeInBytes).toBe(200_000);
    expect(base.tombstones()).toEqual([]);

    // Another writer commits on top; the holder of `base` refreshes.
    await commitTransaction(afterCommit.engine, afterCommit, {
      operation: 'WRITE',
      isBlindAppend: true,
      actions: [add(20_001)],
    });
    const refreshed = await refreshSnapshot(base);
    expect(refreshed.version).toBe(2);
    expect(refreshed.state.files.changes).toBeLessThanOrEqual(3);
    expect(refreshed.numFiles).toBe(20_001);
    expect(paths(refreshed)).toEqual([
      ...before.filter((p) => p !== 'p=3/f3.parquet'),
      'p=1/f20000.parquet',
      'p=2/f20001.parquet',
    ]);
    expect(refreshed.tombstones().map((r) => r.path)).toEqual(['p=3/f3.parquet']);
    // ...and a full load from the log agrees, in order.
    const loaded = await loadSnapshot(base.engine);
    expect(paths(loaded)).toEqual(paths(refreshed));
    expect(loaded.sizeInBytes).toBe(refreshed.sizeInBytes);
    expect(paths(base)).toEqual(before);
    expect(paths(afterCommit)).toEqual(paths(refreshed).slice(0, -1));
  });
});
