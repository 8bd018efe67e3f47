/**
 * Snapshot loading from version checksums (`N.crc`, issue #11 item 9): with `lazyFiles`, a
 * version with a valid checksum loads protocol, metadata and app transactions from it and
 * commit N alone, and the file list is read only when something needs it. Counted request by
 * request: a cold append on a young table reads neither the other commits nor a checkpoint.
 * A missing, corrupt or disagreeing checksum, or a newer commit without one, falls back to
 * the replay; Spark-written checksums of the corpus give what the replay gives.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { DeltaTable, FilesNotLoadedError, LocalStore, writeDeltaTable } from '@delta-serverless/core';
import { commitPath, versionPrefix } from '@delta-serverless/core/internal';
import { CountingStore } from '../support/counting-store.js';
import { validateTable } from '../support/validate-table.js';
import { CORPUS, firstColumnSorted, range, removeTempDirs, tempDir } from './support.js';

afterAll(removeTempDirs);

const ids = (from: number, to: number) => arrow.tableFromArrays({ id: BigInt64Array.from(range(from, to), BigInt) });
const crcPath = (dir: string, v: number) => join(dir, '_delta_log', `${versionPrefix(v)}.crc`);
const APP = (v: number) => ({ appId: `app-${v}`, version: v });

/** A young table: `versions` appends of 10 ids, each with a txn, no checkpoint. */
async function youngTable(versions: number, properties?: Record<string, string>): Promise<string> {
  const dir = tempDir('ds-crc-');
  for (let v = 0; v < versions; v++)
    await writeDeltaTable(dir, ids(10 * v, 10 * v + 9), { txn: APP(v), properties: v === 0 ? properties : undefined });
  return dir;
}

/** Open with lazyFiles through a counting store, append 10 ids with a txn, return the requests. */
async function coldAppend(dir: string, v: number) {
  const store = new CountingStore(new LocalStore(dir));
  const table = await DeltaTable.open(store, { lazyFiles: true });
  const opened = { filesLoaded: table.snapshot.filesLoaded, gets: store.paths('get'), lists: store.count('list') };
  expect(table.snapshot.txn(`app-${v - 1}`)?.version).toBe(v - 1);
  const result = await table.append(ids(10 * v, 10 * v + 9), { txn: APP(v) });
  expect(result.version).toBe(v);
  return { store, opened, result, table };
}

describe('loading from version checksums', () => {
  test('a cold append on a young table reads the checksum and its commit, not the log', async () => {
    const dir = await youngTable(6);
    const { store, opened, result } = await coldAppend(dir, 6);
    expect(opened.filesLoaded).toBe(false);
    expect(opened.lists).toBe(1);
    expect(opened.gets.sort()).toEqual([
      `_delta_log/${versionPrefix(5)}.crc`,
      commitPath(5),
      '_delta_log/_last_checkpoint',
    ]);
    // After the open: the data file and commit 6 written, its checksum put; nothing else read.
    expect(store.paths('get').filter((p) => p.endsWith('.json'))).toEqual([commitPath(5)]);
    expect(store.count('list')).toBe(1);
    expect(result.snapshot.filesLoaded).toBe(false);
    expect(result.snapshot.numFiles).toBe(7); // counted through our own append

    // The checksum written from the head equals one written from the replayed state.
    const fromHead = JSON.parse(fs.readFileSync(crcPath(dir, 6), 'utf8')) as Record<string, unknown>;
    const replayed = await DeltaTable.open(dir);
    expect(replayed.snapshot.numFiles).toBe(fromHead.numFiles);
    expect(replayed.snapshot.sizeInBytes).toBe(fromHead.tableSizeBytes);
    expect(replayed.snapshot.metadata).toEqual(fromHead.metadata);
    expect(firstColumnSorted(await replayed.toArrow())).toEqual(range(0, 69));
    await validateTable(dir);
  });

  test('without checksums the same cold append replays every commit (the baseline)', async () => {
    const dir = await youngTable(6);
    for (let v = 0; v < 6; v++) fs.rmSync(crcPath(dir, v));
    const { store, opened } = await coldAppend(dir, 6);
    expect(opened.filesLoaded).toBe(true);
    expect(opened.gets.filter((p) => p.endsWith('.json')).sort()).toEqual(range(0, 5).map(commitPath));
    expect(store.paths('get').filter((p) => p.endsWith('.crc'))).toEqual([]); // none listed, none fetched
    expect(fs.existsSync(crcPath(dir, 6))).toBe(true);
    await validateTable(dir);
  });

  test('the file list is read when something needs it, and equals the replay', async () => {
    const dir = await youngTable(4);
    const table = await DeltaTable.open(dir, { lazyFiles: true });
    const snap = table.snapshot;
    expect(snap.filesLoaded).toBe(false);
    expect(snap.numFiles).toBe(4); // from the checksum
    expect(() => snap.files()).toThrow(FilesNotLoadedError);
    expect(() => snap.files()).toThrow(/loadFiles/);
    expect(firstColumnSorted(await table.toArrow())).toEqual(range(0, 39)); // the scan loads it
    expect(snap.filesLoaded).toBe(true);
    const replayed = (await DeltaTable.open(dir)).snapshot;
    expect(
      snap
        .files()
        .map((f) => f.path)
        .sort(),
    ).toEqual(
      replayed
        .files()
        .map((f) => f.path)
        .sort(),
    );
    // DML on a lazily opened table loads the files first.
    const lazy = await DeltaTable.open(dir, { lazyFiles: true });
    const del = await lazy.delete('id < 5');
    expect(del.metrics.numDeletedRows).toBe(5);
    expect(firstColumnSorted(await lazy.toArrow())).toEqual(range(5, 39));
    await validateTable(dir);
  });

  test('corrupt, inconsistent or foreign-transaction checksums fall back to the replay', async () => {
    const dir = await youngTable(3);
    const good = fs.readFileSync(crcPath(dir, 2), 'utf8');
    const parsed = JSON.parse(good) as Record<string, unknown>;
    const bad: string[] = [
      '{"tableSizeBytes": 1',
      JSON.stringify({ ...parsed, numProtocol: 2 }),
      JSON.stringify({ ...parsed, txnId: 'another-writer' }), // not the transaction of commit 2
      JSON.stringify({ ...parsed, setTransactions: [] }), // disagrees with commit 2's txn
      JSON.stringify({ ...parsed, setTransactions: undefined }), // older Spark: no txns in it
    ];
    for (const body of bad) {
      fs.writeFileSync(crcPath(dir, 2), body);
      const table = await DeltaTable.open(dir, { lazyFiles: true });
      expect(table.snapshot.filesLoaded, body).toBe(true);
      expect(table.snapshot.txn('app-2')?.version).toBe(2);
    }
    fs.writeFileSync(crcPath(dir, 2), good);
    expect((await DeltaTable.open(dir, { lazyFiles: true })).snapshot.filesLoaded).toBe(false); // the good one is used

    // A commit that changes the metadata or protocol must agree with the checksum's.
    const t = await DeltaTable.open(dir);
    await t.setProperties({ 'delta.appendOnly': 'true' });
    const crc3 = JSON.parse(fs.readFileSync(crcPath(dir, 3), 'utf8')) as { metadata: { configuration: object } };
    fs.writeFileSync(crcPath(dir, 3), JSON.stringify({ ...crc3, metadata: { ...crc3.metadata, configuration: {} } }));
    const stale = await DeltaTable.open(dir, { lazyFiles: true });
    expect(stale.snapshot.filesLoaded).toBe(true);
    expect(stale.snapshot.properties['delta.appendOnly']).toBe('true');
  });

  test('a newer commit without a checksum means replay, not the older checksum', async () => {
    const dir = await youngTable(3);
    fs.rmSync(crcPath(dir, 2));
    const table = await DeltaTable.open(dir, { lazyFiles: true });
    expect(table.snapshot.version).toBe(2);
    expect(table.snapshot.filesLoaded).toBe(true);
    expect(table.snapshot.txn('app-2')?.version).toBe(2);
  });

  test('a lazily held table refreshes over other writers and keeps the checksum chain exact', async () => {
    const dir = await youngTable(2);
    const table = await DeltaTable.open(dir, { lazyFiles: true });
    await writeDeltaTable(dir, ids(20, 29), { txn: APP(2) }); // another writer: v2
    const store = new CountingStore(new LocalStore(dir));
    const other = await DeltaTable.open(store, { lazyFiles: true });
    expect(other.snapshot.filesLoaded).toBe(false);
    const refreshed = await table.refresh();
    expect(refreshed.version).toBe(2);
    expect(refreshed.filesLoaded).toBe(false);
    expect(refreshed.txn('app-2')?.version).toBe(2);
    // Our append on the refreshed head: counts came back from 2.crc, so 3.crc is written and exact.
    await table.append(ids(30, 39), { txn: APP(3) });
    const crc3 = JSON.parse(fs.readFileSync(crcPath(dir, 3), 'utf8')) as { numFiles: number; tableSizeBytes: number };
    const replayed = (await DeltaTable.open(dir)).snapshot;
    expect(crc3.numFiles).toBe(replayed.numFiles);
    expect(crc3.tableSizeBytes).toBe(replayed.sizeInBytes);
    await validateTable(dir);
  });

  test('in-commit timestamps stay monotonic from a checksum-loaded head', async () => {
    const dir = await youngTable(2, { 'delta.enableInCommitTimestamps': 'true' });
    const before = await DeltaTable.open(dir, { lazyFiles: true });
    expect(before.snapshot.filesLoaded).toBe(false);
    const prev = before.snapshot.timestamp!;
    // A writer whose clock is an hour behind still commits after the previous in-commit timestamp.
    const late = await DeltaTable.open(dir, { lazyFiles: true, engine: { clock: { now: () => prev - 3_600_000 } } });
    const r = await late.append(ids(20, 29));
    expect(r.snapshot.timestamp).toBe(prev + 1);
    await validateTable(dir);
  });

  test('Spark-written checksums in the corpus give the protocol, metadata and txns of the replay', async () => {
    const index = JSON.parse(fs.readFileSync(join(CORPUS, 'index.json'), 'utf8')) as {
      tables: { path: string; negative: boolean }[];
    };
    let fromChecksum = 0;
    for (const { path: rel } of index.tables.filter((t) => !t.negative)) {
      const eager = await DeltaTable.open(join(CORPUS, rel)).catch(() => undefined);
      if (!eager) continue; // tables whose latest version the replay refuses (time travel only)
      const lazy = (await DeltaTable.open(join(CORPUS, rel), { lazyFiles: true })).snapshot;
      const full = eager.snapshot;
      if (!lazy.filesLoaded) fromChecksum++;
      expect(lazy.version, rel).toBe(full.version);
      expect(lazy.protocol, rel).toEqual(full.protocol);
      expect(lazy.metadata, rel).toEqual(full.metadata);
      for (const appId of ['', ...txnIds(full)]) expect(lazy.txn(appId), rel).toEqual(full.txn(appId));
      if (!lazy.filesLoaded) {
        expect(lazy.numFiles, rel).toBe(full.numFiles);
        expect(lazy.sizeInBytes, rel).toBe(full.sizeInBytes);
      }
    }
    expect(fromChecksum).toBeGreaterThan(5);
  });
});

function txnIds(s: { state: { txns: ReadonlyMap<string, unknown> } }): string[] {
  return [...s.state.txns.keys()];
}
