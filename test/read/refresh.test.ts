/**
 * Incremental refresh and snapshot loading, asserted request by request through a
 * counting store: refresh lists only after the held version and reads only new commits;
 * a load with a checkpoint takes `_last_checkpoint`, one listing, then checkpoint and
 * later commits in parallel.
 */
import * as fs from 'node:fs';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { DeltaTable, LocalStore, SnapshotScan, writeDeltaTable } from '@delta-serverless/core';
import { commitPath, versionPrefix } from '@delta-serverless/core/internal';
import { CountingStore } from '../support/counting-store.js';
import {
  commitFile,
  copyCorpusTable,
  firstColumnSorted,
  range,
  removeTempDirs,
  tempDir as readTempDir,
} from './support.js';
import { validatedDirs } from '../support/validate-written.js';

afterAll(removeTempDirs);
// Every table these tests write goes through the independent validator after the test.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

function ids(from: number, to: number): arrow.Table {
  return arrow.tableFromArrays({ id: BigInt64Array.from(range(from, to), BigInt) });
}

const startAfter = (heldVersion: number) => `_delta_log/${versionPrefix(heldVersion)}.~`;

/** A table written in `versions` commits of 10 ids each (v0: 0-9, v1: 10-19, ...). */
async function writtenTable(versions: number, properties?: Record<string, string>): Promise<string> {
  const dir = tempDir();
  for (let v = 0; v < versions; v++)
    await writeDeltaTable(dir, ids(10 * v, 10 * v + 9), { properties: v === 0 ? properties : undefined });
  return dir;
}

/** Checkpoint every 3 versions, so a few writes make one. */
const CHECKPOINT_EVERY_3 = { 'delta.checkpointInterval': '3' };

describe('refresh', () => {
  test('after appends by another writer: one listing after the held version, then only the new commits', async () => {
    const dir = await writtenTable(2);
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    expect(table.version).toBe(1);

    // Another writer, with its own store, appends v2 and v3.
    await writeDeltaTable(dir, ids(20, 29));
    await writeDeltaTable(dir, ids(30, 39));

    store.reset();
    const snap = await table.refresh();
    expect(snap.version).toBe(3);
    expect(table.version).toBe(3);
    expect(store.requests.map((r) => [r.kind, r.path, r.startAfter])).toEqual([
      ['list', '_delta_log/', startAfter(1)],
      ['get', commitPath(2), undefined],
      ['get', commitPath(3), undefined],
    ]);
    expect(store.waves).toBe(2);
    expect(snap.numFiles).toBe(4);
    expect(firstColumnSorted(await table.toArrow())).toEqual(range(0, 39));
  });

  test('with nothing new: a single listing and the same snapshot object', async () => {
    const dir = await writtenTable(2);
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    const before = table.snapshot;
    store.reset();
    const after = await table.refresh();
    expect(after).toBe(before);
    expect(store.requests.map((r) => [r.kind, r.path, r.startAfter])).toEqual([['list', '_delta_log/', startAfter(1)]]);
  });

  test('a snapshot held before refresh is unchanged (immutable)', async () => {
    const dir = await writtenTable(2);
    const table = await DeltaTable.open(dir);
    const old = table.snapshot;
    const oldFiles = [...old.files()];
    const oldTimestamp = old.timestamp;

    await writeDeltaTable(dir, ids(20, 29));
    await writeDeltaTable(dir, ids(0, 9), { mode: 'overwrite' });
    const fresh = await table.refresh();

    expect(fresh).not.toBe(old);
    expect(fresh.version).toBe(3);
    expect(fresh.numFiles).toBe(1);
    expect(old.version).toBe(1);
    expect(old.numFiles).toBe(2);
    expect(old.files()).toEqual(oldFiles);
    expect(old.timestamp).toBe(oldTimestamp);
    expect(old.tombstones()).toHaveLength(0);
    expect(fresh.tombstones()).toHaveLength(3);
    // The old snapshot still scans the old data; the table the new data.
    expect(firstColumnSorted(await new SnapshotScan(old).toArrow())).toEqual(range(0, 19));
    expect(firstColumnSorted(await table.toArrow())).toEqual(range(0, 9));
  });

  test('across a checkpoint written by another writer: reads the commits, not the checkpoint', async () => {
    const dir = await writtenTable(2, CHECKPOINT_EVERY_3); // v0-v1
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    expect(table.version).toBe(1);
    for (let v = 2; v <= 4; v++) await writeDeltaTable(dir, ids(10 * v, 10 * v + 9));
    expect(fs.existsSync(`${dir}/_delta_log/${versionPrefix(3)}.checkpoint.parquet`)).toBe(true);

    store.reset();
    await table.refresh();
    expect(table.version).toBe(4);
    expect(store.paths('list')).toEqual(['_delta_log/']);
    expect(store.requests[0]!.startAfter).toBe(startAfter(1));
    expect(store.paths('get').sort()).toEqual([commitPath(2), commitPath(3), commitPath(4)]);
    expect(firstColumnSorted(await table.toArrow())).toEqual(range(0, 49));
  });

  test('when the log no longer connects to the held version, it reloads from the checkpoint', async () => {
    const dir = await writtenTable(2, CHECKPOINT_EVERY_3);
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    for (let v = 2; v <= 4; v++) await writeDeltaTable(dir, ids(10 * v, 10 * v + 9));
    // Log cleanup as Delta does it: the commits before the v3 checkpoint go (commit 2 among them).
    for (let v = 0; v <= 2; v++) fs.rmSync(commitFile(dir, v));
    store.reset();
    const snap = await table.refresh();
    expect(snap.version).toBe(4);
    expect(snap.numFiles).toBe(5);
    expect(store.paths('get')).toContain(`_delta_log/${versionPrefix(3)}.checkpoint.parquet`);
    expect(firstColumnSorted(await table.toArrow())).toEqual(range(0, 49));
  });

  test('time travel forward from the held version reads only the commits in between', async () => {
    const dir = await writtenTable(5);
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store, { version: 1 });
    store.reset();
    const snap = await table.snapshotAt({ version: 3 });
    expect(snap.version).toBe(3);
    expect(store.paths('list')).toEqual(['_delta_log/']);
    expect(store.requests[0]!.startAfter).toBe(startAfter(1));
    expect(store.paths('get').sort()).toEqual([commitPath(2), commitPath(3)]);
    expect(table.version).toBe(1);
  });
});

describe('snapshot load with a checkpoint', () => {
  test('_last_checkpoint, one listing from the checkpoint, then checkpoint and later commits in parallel', async () => {
    const dir = copyCorpusTable('delta-golden/basic-with-inserts-deletes-checkpoint');
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    expect(table.version).toBe(13);
    const checkpoint = `_delta_log/${versionPrefix(10)}.checkpoint.parquet`;
    expect(store.requests.map((r) => [r.wave, r.kind, r.path, r.startAfter ?? null])).toEqual([
      [1, 'get', '_delta_log/_last_checkpoint', null],
      [2, 'list', '_delta_log/', startAfter(9)],
      [3, 'get', checkpoint, null],
      [3, 'get', commitPath(11), null],
      [3, 'get', commitPath(12), null],
      [3, 'get', commitPath(13), null],
    ]);
    expect(store.count('head')).toBe(0);
    // The whole checkpoint (16,479 bytes) comes in one ranged read.
    expect(store.requests[2]!.range).toEqual({ start: 0, end: 16479 });
    expect(table.snapshot.numFiles).toBe(7);
  });

  test('at the checkpoint version: the checkpoint and, in the same wave, the commit of that version (for its time)', async () => {
    const dir = copyCorpusTable('delta-golden/basic-with-inserts-deletes-checkpoint');
    const t10 = Date.UTC(2025, 4, 6, 7, 8, 9);
    fs.utimesSync(commitFile(dir, 10), new Date(t10), new Date(t10));
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store, { version: 10 });
    expect(store.requests.map((r) => [r.wave, r.kind, r.path])).toEqual([
      [1, 'get', '_delta_log/_last_checkpoint'],
      [2, 'list', '_delta_log/'],
      [3, 'get', `_delta_log/${versionPrefix(10)}.checkpoint.parquet`],
      [3, 'get', commitPath(10)],
    ]);
    expect(table.snapshot.timestamp).toBe(t10);
  });

  test('time travel to a version before the checkpoint lists the whole log and reads commits only', async () => {
    const dir = copyCorpusTable('delta-golden/basic-with-inserts-deletes-checkpoint');
    const store = new CountingStore(new LocalStore(dir));
    await DeltaTable.open(store, { version: 4 });
    expect(store.requests.map((r) => [r.wave, r.kind, r.path])).toEqual([
      [1, 'get', '_delta_log/_last_checkpoint'],
      [2, 'list', '_delta_log/'],
      ...range(0, 4).map((v) => [3, 'get', commitPath(v)]),
    ]);
    expect(store.requests[1]!.startAfter).toBeUndefined();
  });

  test('without _last_checkpoint: one full listing, then checkpoint and later commits', async () => {
    const dir = copyCorpusTable('delta-golden/basic-with-inserts-deletes-checkpoint');
    fs.rmSync(`${dir}/_delta_log/_last_checkpoint`);
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    expect(table.version).toBe(13);
    expect(store.count('list')).toBe(1);
    expect(store.requests[1]!.startAfter).toBeUndefined();
    expect(store.paths('get').slice(1).sort()).toEqual([
      `_delta_log/${versionPrefix(10)}.checkpoint.parquet`,
      commitPath(11),
      commitPath(12),
      commitPath(13),
    ]);
    expect(store.waves).toBe(3);
  });

  test('a scan after load reads only the selected data files, each in one request', async () => {
    const dir = copyCorpusTable('delta-golden/basic-with-inserts-deletes-checkpoint');
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    store.reset();
    const out = await table.toArrow({ filter: 'id >= 60' });
    expect(firstColumnSorted(out)).toEqual(range(60, 65));
    // Stats skip 5 of the 6 files; the one left is read with one ranged GET (footer prefetch covers it).
    expect(store.requests.map((r) => r.kind)).toEqual(['get']);
    expect(store.requests[0]!.path).toBe('part-00000-7d1a368c-74ea-42df-9527-2c9a7c8292b9-c000.snappy.parquet');
  });
});
