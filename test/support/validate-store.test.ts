import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../packages/core/src/storage/memory-store.js';
import { writeDeltaTable } from '../../packages/core/src/table/delta-table.js';
import { assertValidStoreTable } from './validate-store.js';
import { InvalidDeltaTableError } from './validate-table.js';

const rows = (n: number) => new arrow.Table({ id: arrow.makeVector(Int32Array.from({ length: n }, (_, i) => i)) });

describe('assertValidStoreTable', () => {
  it('validates an in-memory table and reports what is wrong with it', async () => {
    const store = new MemoryStore(`memory://validate-store-${Math.random()}`);
    await writeDeltaTable(store, rows(5));
    await writeDeltaTable(store, rows(3), { mode: 'append' });
    const report = await assertValidStoreTable(store);
    expect(report).toMatchObject({ ok: true, version: 1, activeFiles: 2 });

    // A commit adding a file that is not there: the copy is read, not the engine's state.
    const add = { path: 'missing.parquet', partitionValues: {}, size: 10, modificationTime: 0, dataChange: true };
    await store.put('_delta_log/00000000000000000002.json', new TextEncoder().encode(`${JSON.stringify({ add })}\n`));
    await expect(assertValidStoreTable(store)).rejects.toThrow(InvalidDeltaTableError);
    await expect(assertValidStoreTable(store)).rejects.toThrow(/missing\.parquet/);
  });
});
