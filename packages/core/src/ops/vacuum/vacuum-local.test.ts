/** VACUUM on LocalStore: file ages from mtimes, and a Spark table with deletion vectors. */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitTransaction } from '../../transaction/index.js';
import { MissingDataFileError } from '../../errors.js';
import { copyCorpusTable } from '../../../test/support/log-fixtures.js';
import { DeltaTable } from '../../table/delta-table.js';
import { DAY, HOUR, ids, rejection, rows } from '../../../test/support/vacuum-tables.js';
import { vacuum } from './vacuum.js';
import { assertValidTable } from '../../../../../test/support/validate-table.js';
import { createEngine } from '../../engine/engine.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function corpus(table: string): Promise<string> {
  const d = await copyCorpusTable(table);
  dirs.push(d);
  return d;
}
const rowCount = async (t: DeltaTable, version?: number) =>
  (await t.toArrow(version === undefined ? {} : { version })).numRows;

describe('vacuum on LocalStore', () => {
  it('uses file mtimes: full mode deletes old untracked files and keeps young ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ds-vacuum-'));
    dirs.push(dir);
    const table = await DeltaTable.create(dir, { schema: rows([1]).schema });
    await table.append(rows([1, 2]));
    await table.overwrite(rows([3]));
    const now = Date.now();
    await writeFile(join(dir, 'old-orphan.parquet'), 'x');
    await writeFile(join(dir, 'young-orphan.parquet'), 'y');
    const twoHoursAgo = new Date(now - 2 * HOUR);
    await utimes(join(dir, 'old-orphan.parquet'), twoHoursAgo, twoHoursAgo);
    const r = await vacuum(table.snapshot, { mode: 'full', retentionHours: 1, enforceRetention: false, now });
    // The overwritten file's tombstone is seconds old: kept, like the young orphan.
    expect(r.filesDeleted).toEqual([{ path: 'old-orphan.parquet', size: 1 }]);
    expect(existsSync(join(dir, 'old-orphan.parquet'))).toBe(false);
    expect(existsSync(join(dir, 'young-orphan.parquet'))).toBe(true);
    expect(await ids(table, 1)).toEqual([1, 2]);
    await assertValidTable(dir, { failOnWarnings: true });
  });
});

describe('vacuum with deletion vectors (delta-spark/table-with-dv-large)', () => {
  const T = 'delta-spark/table-with-dv-large';
  const EXPECTED_ROWS = [2000, 1995, 1997, 1991, 1993]; // versions 0..4
  const dvFiles = (dir: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.bin'))
      .sort();

  it('keeps every file a DV or data file still needs, even long after the tombstones expired', async () => {
    const dir = await corpus(T);
    await writeFile(join(dir, 'stray.parquet'), 'z');
    await utimes(join(dir, 'stray.parquet'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const table = await DeltaTable.open(dir);
    const dvsBefore = dvFiles(dir);
    expect(dvsBefore).toHaveLength(2);
    const now = Date.now() + 365 * DAY;
    // Every tombstone of this table is of a file that is still live (with a newer DV).
    const lite = await vacuum(table.snapshot, { now });
    expect(lite.filesDeleted).toEqual([]);
    const full = await vacuum(table.snapshot, { now, mode: 'full' });
    expect(full.filesDeleted).toEqual([{ path: 'stray.parquet', size: 1 }]);
    // DV files carry a name prefix the log does not record: still recognised as live.
    expect(dvFiles(dir)).toEqual(dvsBefore);
    await table.refresh();
    for (let v = 0; v <= 4; v++) expect(await rowCount(table, v)).toBe(EXPECTED_ROWS[v]);
  });

  it('deletes data files and a DV file once nothing retained uses them', async () => {
    const dir = await corpus(T);
    const table = await DeltaTable.open(dir);
    const snap = table.snapshot;
    // part-00003 and part-00015 are the last live users of the first DELETE's DV file.
    const victims = snap.files().filter((f) => /^part-000(03|15)-/.test(f.path));
    expect(victims).toHaveLength(2);
    const sharedDv = victims[0]!.deletionVector!.pathOrInlineDv;
    expect(victims[1]!.deletionVector!.pathOrInlineDv).toBe(sharedDv);
    await commitTransaction(createEngine(snap.store), snap, {
      actions: victims.map((f) => ({
        remove: {
          path: f.path,
          deletionTimestamp: Date.now(),
          dataChange: true,
          size: f.size,
          deletionVector: f.deletionVector,
        },
      })),
      operation: 'DELETE',
      isBlindAppend: false,
      read: { wholeTable: true },
    });
    const dvsBefore = dvFiles(dir);
    const now = Date.now() + 8 * DAY;
    const r = await vacuum(table.snapshot, { now, mode: 'full' });
    const deleted = r.filesDeleted.map((f) => f.path);
    expect(deleted.filter((p) => p.endsWith('.parquet')).sort()).toEqual(victims.map((f) => f.path).sort());
    const deletedDvs = deleted.filter((p) => p.endsWith('.bin'));
    expect(deletedDvs).toHaveLength(1);
    expect(dvFiles(dir)).toEqual(dvsBefore.filter((f) => f !== deletedDvs[0]));
    await table.refresh();
    expect(await rowCount(table)).toBe(1993 - 2 * 99);
    expect(await rowCount(table, 5)).toBe(1993 - 2 * 99);
    const err = await rejection(rowCount(table, 4));
    expect(err).toBeInstanceOf(MissingDataFileError);
    expect(err.message).toContain('version 4');
  });
});
