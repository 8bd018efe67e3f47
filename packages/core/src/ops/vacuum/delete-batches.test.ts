import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../storage/memory-store.js';
import { deleteInBatches, VacuumDeleteError } from './delete-batches.js';
import type { VacuumProgress } from './types.js';

async function storeWith(n: number): Promise<{ store: MemoryStore; keys: string[] }> {
  const store = new MemoryStore('memory://t');
  const keys = Array.from({ length: n }, (_, i) => `f-${String(i).padStart(4, '0')}.parquet`);
  for (const k of keys) await store.put(k, new Uint8Array([1]));
  return { store, keys };
}

describe('deleteInBatches', () => {
  it('deletes in batches of batchSize with progress after each', async () => {
    const { store, keys } = await storeWith(25);
    const calls: number[] = [];
    const original = store.deleteMany.bind(store);
    store.deleteMany = async (paths) => {
      calls.push(paths.length);
      await original(paths);
    };
    const events: VacuumProgress[] = [];
    const n = await deleteInBatches(store, keys, { batchSize: 10, concurrency: 2, onProgress: (p) => events.push(p) });
    expect(n).toBe(25);
    expect(calls.sort((a, b) => a - b)).toEqual([5, 10, 10]);
    expect(events[0]).toEqual({ phase: 'delete', done: 0, total: 25 });
    expect(events.at(-1)).toEqual({ phase: 'delete', done: 25, total: 25 });
    expect(events).toHaveLength(4);
    for await (const _ of store.list('')) throw new Error('store should be empty');
  });

  it('stops starting batches after a failure and reports what was deleted', async () => {
    const { store, keys } = await storeWith(30);
    let call = 0;
    const original = store.deleteMany.bind(store);
    store.deleteMany = async (paths) => {
      if (++call === 2) throw new Error('throttled');
      await original(paths);
    };
    const err = await deleteInBatches(store, keys, { batchSize: 10, concurrency: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VacuumDeleteError);
    expect((err as VacuumDeleteError).deleted).toBe(10);
    expect((err as VacuumDeleteError).total).toBe(30);
    expect((err as Error).message).toContain('throttled');
    expect(call).toBe(2);
  });

  it('does nothing for no keys', async () => {
    const { store } = await storeWith(0);
    expect(await deleteInBatches(store, [], { batchSize: 1000, concurrency: 4 })).toBe(0);
  });
});
