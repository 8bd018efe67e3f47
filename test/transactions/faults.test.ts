/**
 * Storage faults during writes and reads (FaultyStore): a failed data-file upload or commit put
 * aborts the write with a typed error, commits nothing and leaves no data files behind; the
 * table stays readable; a failure after the commit landed (ambiguous) never corrupts the table.
 */
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  CommitFailedError,
  CommitOutcomeUnknownError,
  DeltaError,
  DeltaTable,
  LocalStore,
  StorageError,
  writeDeltaTable,
  type WriteResult,
} from '@delta-serverless/core';
import { FaultyStore, type Fault } from '../support/faulty-store.js';
import { orphanDataFiles, range, rawCommits, readIds, rows, tempDir, validate } from '../support/txn-harness.js';

const DATA = /^(?!_delta_log\/)/;
const COMMIT = /^_delta_log\/\d{20}\.json$/;

/** v0: ids 0..9 in partition A, 10..19 in B, through a plain store. */
async function seeded(name: string): Promise<string> {
  const dir = path.join(tempDir(name), 't');
  await writeDeltaTable(
    dir,
    rows(range(0, 20), (id) => (id < 10 ? 'A' : 'B')),
    { partitionBy: ['p'] },
  );
  return dir;
}

/** Runs `write` through a FaultyStore armed with `fault`; returns the error (fails if none). */
async function faultedWrite(
  dir: string,
  fault: Fault,
  write: (t: DeltaTable) => Promise<WriteResult>,
): Promise<{ err: unknown; store: FaultyStore }> {
  const store = new FaultyStore(new LocalStore(dir));
  const table = await DeltaTable.open(store);
  store.arm(fault);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('the write hung after the fault')), 20_000),
  );
  const err = await Promise.race([
    write(table).then(
      () => undefined,
      (e: unknown) => e,
    ),
    timeout,
  ]);
  expect(store.fired.length).toBe(1);
  if (err === undefined) throw new Error(`the write succeeded despite the fault on ${store.fired[0]}`);
  return { err, store };
}

/** The table is exactly as seeded: version 0, the seed rows, no stray data files, valid. */
async function unchanged(dir: string): Promise<void> {
  expect(rawCommits(dir).map((c) => c.version)).toEqual([0]);
  expect(await readIds(dir)).toEqual(range(0, 20));
  expect(orphanDataFiles(dir)).toEqual([]);
  await validate(dir);
}

describe('storage faults', () => {
  for (const when of ['before', 'midstream'] as const) {
    test(`data-file upload fails (${when}): typed error, nothing committed, files removed`, async () => {
      const dir = await seeded(`data-${when}`);
      const { err } = await faultedWrite(dir, { op: 'putStream', nth: 1, path: DATA, when }, (t) =>
        t.append(rows(range(100, 50))),
      );
      expect(err).toBeInstanceOf(StorageError);
      expect((err as DeltaError).code).toBe('STORAGE');
      expect((err as Error).message).toMatch(/injected fault/);
      await unchanged(dir);
    });
  }

  test('the second of several partition files fails: the first, already uploaded, is removed too', async () => {
    const dir = await seeded('data-2nd');
    const { store } = await faultedWrite(dir, { op: 'putStream', nth: 2, path: DATA, when: 'midstream' }, (t) =>
      t.append(rows(range(100, 30), (id) => ['A', 'B', 'C'][id % 3]!)),
    );
    expect(store.calls.filter((c) => c.startsWith('putStream')).length).toBeGreaterThanOrEqual(2);
    await unchanged(dir);
  });

  test('a large multi-row-group upload failing mid-stream does not hang the writer', async () => {
    const dir = await seeded('data-big');
    const { err } = await faultedWrite(dir, { op: 'putStream', nth: 1, path: DATA, when: 'midstream' }, (t) =>
      t.append(rows(range(1000, 200_000)), { rowGroupSize: 10_000 }),
    );
    expect(err).toBeInstanceOf(StorageError);
    await unchanged(dir);
  });

  test('overwrite whose upload fails keeps the old data', async () => {
    const dir = await seeded('data-ow');
    const { err } = await faultedWrite(dir, { op: 'putStream', nth: 1, path: DATA }, (t) =>
      t.overwrite(rows(range(100, 5))),
    );
    expect(err).toBeInstanceOf(DeltaError);
    await unchanged(dir);
  });

  test('the commit put fails: CommitFailedError, no commit, data files removed, table readable', async () => {
    const dir = await seeded('commit');
    const { err, store } = await faultedWrite(dir, { op: 'put', nth: 1, path: COMMIT }, (t) =>
      t.append(rows(range(100, 5))),
    );
    expect(err).toBeInstanceOf(CommitFailedError);
    expect((err as Error).message).toMatch(/commit 1 .*failed: injected fault.*Nothing was committed/);
    expect((err as Error).cause).toBeInstanceOf(StorageError);
    expect(store.fired).toEqual(['put _delta_log/00000000000000000001.json']);
    await unchanged(dir);
    // The next write through the same (now healthy) store commits normally.
    const table = await DeltaTable.open(store);
    expect((await table.append(rows([100]))).version).toBe(1);
    expect(await readIds(dir)).toEqual([...range(0, 20), 100]);
  });

  test('the commit put reports failure after the commit landed: recognised as committed, files kept', async () => {
    const dir = await seeded('commit-after');
    const store = new FaultyStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    store.arm({ op: 'put', nth: 1, path: COMMIT, when: 'after' });
    const r = await table.append(rows(range(100, 5)));
    expect(store.fired).toEqual(['put _delta_log/00000000000000000001.json']);
    expect([r.version, r.skipped, r.conflictsRetried]).toEqual([1, false, 0]);
    expect(rawCommits(dir).map((c) => c.version)).toEqual([0, 1]);
    expect(await readIds(dir)).toEqual([...range(0, 20), ...range(100, 5)]);
    await validate(dir);
  });

  test('the commit landed but neither the put nor the check can tell: CommitOutcomeUnknownError, files kept', async () => {
    const dir = await seeded('commit-unknown');
    const store = new FaultyStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    store.arm({ op: 'put', nth: 1, path: COMMIT, when: 'after' }, { op: 'get', nth: 1, path: COMMIT });
    const err = await table.append(rows(range(100, 5))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommitOutcomeUnknownError);
    expect((err as CommitOutcomeUnknownError).version).toBe(1);
    expect((err as Error).message).toMatch(/Read the table before retrying/);
    // The commit is there and so are its files: no corruption.
    expect(rawCommits(dir).map((c) => c.version)).toEqual([0, 1]);
    expect(await readIds(dir)).toEqual([...range(0, 20), ...range(100, 5)]);
    await validate(dir);
  });

  test('a failed commit put whose check also fails: outcome unknown, nothing committed, table intact', async () => {
    const dir = await seeded('commit-unknown-absent');
    const store = new FaultyStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    store.arm({ op: 'put', nth: 1, path: COMMIT }, { op: 'get', nth: 1, path: COMMIT });
    const err = await table.append(rows(range(100, 5))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommitOutcomeUnknownError);
    expect(rawCommits(dir).map((c) => c.version)).toEqual([0]);
    expect(await readIds(dir)).toEqual(range(0, 20));
    // The data files are kept (the engine could not know): unreferenced, harmless, vacuumable.
    expect(orphanDataFiles(dir).length).toBe(1);
    await validate(dir);
  });

  test('reading the winning commit fails during conflict resolution: typed error, nothing of ours committed', async () => {
    const dir = await seeded('winner-get');
    const store = new FaultyStore(new LocalStore(dir));
    const stale = await DeltaTable.open(store);
    await (await DeltaTable.open(dir)).append(rows([200])); // v1, unknown to `stale`
    store.arm({ op: 'get', nth: 1, path: /^_delta_log\/0+1\.json$/ });
    const err = await stale.append(rows([300])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageError);
    expect(rawCommits(dir).map((c) => c.version)).toEqual([0, 1]);
    expect(await readIds(dir)).toEqual([...range(0, 20), 200]);
    expect(orphanDataFiles(dir)).toEqual([]);
    await validate(dir);
  });

  test('a failed data-file read surfaces as a typed error and the next read works', async () => {
    const dir = await seeded('read');
    const store = new FaultyStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    store.arm({ op: 'get', nth: 1, path: /\.parquet$/ });
    const err = await table.toArrow().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeltaError);
    expect((err as DeltaError).code).toBe('STORAGE');
    expect((await table.toArrow()).numRows).toBe(20);
  });

  test('a failed checkpoint write (post-commit) does not fail the commit', async () => {
    const dir = await seeded('checkpoint');
    const store = new FaultyStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    for (let v = 1; v <= 9; v++) await table.append(rows([100 + v]));
    store.arm({ op: 'putStream', nth: 1, path: /checkpoint\.parquet$/, when: 'midstream' });
    const r = await table.append(rows([110])); // v10 -> checkpoint
    expect(r.version).toBe(10);
    expect(r.postCommit?.error).toBeInstanceOf(Error);
    expect(store.fired.length).toBe(1);
    const fresh = await DeltaTable.open(dir);
    expect(fresh.version).toBe(10);
    expect(await readIds(dir)).toEqual([...range(0, 20), ...range(101, 9), 110]);
    await validate(dir);
  });
});
