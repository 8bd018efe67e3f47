/**
 * The engine seam: a table's clock, ids and Parquet handler come from its options, so a write
 * with a fixed clock and sequential ids is reproducible byte for byte, and every Parquet read
 * and write goes through the handler given.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { parseActions } from '../log/commit-file.js';
import { commitPath } from '../log/file-names.js';
import { defaultParquetHandler, type ParquetHandler } from '../parquet/handler.js';
import type { Action } from '../protocol/actions.js';
import { MemoryStore } from '../storage/memory-store.js';
import { DeltaTable, writeDeltaTable } from '../table/delta-table.js';
import { fixedClock } from '../util/clock.js';
import { sequentialIds } from '../util/ids.js';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);
const rows = (ids: number[]) => arrow.tableFromArrays({ id: BigInt64Array.from(ids.map(BigInt)), p: ids.map(String) });

async function commit(store: MemoryStore, version: number): Promise<Action[]> {
  return parseActions(await store.get(commitPath(version)), commitPath(version));
}

/** Create a partitioned table and append once, with the engine's clock and ids pinned. */
async function pinnedTable(): Promise<MemoryStore> {
  const store = new MemoryStore('memory://pinned', { clock: fixedClock(T0) });
  const engine = { clock: fixedClock(T0), ids: sequentialIds() };
  await writeDeltaTable(store, rows([1, 2]), { engine, partitionBy: ['p'] });
  const table = await DeltaTable.open(store, { engine });
  await table.append(rows([3]));
  return store;
}

describe('engine seam', () => {
  it('a fixed clock and sequential ids pin commit timestamps, table ids and file names', async () => {
    const store = await pinnedTable();
    const v0 = await commit(store, 0);
    const info = v0.find((a) => a.commitInfo)!.commitInfo!;
    expect(info.timestamp).toBe(T0);
    expect(info.txnId).toMatch(/^00000000-0000-4000-8000-0000000000\d\d$/);
    const metaData = v0.find((a) => a.metaData)!.metaData!;
    expect(metaData.id).toBe('00000000-0000-4000-8000-000000000001');
    expect(metaData.createdTime).toBe(T0);
    const adds = v0.filter((a) => a.add).map((a) => a.add!);
    expect(adds.map((a) => a.path).sort()).toEqual([
      'p=1/part-00000-00000000-0000-4000-8000-000000000002-c000.snappy.parquet',
      'p=2/part-00001-00000000-0000-4000-8000-000000000003-c000.snappy.parquet',
    ]);
    expect(adds.every((a) => a.modificationTime === T0)).toBe(true);
    const table = await DeltaTable.open(store);
    expect(table.snapshot.timestamp).toBe(T0);
    // History makes commit times monotonic: the second commit reads as T0 + 1 ms.
    expect((await table.history()).map((h) => h.timestamp)).toEqual([T0 + 1, T0]);
  });

  it('the same writes with the same clock and ids give byte-identical logs', async () => {
    const [a, b] = [await pinnedTable(), await pinnedTable()];
    for (const v of [0, 1]) expect(await a.get(commitPath(v))).toEqual(await b.get(commitPath(v)));
  });

  it('every Parquet write and read of a table goes through its Parquet handler', async () => {
    const calls: string[] = [];
    const parquet: ParquetHandler = {
      openFile: (store, path, options) => (
        calls.push(`openFile ${path}`),
        defaultParquetHandler.openFile(store, path, options)
      ),
      open: (store, path, options) => (calls.push(`open ${path}`), defaultParquetHandler.open(store, path, options)),
      createWriter: (schema, options) => (
        calls.push('createWriter'),
        defaultParquetHandler.createWriter(schema, options)
      ),
      preload: () => defaultParquetHandler.preload(),
    };
    const store = new MemoryStore('memory://handler');
    await writeDeltaTable(store, rows([1, 2, 3]), { engine: { parquet } });
    expect(calls).toEqual(['createWriter']);
    const table = await DeltaTable.open(store, { engine: { parquet } });
    expect((await table.toArrow()).numRows).toBe(3);
    expect(calls.slice(1)).toEqual([`open ${table.snapshot.files()[0]!.path}`]);
    await table.checkpoint();
    expect(calls.at(-1)).toBe('createWriter');
  });
});
