import { describe, expect, test } from 'vitest';
import { StorageError } from '../errors.js';
import { MemoryStore } from './memory-store.js';
import type { CommitCoordinator, ObjectStore } from './object-store.js';
import { listAll } from './object-store.js';
import { PrefixStore } from './prefix-store.js';

describe('PrefixStore', () => {
  test('keys live under the folder; listings and heads come back relative to it', async () => {
    const inner = new MemoryStore('memory://t');
    const store = new PrefixStore(inner, '_side');
    expect(store.root).toBe('memory://t/_side');
    await store.put('_delta_log/0.json', new Uint8Array([1]));
    await store.put('_delta_log/1.json', new Uint8Array([2, 3]));
    await inner.put('_sideways/x', new Uint8Array([4]));
    expect((await listAll(inner, '')).map((m) => m.path)).toEqual([
      '_side/_delta_log/0.json',
      '_side/_delta_log/1.json',
      '_sideways/x',
    ]);
    expect((await listAll(store, '_delta_log/', { startAfter: '_delta_log/0.json' })).map((m) => m.path)).toEqual([
      '_delta_log/1.json',
    ]);
    expect(await store.head('_delta_log/1.json')).toMatchObject({ path: '_delta_log/1.json', size: 2 });
    await store.deleteMany(['_delta_log/0.json']);
    expect(await listAll(inner, '_side/')).toHaveLength(1);
  });

  test("takes the inner store's coordinator made for the folder, and refuses one bound to its table", () => {
    const made: string[] = [];
    const perTable: CommitCoordinator = {
      name: 'per-table',
      commit: async () => 'committed',
      forSubfolder: (folder) => {
        made.push(folder);
        return { name: `per-table:${folder}`, commit: async () => 'committed' };
      },
    };
    const with_ = (c: CommitCoordinator): ObjectStore =>
      Object.assign(new MemoryStore('memory://t'), { commitCoordinator: c });
    expect(new PrefixStore(with_(perTable), '_side').commitCoordinator?.name).toBe('per-table:_side');
    expect(made).toEqual(['_side']);
    const bound: CommitCoordinator = { name: 'bound', commit: async () => 'committed' };
    expect(() => new PrefixStore(with_(bound), '_side')).toThrow(StorageError);
    expect(() => new PrefixStore(with_(bound), '_side')).toThrow(
      /bound commit coordinator of memory:\/\/t cannot commit/,
    );
  });
});
