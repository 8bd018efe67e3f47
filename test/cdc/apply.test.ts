/**
 * Change files applied through the real MERGE on an in-memory table (ops/cdc): a seeded
 * random history in shuffled file order (tombstone deletes) equals the plain replay of that
 * history, with tombstone deletes and with remove-mode deletes (remembered beside the table);
 * a late older change never overwrites a newer row nor brings a deleted one back, also when
 * the delete and the older change are applied concurrently; remembered deletes are compacted
 * and forgotten after their retention; a file's txn makes a second apply a duplicate;
 * concurrent applies retry after conflicts.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DeltaTable, MemoryStore, type EngineOptions, type ObjectStore } from '@delta-serverless/core';
import {
  applyChangeFile,
  createEngine,
  readChanges,
  TOMBSTONE_FOLDER,
  TOMBSTONE_MARK,
  tombstoneEngine,
  mergeChanges,
  type CdcOptions,
  type ChangeMergeRunner,
} from '@delta-serverless/core/internal';
import { rng } from '../dml/oracle-support.js';
import {
  debeziumLines,
  dmsCsv,
  dmsSequence,
  randomHistory,
  splitRuns,
  type Change,
} from '../aws/support/cdc-history.js';
import { assertValidStoreTable } from '../support/validate-store.js';

const enc = new TextEncoder();

async function apply(
  store: ObjectStore,
  key: string,
  body: string,
  opts: CdcOptions,
  txn?: string,
  extra: { engine?: EngineOptions; merge?: ChangeMergeRunner } = {},
) {
  await store.put(`in/${key}`, enc.encode(body));
  const source = new MemoryStore();
  await source.put(key, enc.encode(body));
  return applyChangeFile(createEngine(store, extra.engine), {
    ...opts,
    merge: extra.merge,
    key,
    txn: txn ? { appId: txn, version: 1 } : undefined,
    read: (schema) => readChanges(source, key, { cdc: opts.cdc, sequence: opts.sequence, schema }),
  });
}

/** The live rows, after the independent validator has checked the table (every test reads them back). */
async function liveRows(store: ObjectStore): Promise<Record<string, unknown>[]> {
  await assertValidStoreTable(store, { failOnWarnings: true });
  const t = await DeltaTable.open(store);
  const rows = (await t.toArrow()).toArray().map((r) => r.toJSON() as Record<string, unknown>);
  return rows
    .filter((r) => r['_cdc_deleted'] !== true)
    .map((r) => ({ id: Number(r['id']), name: r['name'], amount: r['amount'] }))
    .sort((a, b) => a.id - b.id);
}

const shuffled = <T>(xs: readonly T[], seed: number): T[] => {
  const next = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

const dms: CdcOptions = { cdc: 'dms', keys: ['id'], sequence: 'seq', deletes: 'tombstone' };
const ins = (id: number, name: string, seq: number): Change => ({ op: 'I', row: { id, name, amount: 1.25 }, seq });

describe('change files through MERGE', () => {
  it.each([
    ['dms', 'tombstone', 11],
    ['debezium', 'tombstone', 12],
    ['dms', 'remove', 14],
    ['debezium', 'remove', 15],
  ] as const)('%s: a random history in shuffled file order equals its replay (%s)', async (cdc, deletes, seed) => {
    const { changes, truth } = randomHistory(seed, 150, 500);
    const files = splitRuns(changes, seed, 20, 60);
    const store = new MemoryStore();
    const opts: CdcOptions = cdc === 'dms' ? { ...dms, deletes } : { cdc: 'debezium', keys: ['id'], deletes };
    for (const [i, f] of shuffled(
      files.map((f, i) => [i, f] as const),
      seed,
    )) {
      const body = cdc === 'dms' ? dmsCsv(f) : debeziumLines(f, i % 2 === 0, i);
      const r = await apply(store, `f${i}.${cdc === 'dms' ? 'csv' : 'json'}`, body, opts, `file-${i}`);
      expect(r.status).toBe('applied');
    }
    expect(await liveRows(store)).toEqual([...truth.values()].sort((a, b) => a.id - b.id));
    const t = await DeltaTable.open(store);
    expect(t.snapshot.schema.fields.some((f) => f.name === '_cdc_deleted')).toBe(deletes === 'tombstone');
    expect(t.snapshot.txn(TOMBSTONE_MARK) !== undefined).toBe(deletes === 'remove');
  });

  it('a deletion-vector table created beforehand (remove mode, files in order) equals the replay', async () => {
    const { changes, truth } = randomHistory(13, 150, 500);
    const store = new MemoryStore();
    await DeltaTable.create(store, {
      schema: new arrow.Schema([
        new arrow.Field('id', new arrow.Int64(), true),
        new arrow.Field('name', new arrow.Utf8(), true),
        new arrow.Field('amount', new arrow.Float64(), true),
        new arrow.Field('seq', new arrow.Utf8(), true),
      ]),
      properties: { 'delta.enableDeletionVectors': 'true' },
    });
    const files = splitRuns(changes, 13, 20, 60);
    for (const [i, f] of files.entries())
      await apply(store, `f${i}.csv`, dmsCsv(f), { cdc: 'dms', keys: ['id'], sequence: 'seq' }, `f${i}`);
    expect(await liveRows(store)).toEqual([...truth.values()].sort((a, b) => a.id - b.id));
    const t = await DeltaTable.open(store);
    expect(t.snapshot.files().some((f) => f.deletionVector)).toBe(true);
  });

  it('drops a late older change, applies each file once, and keeps the sequence column', async () => {
    const store = new MemoryStore();
    await apply(store, 'a.csv', dmsCsv([ins(1, 'new', 5), ins(2, 'two', 6)]), dms, 'a');
    const late = await apply(
      store,
      'b.csv',
      dmsCsv([{ op: 'U', row: { id: 1, name: 'old', amount: 0.25 }, seq: 3 }]),
      dms,
      'b',
    );
    expect(late.status).toBe('applied');
    expect((await liveRows(store)).map((r) => r.name)).toEqual(['new', 'two']);
    const t = await DeltaTable.open(store);
    const version = t.version;
    expect(t.snapshot.txn('b')).toBeDefined(); // applied (with no effect), so never again
    const again = await apply(store, 'a.csv', dmsCsv([ins(1, 'x', 9)]), dms, 'a');
    expect(again.status).toBe('duplicate');
    expect((await DeltaTable.open(store)).version).toBe(version);
    expect(t.snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'amount', 'seq', '_cdc_deleted']);
    const seqs = (await t.toArrow()).getChild('seq')!.toArray() as string[];
    expect([...seqs].sort()).toEqual([dmsSequence(5), dmsSequence(6)]);
  });

  it('tombstones: a delete followed by a late older insert stays deleted', async () => {
    const store = new MemoryStore();
    await apply(store, 'd.csv', dmsCsv([{ op: 'D', row: { id: 7, name: 'x', amount: 0.25 }, seq: 10 }]), dms, 'd');
    await apply(store, 'i.csv', dmsCsv([ins(7, 'resurrected?', 4)]), dms, 'i');
    expect(await liveRows(store)).toEqual([]);
    await apply(store, 'j.csv', dmsCsv([ins(7, 'back', 11)]), dms, 'j');
    expect((await liveRows(store)).map((r) => r.name)).toEqual(['back']);
  });

  it('remove mode deletes rows; without a sequence the last applied file wins', async () => {
    const store = new MemoryStore();
    const opts: CdcOptions = { cdc: 'dms', keys: ['id'] };
    await apply(store, 'a.csv', dmsCsv([ins(1, 'a', 1), ins(2, 'b', 2), ins(3, 'c', 3)]), opts);
    await apply(
      store,
      'b.csv',
      dmsCsv([{ op: 'D', row: { id: 2, name: 'b', amount: 1.25 }, seq: 4 }, ins(3, 'c2', 5)]),
      opts,
    );
    expect((await liveRows(store)).map((r) => [r.id, r.name])).toEqual([
      [1, 'a'],
      [3, 'c2'],
    ]);
    const t = await DeltaTable.open(store);
    expect(t.snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'amount', 'seq']);
    expect((await t.history({ limit: 1 }))[0]!.operation).toBe('MERGE');
  });

  it('concurrent applies to one table retry after conflicts and all land', async () => {
    const store = new MemoryStore();
    await apply(store, 'seed.csv', dmsCsv([ins(0, 'seed', 1)]), dms, 'seed');
    const files = Array.from({ length: 6 }, (_, i) => dmsCsv([ins(i, `v${i}`, 10 + i), ins(100 + i, 'n', 10 + i)]));
    const results = await Promise.all(files.map((body, i) => apply(store, `c${i}.csv`, body, dms, `c${i}`)));
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    const rows = await liveRows(store);
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 100, 101, 102, 103, 104, 105]);
    expect(rows.find((r) => r.id === 0)!.name).toBe('v0');
  });

  const rm: CdcOptions = { cdc: 'dms', keys: ['id'], sequence: 'seq' };
  const del = (id: number, seq: number): Change => ({ op: 'D', row: { id, name: 'x', amount: 0.25 }, seq });
  const upd = (id: number, name: string, seq: number): Change => ({ op: 'U', row: { id, name, amount: 0.5 }, seq });
  const remembered = async (store: ObjectStore) => {
    const side = await DeltaTable.open(tombstoneEngine(createEngine(store)).store);
    return (await side.toArrow())
      .toArray()
      .map((r) => r.toJSON() as Record<string, unknown>)
      .map((r) => [Number(r['id']), r['seq']])
      .sort((a, b) => Number(a[0]) - Number(b[0]));
  };

  it('remove mode: late older changes after a delete stay deleted; the delete is remembered beside the table', async () => {
    const store = new MemoryStore();
    await apply(store, 'a.csv', dmsCsv([ins(7, 'first', 1), ins(8, 'keep', 2)]), rm, 'a');
    await apply(store, 'd.csv', dmsCsv([del(7, 10), del(9, 12)]), rm, 'd');
    await apply(store, 'late-u.csv', dmsCsv([upd(7, 'stale', 5)]), rm, 'u');
    await apply(store, 'late-i.csv', dmsCsv([ins(9, 'never there', 3)]), rm, 'i');
    // An equal sequence is not later: the delete wins the tie, whichever arrives first.
    await apply(store, 'tie.csv', dmsCsv([ins(7, 'tie', 10)]), rm, 'tie');
    expect((await liveRows(store)).map((r) => r.name)).toEqual(['keep']);
    const t = await DeltaTable.open(store);
    expect(t.snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'amount', 'seq']);
    expect(t.snapshot.files().some((f) => f.path.startsWith(TOMBSTONE_FOLDER))).toBe(false);
    expect(await remembered(store)).toEqual([
      [7, dmsSequence(10)],
      [9, dmsSequence(12)],
    ]);
    // VACUUM (full, no retention) leaves the `_`-prefixed folder alone, as Delta Spark's does.
    const vacuumed = await t.vacuum({ mode: 'full', retentionHours: 0, enforceRetention: false });
    expect(vacuumed.numFilesDeleted).toBeGreaterThan(0);
    expect(await remembered(store)).toHaveLength(2);
    await assertValidStoreTable(tombstoneEngine(createEngine(store)).store, { failOnWarnings: true });
    await apply(store, 'back.csv', dmsCsv([ins(7, 'back', 11), ins(9, 'back too', 13)]), rm, 'b');
    expect((await liveRows(store)).map((r) => r.name)).toEqual(['back', 'keep', 'back too']);
    // An update tied with the row's sequence is the same change again: nothing moves.
    await apply(store, 'again.csv', dmsCsv([upd(7, 'other', 11)]), rm, 'again');
    expect((await liveRows(store)).map((r) => r.name)).toEqual(['back', 'keep', 'back too']);
  });

  it('remove mode: an older insert that read no remembered delete, racing the delete, is redone', async () => {
    // B (an insert of key 5 at 3) reads the remembered deletes, then, before its MERGE, A
    // (key 5 deleted at 9; the key is not in the table) runs whole. B's commit lands on A's:
    // nothing B read changed, but A remembered a delete, so B must read again.
    const store = new MemoryStore();
    await apply(store, 'seed.csv', dmsCsv([ins(1, 'seed', 1)]), rm, 'seed');
    let paused = false;
    const late: ChangeMergeRunner = async (...args) => {
      if (!paused) {
        paused = true;
        await apply(store, 'a.csv', dmsCsv([del(5, 9)]), rm, 'a');
      }
      return mergeChanges(...args);
    };
    const b = await apply(store, 'b.csv', dmsCsv([ins(5, 'stale', 3)]), rm, 'b', { merge: late });
    expect(b.conflictsRetried).toBe(1);
    expect((await liveRows(store)).map((r) => r.id)).toEqual([1]);
  });

  it.each([23, 32, 38])(
    'remove mode: deletes and older changes applied at once never leave a row (seed %i)',
    async (seed) => {
      const store = new MemoryStore();
      await apply(store, 'seed.csv', dmsCsv([0, 1, 2, 3].map((id) => ins(id, 'seed', 1))), rm, 'seed');
      // Keys 0-3 exist, 4-7 do not; each is deleted at 100+ while an older change to it lands.
      const bodies = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((id) => [
        dmsCsv([del(id, 100 + id)]),
        dmsCsv([id < 4 ? upd(id, 'stale', 50 + id) : ins(id, 'stale', 50 + id)]),
      ]);
      const order = shuffled(
        bodies.map((b, i) => [i, b] as const),
        seed,
      );
      const results = await Promise.all(order.map(([i, b]) => apply(store, `c${i}.csv`, b, rm, `c${i}`)));
      expect(results.every((r) => r.status === 'applied')).toBe(true);
      expect(await liveRows(store)).toEqual([]);
    },
  );

  it.each(['remove', 'tombstone'] as const)(
    '%s: equal sequences in different files give one result whatever the order (a delete wins; a replay is skipped)',
    async (deletes) => {
      const opts: CdcOptions = { ...rm, deletes };
      const files = {
        seed: dmsCsv([ins(1, 'seed', 1), ins(2, 'seed', 1), ins(3, 'seed', 1)]),
        upsert: dmsCsv([upd(1, 'tied', 10), upd(2, 'first', 10)]),
        del: dmsCsv([del(1, 10)]),
        replay: dmsCsv([upd(2, 'first', 10)]),
      };
      const results: unknown[] = [];
      for (const order of [
        ['upsert', 'del', 'replay'],
        ['del', 'upsert', 'replay'],
        ['replay', 'del', 'upsert'],
      ] as const) {
        const store = new MemoryStore();
        await apply(store, 'seed.csv', files.seed, opts, 'seed');
        for (const f of order) await apply(store, `${f}.csv`, files[f], opts, f);
        results.push(await liveRows(store));
      }
      expect(results[0]).toEqual([
        { id: 2, name: 'first', amount: 0.5 },
        { id: 3, name: 'seed', amount: 1.25 },
      ]);
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
    },
  );

  it('remembered deletes are compacted, and forgotten after their retention', async () => {
    const store = new MemoryStore();
    let now = Date.UTC(2026, 0, 1);
    const engine = { engine: { clock: { now: () => now } } };
    const opts: CdcOptions = { ...rm, tombstoneRetention: 'interval 1 day' };
    for (let i = 0; i < 16; i++) await apply(store, `d${i}.csv`, dmsCsv([del(i, 100 + i)]), opts, `d${i}`, engine);
    const side = () => DeltaTable.open(tombstoneEngine(createEngine(store)).store);
    expect((await side()).snapshot.files()).toHaveLength(1); // 16 appends, then one compaction
    expect(await remembered(store)).toHaveLength(16);
    now += 2 * 86_400_000;
    for (let i = 16; i < 31; i++) await apply(store, `d${i}.csv`, dmsCsv([del(i, 100 + i)]), opts, `d${i}`, engine);
    // Compacted again: the first 16 were remembered more than a day ago.
    expect((await remembered(store)).map((r) => r[0])).toEqual(Array.from({ length: 15 }, (_, i) => 16 + i));
    await apply(store, 'late0.csv', dmsCsv([ins(0, 'forgotten delete', 1)]), opts, 'late0', engine);
    await apply(store, 'late16.csv', dmsCsv([ins(16, 'remembered delete', 1)]), opts, 'late16', engine);
    expect((await liveRows(store)).map((r) => r.name)).toEqual(['forgotten delete']);
  });

  it('refuses a bad tombstoneRetention before writing anything', async () => {
    const store = new MemoryStore();
    await expect(
      apply(store, 'd.csv', dmsCsv([del(1, 2)]), { ...rm, tombstoneRetention: 'soon' }, 'd'),
    ).rejects.toThrow(/interval/);
  });
});
