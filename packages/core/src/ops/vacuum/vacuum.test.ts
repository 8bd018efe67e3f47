/** VACUUM on MemoryStore tables: lite vs full, retention, dry run, commits, failures, reads after. */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MissingDataFileError, RetentionTooShortError } from '../../errors.js';
import { MemoryStore } from '../../storage/memory-store.js';
import { DeltaTable } from '../../table/delta-table.js';
import { commitInfoAt, DAY, ids, rejection, rows, storedKeys } from '../../../test/support/vacuum-tables.js';
import { vacuum } from './vacuum.js';
import type { VacuumProgress } from './types.js';

/** v0 [1,2,3] in one file, v1 overwrite with [4]: v0's file is a tombstone. */
async function overwrittenTable(): Promise<{ store: MemoryStore; table: DeltaTable; oldFile: string }> {
  const store = new MemoryStore('memory://vac');
  const table = await DeltaTable.create(store, { schema: rows([1]).schema });
  await table.append(rows([1, 2, 3]));
  const oldFile = table.snapshot.files()[0]!.path;
  await table.overwrite(rows([4]));
  return { store, table, oldFile };
}

describe('vacuum lite', () => {
  it('keeps tombstones inside the retention window', async () => {
    const { store, table } = await overwrittenTable();
    const before = await storedKeys(store);
    const r = await vacuum(table.snapshot);
    expect(r).toMatchObject({ mode: 'lite', dryRun: false, numFilesDeleted: 0, bytesDeleted: 0, filesDeleted: [] });
    expect(await storedKeys(store)).toEqual(before);
    expect(await ids(table, 1)).toEqual([1, 2, 3]);
  });

  it('deletes expired tombstones, records START/END commits, and old versions fail clearly', async () => {
    const { store, table, oldFile } = await overwrittenTable();
    const size = Number(table.snapshot.tombstones()[0]!.size);
    const events: VacuumProgress[] = [];
    const r = await vacuum(table.snapshot, { now: Date.now() + 8 * DAY, onProgress: (p) => events.push(p) });
    expect(r).toMatchObject({
      numFilesDeleted: 1,
      bytesDeleted: size,
      filesDeleted: [{ path: oldFile, size }],
      readVersion: 2,
      startVersion: 3,
      endVersion: 4,
      filesDeletedTruncated: false,
    });
    expect(events.at(-1)).toEqual({ phase: 'delete', done: 1, total: 1 });
    expect(await storedKeys(store)).toEqual([table.snapshot.files()[0]!.path]);

    const start = await commitInfoAt(store, 3);
    expect(start.operation).toBe('VACUUM START');
    expect(start.operationParameters).toEqual({ retentionCheckEnabled: 'true', defaultRetentionMillis: '604800000' });
    expect(start.operationMetrics).toEqual({ numFilesToDelete: '1', sizeOfDataToDelete: String(size) });
    expect(start.isBlindAppend).toBe(false);
    const end = await commitInfoAt(store, 4);
    expect(end.operation).toBe('VACUUM END');
    expect(end.operationParameters).toEqual({ status: 'COMPLETED' });
    expect(end.operationMetrics).toEqual({ numDeletedFiles: '1', numVacuumedDirectories: '1' });

    await table.refresh();
    expect(await ids(table)).toEqual([4]);
    expect(await ids(table, 2)).toEqual([4]);
    const err = await rejection(ids(table, 1));
    expect(err).toBeInstanceOf(MissingDataFileError);
    expect((err as MissingDataFileError).version).toBe(1);
    expect(err.message).toContain(oldFile);
    expect(err.message).toContain('version 1');
    expect(err.message).toContain('VACUUM');
    expect(err.message).toMatch(/newer version/);
  });

  it('dryRun lists what it would delete and neither deletes nor commits', async () => {
    const { store, table, oldFile } = await overwrittenTable();
    const before = await storedKeys(store);
    const r = await vacuum(table.snapshot, { now: Date.now() + 8 * DAY, dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.filesDeleted.map((f) => f.path)).toEqual([oldFile]);
    expect(r.startVersion).toBeUndefined();
    expect(await storedKeys(store)).toEqual(before);
    expect((await table.refresh()).version).toBe(2);
  });

  it('refuses a retention below the table setting unless enforceRetention is false', async () => {
    const { store, table, oldFile } = await overwrittenTable();
    const err = await rejection(vacuum(table.snapshot, { retentionHours: 0 }));
    expect(err).toBeInstanceOf(RetentionTooShortError);
    expect((await table.refresh()).version).toBe(2); // nothing committed
    const r = await vacuum(table.snapshot, { retentionHours: 0, enforceRetention: false, now: Date.now() + 1 });
    expect(r.filesDeleted.map((f) => f.path)).toEqual([oldFile]);
    const start = await commitInfoAt(store, 3);
    expect(start.operationParameters).toEqual({
      retentionCheckEnabled: 'false',
      specifiedRetentionMillis: '0',
      defaultRetentionMillis: '604800000',
    });
  });

  it('honours delta.deletedFileRetentionDuration', async () => {
    const store = new MemoryStore('memory://prop');
    const table = await DeltaTable.create(store, {
      schema: rows([1]).schema,
      properties: { 'delta.deletedFileRetentionDuration': 'interval 2 hours' },
    });
    await table.append(rows([1]));
    await table.overwrite(rows([2]));
    expect((await vacuum(table.snapshot, { now: Date.now() + 1000 })).numFilesDeleted).toBe(0);
    expect((await vacuum(table.snapshot, { now: Date.now() + 3 * 3_600_000 })).numFilesDeleted).toBe(1);
  });

  it('works on the latest version even when handed a stale snapshot', async () => {
    const { store, table, oldFile } = await overwrittenTable();
    const stale = await DeltaTable.open(store, { version: 1 });
    // At version 1 the first file is live; the latest version has removed it.
    const r = await vacuum(stale.snapshot, { now: Date.now() + 8 * DAY, dryRun: true });
    expect(r.readVersion).toBe(2);
    expect(r.filesDeleted.map((f) => f.path)).toEqual([oldFile]);
    expect(table.version).toBe(2);
  });

  it('commits VACUUM END with status FAILED and rethrows when deleting fails', async () => {
    const { store, table } = await overwrittenTable();
    store.deleteMany = async () => {
      throw new Error('access denied');
    };
    const err = await rejection(vacuum(table.snapshot, { now: Date.now() + 8 * DAY }));
    expect(err.message).toContain('access denied');
    const end = await commitInfoAt(store, 4);
    expect(end.operation).toBe('VACUUM END');
    expect(end.operationParameters).toEqual({ status: 'FAILED' });
  });

  it('lists at most maxListedFiles but counts everything', async () => {
    const store = new MemoryStore('memory://many');
    const table = await DeltaTable.create(store, { schema: rows([1]).schema });
    for (let i = 0; i < 5; i++) await table.append(rows([i]));
    await table.overwrite(rows([9]));
    const r = await vacuum(table.snapshot, { now: Date.now() + 8 * DAY, maxListedFiles: 2, deleteBatchSize: 2 });
    expect(r.numFilesDeleted).toBe(5);
    expect(r.filesDeleted).toHaveLength(2);
    expect(r.filesDeletedTruncated).toBe(true);
    expect(await storedKeys(store)).toHaveLength(1);
  });
});

describe('vacuum full', () => {
  async function withStrays() {
    const { store, table, oldFile } = await overwrittenTable();
    const now = Date.now() + 8 * DAY;
    const put = async (key: string, young = false) => {
      await store.put(key, new Uint8Array(7));
      if (young) store.setLastModified(key, now - 1000);
    };
    await put('orphan-old.parquet');
    await put('orphan-young.parquet', true);
    await put('sub/dir/orphan.parquet');
    await put('_change_data/cdc-00000.parquet');
    await put('_change_data/cdc-young.parquet', true);
    await put('.hidden/part-0.parquet');
    await put('_tmp/part-0.parquet');
    await put('_SUCCESS');
    await put('_delta_log/_staging/junk.json');
    return { store, table, oldFile, now };
  }

  it('lite mode ignores untracked files', async () => {
    const { store, table, oldFile, now } = await withStrays();
    const r = await vacuum(table.snapshot, { now });
    expect(r.filesDeleted.map((f) => f.path)).toEqual([oldFile]);
    expect(await storedKeys(store)).toContain('orphan-old.parquet');
  });

  it('deletes old untracked files, keeps young, hidden and log files', async () => {
    const { store, table, oldFile, now } = await withStrays();
    const live = table.snapshot.files()[0]!.path;
    const events: VacuumProgress[] = [];
    const r = await vacuum(table.snapshot, { now, mode: 'full', onProgress: (p) => events.push(p) });
    expect(r.mode).toBe('full');
    expect(r.filesDeleted.map((f) => f.path)).toEqual(
      ['_change_data/cdc-00000.parquet', oldFile, 'orphan-old.parquet', 'sub/dir/orphan.parquet'].sort(),
    );
    expect(r.filesDeleted.find((f) => f.path === 'orphan-old.parquet')!.size).toBe(7);
    expect(r.numDirectoriesScanned).toBe(4); // root, _change_data, sub, sub/dir
    expect(events.some((e) => e.phase === 'list')).toBe(true);
    expect(await storedKeys(store)).toEqual(
      [
        '.hidden/part-0.parquet',
        '_SUCCESS',
        '_change_data/cdc-young.parquet',
        '_tmp/part-0.parquet',
        live,
        'orphan-young.parquet',
      ].sort(),
    );
    expect(await store.head('_delta_log/_staging/junk.json')).toBeTruthy();
    expect((await commitInfoAt(store, 4)).operationMetrics).toEqual({
      numDeletedFiles: '4',
      numVacuumedDirectories: '4',
    });
    expect(await ids(table)).toEqual([4]);
  });

  it('vacuums partition directories whose column starts with _, not other _ directories', async () => {
    const store = new MemoryStore('memory://part');
    const table = await DeltaTable.create(store, { schema: rows([1], ['a']).schema, partitionBy: ['part'] });
    await table.append(rows([1, 2], ['a', 'b']));
    const now = Date.now() + 8 * DAY;
    await store.put('part=a/stray.parquet', new Uint8Array(3));
    await store.put('_part=a/stray.parquet', new Uint8Array(3));
    const r = await vacuum(table.snapshot, { now, mode: 'full', dryRun: true });
    expect(r.filesDeleted.map((f) => f.path)).toEqual(['part=a/stray.parquet']);

    const store2 = new MemoryStore('memory://part2');
    const t2 = await DeltaTable.create(store2, {
      schema: new arrow.Schema([...rows([1]).schema.fields, new arrow.Field('_p', new arrow.Utf8(), true)]),
      partitionBy: ['_p'],
    });
    await store2.put('_p=x/stray.parquet', new Uint8Array(3));
    await store2.put('_q=x/stray.parquet', new Uint8Array(3));
    const r2 = await vacuum(t2.snapshot, { now, mode: 'full', dryRun: true });
    expect(r2.filesDeleted.map((f) => f.path)).toEqual(['_p=x/stray.parquet']);
  });
});
