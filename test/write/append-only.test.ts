/**
 * delta.appendOnly=true: every commit that removes data is refused, whatever the operation
 * (RESTORE, overwrite, replaceWhere, DELETE, UPDATE, a hand-made commit), from the SDK and the
 * CLI, and nothing is committed; OPTIMIZE (dataChange false) and appends still work.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DeltaTable, WriteNotAllowedError, writeDeltaTable } from '@delta-serverless/core';
import { commitTransaction } from '@delta-serverless/core/internal';
import { runCli as cli } from '../support/cli.js';
import { tempDirs } from './helpers.js';
import { validatedDirs } from '../support/validate-written.js';

// Every table these tests write goes through the independent validator after the test.
const newDir = validatedDirs(tempDirs('append-only')).dir;

const ids = (...v: number[]) =>
  arrow.tableFromArrays({ id: BigInt64Array.from(v.map(BigInt)), p: v.map((x) => `p${x % 2}`) });

/** The CLI reproduction of the issue: append base.csv with appendOnly, append one.csv. */
async function appendOnlyTable(): Promise<string> {
  const dir = newDir();
  const inputs = newDir();
  fs.writeFileSync(path.join(inputs, 'base.csv'), 'id,name,amount\n1,a,1.5\n2,b,2.5\n3,c,3.5\n');
  fs.writeFileSync(path.join(inputs, 'one.csv'), 'id,name,amount\n4,d,4.5\n');
  expect((await cli('append', dir, path.join(inputs, 'base.csv'), '--property', 'delta.appendOnly=true')).code).toBe(0);
  expect((await cli('append', dir, path.join(inputs, 'one.csv'))).code).toBe(0);
  return dir;
}

const REFUSED = /would remove data, but the table is append-only \(delta\.appendOnly=true\)/;

describe('append-only tables', () => {
  it('RESTORE to an earlier version is refused (CLI and SDK) and commits nothing', async () => {
    const dir = await appendOnlyTable();
    const r = await cli('restore', dir, '--version', '0');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/RESTORE would remove data/);
    const table = await DeltaTable.open(dir);
    await expect(table.restore({ version: 0 })).rejects.toThrow(WriteNotAllowedError);
    expect((await DeltaTable.open(dir)).version).toBe(1);
    expect((await table.toArrow()).numRows).toBe(4);
  });

  it('DELETE and UPDATE are refused (CLI and SDK) and commit nothing', async () => {
    const dir = await appendOnlyTable();
    for (const argv of [
      ['delete', dir, '--where', 'id = 1'],
      ['update', dir, '--set', 'amount = 0', '--where', 'id = 1'],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv[0]).toBe(1);
      expect(r.err, argv[0]).toMatch(/(DELETE|UPDATE) would remove data/);
    }
    const table = await DeltaTable.open(dir);
    await expect(table.delete()).rejects.toThrow(REFUSED);
    await expect(table.update({ set: { amount: 0 } })).rejects.toThrow(REFUSED);
    expect((await DeltaTable.open(dir)).version).toBe(1);
    expect((await table.toArrow()).numRows).toBe(4);
  });

  it('overwrite, replaceWhere and a hand-made commit with a data-changing remove are refused', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, ids(1, 2, 3), { partitionBy: ['p'], properties: { 'delta.appendOnly': 'true' } });
    await expect(writeDeltaTable(dir, ids(9), { mode: 'overwrite' })).rejects.toThrow(REFUSED);
    await expect(writeDeltaTable(dir, ids(9), { mode: 'overwrite', replaceWhere: "p = 'p1'" })).rejects.toThrow(
      REFUSED,
    );
    const snap = (await DeltaTable.open(dir)).snapshot;
    const f = snap.files()[0]!;
    await expect(
      commitTransaction(snap.engine, snap, {
        actions: [{ remove: { path: f.path, deletionTimestamp: Date.now(), dataChange: true } }],
        operation: 'DELETE',
        isBlindAppend: false,
      }),
    ).rejects.toThrow(/DELETE would remove data/);
    expect((await DeltaTable.open(dir)).version).toBe(0);
  });

  it('OPTIMIZE (removes with dataChange false) and appends still commit', async () => {
    const dir = await appendOnlyTable();
    const table = await DeltaTable.open(dir);
    const r = await table.optimize();
    expect(r.metrics.numFilesRemoved).toBe(2);
    await table.append(
      arrow.tableFromArrays({ id: BigInt64Array.from([5n]), name: ['e'], amount: Float64Array.from([5.5]) }),
    );
    expect((await table.toArrow()).numRows).toBe(5);
  });
});
