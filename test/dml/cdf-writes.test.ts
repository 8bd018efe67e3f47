/**
 * Every writing operation on a change-data-feed table yields the feed Spark's would: appends
 * and whole-file operations derive it from the log, row-level rewrites write `_change_data/`
 * files. The replaceWhere case is issue #11's: a data-column replaceWhere that rewrote files
 * used to report every row of them as deleted and re-inserted.
 */
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { rawCommits, rows, tempDir } from '../support/txn-harness.js';
import { assertValidTable } from '../support/validate-table.js';

async function feed(table: DeltaTable, version: number): Promise<string[]> {
  const t = await table.tableChanges({ startVersion: version, endVersion: version, columns: ['id'] }).toArrow();
  const out: string[] = [];
  for (const b of t.batches)
    for (let i = 0; i < b.numRows; i++)
      out.push(`${String(b.getChild('_change_type')!.get(i))} ${b.getChild('id')!.get(i)}`);
  return out.sort();
}

async function cdfTable(name: string, props: Record<string, string> = {}): Promise<DeltaTable> {
  const dir = path.join(tempDir(name), 't');
  await writeDeltaTable(
    dir,
    rows([1, 2, 3, 4], (id) => (id <= 2 ? 'A' : 'B')),
    {
      partitionBy: ['p'],
      properties: { 'delta.enableChangeDataFeed': 'true', ...props },
    },
  );
  return DeltaTable.open(dir);
}

describe('change data feed of every write on a CDF table', () => {
  test.each([
    ['copy-on-write', {}],
    ['deletion vectors', { 'delta.enableDeletionVectors': 'true' }],
  ])('replaceWhere on a data column (%s): delete 2, 3, 4, insert 9 — not 1', async (_, props) => {
    const t = await cdfTable(`cdf-rw-${Object.keys(props).length}`, props);
    // Row 2 shares its file with 1, which stays.
    await t.overwrite(rows([9], 'B'), { replaceWhere: 'id >= 2' });
    expect(await feed(t, 1)).toEqual(['delete 2', 'delete 3', 'delete 4', 'insert 9']);
    const ids = await t.toArrow({ columns: ['id'] });
    expect([...ids.getChild('id')!].map(Number).sort()).toEqual([1, 9]);
    const actions = rawCommits(t.uri.replace('file://', ''))[1]!.actions;
    expect(actions.some((a) => a.cdc)).toBe(Object.keys(props).length === 0);
    await assertValidTable(t.uri.replace('file://', ''));
  });

  test('append, overwrite, partition replaceWhere, dynamic overwrite, OPTIMIZE and restore', async () => {
    const t = await cdfTable('cdf-all');
    await t.append(rows([5], 'A'));
    expect(await feed(t, 1)).toEqual(['insert 5']);
    await t.overwrite(rows([6], 'A'), { replaceWhere: "p = 'A'" });
    expect(await feed(t, 2)).toEqual(['delete 1', 'delete 2', 'delete 5', 'insert 6']);
    await t.overwrite(rows([7], 'B'), { partitionOverwrite: 'dynamic' });
    expect(await feed(t, 3)).toEqual(['delete 3', 'delete 4', 'insert 7']);
    await t.append(rows([8], 'B'));
    const opt = await t.optimize();
    expect(opt.noop).toBe(false);
    expect(await feed(t, opt.version)).toEqual([]);
    await t.restore({ version: 1 });
    expect(await feed(t, t.version)).toEqual([
      'delete 6',
      'delete 7',
      'delete 8',
      'insert 1',
      'insert 2',
      'insert 3',
      'insert 4',
      'insert 5',
    ]);
    await t.overwrite(rows([10], 'A'));
    expect((await feed(t, t.version)).filter((f) => f.startsWith('insert'))).toEqual(['insert 10']);
    await assertValidTable(t.uri.replace('file://', ''));
  });
});
