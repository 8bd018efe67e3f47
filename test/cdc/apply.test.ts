/**
 * Change files applied through the real MERGE on an in-memory table (ops/cdc): a seeded
 * random history in shuffled file order (tombstone deletes) equals the plain replay of that
 * history; a late older change never overwrites a newer row; a file's txn makes a second
 * apply a duplicate; concurrent applies retry after conflicts; remove-mode deletes.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DeltaTable, MemoryStore, type ObjectStore } from '@delta-serverless/core';
import { applyChangeFile, createEngine, readChanges, type CdcOptions } from '@delta-serverless/core/internal';
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

async function apply(store: ObjectStore, key: string, body: string, opts: CdcOptions, txn?: string) {
  await store.put(`in/${key}`, enc.encode(body));
  const source = new MemoryStore();
  await source.put(key, enc.encode(body));
  return applyChangeFile(createEngine(store), {
    ...opts,
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
    ['dms', 11],
    ['debezium', 12],
  ] as const)('%s: a random history in shuffled file order equals its replay (tombstones)', async (cdc, seed) => {
    const { changes, truth } = randomHistory(seed, 150, 500);
    const files = splitRuns(changes, seed, 20, 60);
    const store = new MemoryStore();
    const opts: CdcOptions = cdc === 'dms' ? dms : { cdc: 'debezium', keys: ['id'], deletes: 'tombstone' };
    for (const [i, f] of shuffled(
      files.map((f, i) => [i, f] as const),
      seed,
    )) {
      const body = cdc === 'dms' ? dmsCsv(f) : debeziumLines(f, i % 2 === 0, i);
      const r = await apply(store, `f${i}.${cdc === 'dms' ? 'csv' : 'json'}`, body, opts, `file-${i}`);
      expect(r.status).toBe('applied');
    }
    expect(await liveRows(store)).toEqual([...truth.values()].sort((a, b) => a.id - b.id));
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
});
