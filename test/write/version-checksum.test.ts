/**
 * Version checksum files (`N.crc`): one per commit of every operation, agreeing with the
 * independent validator's replay (file count, table size, protocol, metadata, app
 * transactions, in-commit timestamp); written best effort, so a failed write leaves the
 * commit as it is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeltaTable, LocalStore, writeDeltaTable } from '@delta-serverless/core';
import { FaultyStore } from '../support/faulty-store.js';
import { batch, build, commitVersions, tempDirs, validate } from './helpers.js';

const newDir = tempDirs('crc');
const crcOf = (dir: string, v: number) =>
  JSON.parse(fs.readFileSync(path.join(dir, '_delta_log', `${String(v).padStart(20, '0')}.crc`), 'utf8')) as Record<
    string,
    unknown
  >;

describe('N.crc after every operation', () => {
  test('create, append, overwrite, OPTIMIZE, RESTORE and VACUUM each leave a checksum the validator agrees with', async () => {
    const dir = newDir();
    const rows = (ids: number[]) => batch({ id: build.int(ids), p: build.string(ids.map((i) => `p${i % 2}`)) });
    await writeDeltaTable(dir, rows([1, 2]), {
      partitionBy: ['p'],
      properties: { 'delta.enableInCommitTimestamps': 'true' },
    });
    const t = await DeltaTable.open(dir);
    await t.append(rows([3]), { txn: { appId: 'app-1', version: 7 } });
    await t.overwrite(rows([4, 5, 6]));
    await t.append(rows([7]));
    await t.optimize();
    await t.restore({ version: 1 });
    await t.vacuum({ retentionHours: 0, enforceRetention: false });
    const versions = commitVersions(dir);
    expect(versions.length).toBeGreaterThanOrEqual(7);
    for (const v of versions)
      expect(fs.existsSync(path.join(dir, '_delta_log', `${String(v).padStart(20, '0')}.crc`)), `v${v}`).toBe(true);
    await validate(dir); // compares every N.crc with its own replay
    const latest = crcOf(dir, versions[versions.length - 1]!);
    const snap = (await DeltaTable.open(dir)).snapshot;
    expect(latest.numFiles).toBe(snap.numFiles);
    expect(latest.tableSizeBytes).toBe(snap.files().reduce((n, f) => n + f.size, 0));
    expect(latest).toMatchObject({ numMetadata: 1, numProtocol: 1 });
    expect(latest.setTransactions).toEqual([expect.objectContaining({ appId: 'app-1', version: 7 })]);
    expect(typeof latest.inCommitTimestampOpt).toBe('number');
  });

  test('a checksum that cannot be written does not fail the commit', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([1]) }));
    const store = new FaultyStore(new LocalStore(dir), [{ op: 'put', nth: 1, path: /\.crc$/ }]);
    const t = await DeltaTable.open(store);
    const res = await t.append(batch({ id: build.int([2]) }));
    expect(res.version).toBe(1);
    expect(store.fired).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, '_delta_log', '00000000000000000001.crc'))).toBe(false);
    expect(commitVersions(dir)).toEqual([0, 1]);
    await validate(dir);
  });
});
