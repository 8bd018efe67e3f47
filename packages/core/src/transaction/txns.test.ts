import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { parseActions } from '../log/commit-file.js';
import { commitPath } from '../log/file-names.js';
import { MemoryStore } from '../storage/memory-store.js';
import { loadSnapshot } from '../snapshot/load.js';
import { writeDeltaTable } from '../table/delta-table.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { commitTransaction, TxnsAlreadyAppliedError, type CommitRequest } from './index.js';
import { ConcurrentTransactionError } from '../errors.js';
import { createEngine } from '../engine/engine.js';
import { fixedClock } from '../util/clock.js';

async function table(name: string): Promise<{ store: MemoryStore; base: Snapshot }> {
  const store = new MemoryStore(`memory://${name}`);
  await writeDeltaTable(store, arrow.tableFromArrays({ id: Int32Array.from([1]) }));
  return { store, base: await loadSnapshot(createEngine(store)) };
}

/** A blind append of a fake file per id, carrying one txn per id. */
function request(ids: string[]): CommitRequest {
  return {
    actions: ids.map((id) => ({
      add: { path: `${id}.parquet`, partitionValues: {}, size: 1, modificationTime: 1, dataChange: true },
    })),
    operation: 'WRITE',
    isBlindAppend: true,
    txns: ids.map((appId) => ({ appId, version: 1 })),
  };
}

async function txnLines(store: MemoryStore, version: number) {
  const actions = parseActions(await store.get(commitPath(version)), commitPath(version));
  return actions.filter((a) => a.txn).map((a) => a.txn!);
}

describe('CommitRequest.txns', () => {
  test('writes one txn action per id, with lastUpdated, in the same commit as the adds', async () => {
    const { store, base } = await table('txns-write');
    const T = Date.UTC(2025, 5, 1);
    const out = await commitTransaction(createEngine(store, { clock: fixedClock(T) }), base, request(['a', 'b']));
    expect(out.version).toBe(1);
    const txns = await txnLines(store, 1);
    expect(txns.map((t) => [t.appId, t.version])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    for (const t of txns) expect(t.lastUpdated).toBe(T);
    expect(out.snapshot.txn('a')?.version).toBe(1);
    expect((await loadSnapshot(createEngine(store))).txn('b')?.version).toBe(1);
  });

  test('refuses ids the base snapshot already has, committing nothing', async () => {
    const { store, base } = await table('txns-base');
    const first = await commitTransaction(createEngine(store), base, request(['a']));
    const err = await commitTransaction(createEngine(store), first.snapshot, request(['a', 'b'])).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TxnsAlreadyAppliedError);
    expect(err).toBeInstanceOf(ConcurrentTransactionError);
    expect((err as TxnsAlreadyAppliedError).appIds).toEqual(['a']);
    expect((await loadSnapshot(createEngine(store))).version).toBe(1);
  });

  test('after a lost race, names the ids a winner committed and hands back the latest snapshot', async () => {
    const { store, base } = await table('txns-race');
    // Two winners land after `base` was read: one unrelated, one with our id "b".
    await commitTransaction(createEngine(store), base, request(['x']));
    await commitTransaction(
      createEngine(store),
      (await loadSnapshot(createEngine(store))) as Snapshot,
      request(['b', 'y']),
    );
    const err = await commitTransaction(createEngine(store), base, request(['a', 'b', 'c'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TxnsAlreadyAppliedError);
    const applied = err as TxnsAlreadyAppliedError;
    expect(applied.appIds).toEqual(['b']);
    expect(applied.snapshot.version).toBe(2);
    expect(applied.snapshot.txn('y')?.version).toBe(1);
    expect((await loadSnapshot(createEngine(store))).version).toBe(2);

    // The caller drops "b" and commits the rest on the snapshot it was given.
    const retry = await commitTransaction(createEngine(store), applied.snapshot, request(['a', 'c']));
    expect(retry.version).toBe(3);
    const final = await loadSnapshot(createEngine(store));
    expect(['a', 'b', 'c', 'x', 'y'].map((id) => final.txn(id)?.version)).toEqual([1, 1, 1, 1, 1]);
    expect(final.files().filter((f) => f.path === 'b.parquet')).toHaveLength(1);
  });

  test('lost races to commits with other ids retry as blind appends', async () => {
    const { store, base } = await table('txns-other');
    await commitTransaction(createEngine(store), base, request(['x']));
    const out = await commitTransaction(createEngine(store), base, request(['a']));
    expect(out.version).toBe(2);
    expect(out.conflictsRetried).toBe(1);
    expect(out.snapshot.txn('x')?.version).toBe(1);
    expect(out.snapshot.txn('a')?.version).toBe(1);
  });

  test('keeps the single txn behaviour: an applied txn skips the commit', async () => {
    const { store, base } = await table('txns-single');
    const req: CommitRequest = { ...request(['a']), txns: undefined, txn: { appId: 'app', version: 3 } };
    const first = await commitTransaction(createEngine(store), base, req);
    expect(first.skipped).toBe(false);
    const again = await commitTransaction(createEngine(store), first.snapshot, req);
    expect(again.skipped).toBe(true);
    expect((await txnLines(store, 1)).map((t) => t.appId)).toEqual(['app']);
  });
});

describe('CommitRequest.readTxns', () => {
  const mark = (version: number): CommitRequest => ({
    actions: [{ txn: { appId: 'mark', version, lastUpdated: 1 } }],
    operation: 'MERGE',
    isBlindAppend: false,
  });

  test('a concurrent commit writing a txn for an app id read is a ConcurrentTransactionError', async () => {
    const { store, base } = await table('read-txns');
    const engine = createEngine(store);
    await commitTransaction(engine, base, mark(1));
    const err = await commitTransaction(engine, base, { ...request(['b']), readTxns: ['mark'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConcurrentTransactionError);
    expect((err as Error).message).toContain('"mark"');
    // Without the dependency the same commit lands over the mark.
    const ok = await commitTransaction(engine, base, request(['c']));
    expect(ok.version).toBe(base.version + 2);
    // A winner with another app id is no conflict.
    const other = await commitTransaction(engine, ok.snapshot, { ...request(['d']), readTxns: ['other'] });
    expect(other.version).toBe(ok.version + 1);
  });
});
