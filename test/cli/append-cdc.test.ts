/**
 * `append --cdc dms|debezium --key ... [--sequence ...]` in-process through `main(argv, io)`:
 * change files applied by key in the order given (a DMS CSV creates the table, a headerless
 * one and a Debezium file follow), a summary per file, and one-line errors in flag words.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { validateTablesThenRemove } from '../support/validate-written.js';
import { runCli as run } from '../support/cli.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-cdc-'));
// Every table these tests wrote goes through the independent validator before the dir is removed.
afterAll(() => validateTablesThenRemove(root));

function file(name: string, text: string): string {
  const p = path.join(root, name);
  fs.writeFileSync(p, text);
  return p;
}

async function rows(dir: string): Promise<unknown[]> {
  const t = await DeltaTable.open(dir);
  return (await t.toArrow())
    .toArray()
    .map((r) => r.toJSON() as Record<string, unknown>)
    .map((r) => [Number(r['id']), r['name'], r['seq']])
    .sort((a, b) => (a[0] as number) - (b[0] as number));
}

describe('append --cdc', () => {
  test('DMS files with and without a header, by key and sequence', async () => {
    const dir = path.join(root, 'orders');
    const first = file('LOAD00000001.csv', 'Op,id,name,seq\nI,1,ann,001\nI,2,bob,002\nI,3,cy,003\n');
    const cdc = file('20261207-1200.csv', 'U,1,ann2,010\nD,2,bob,011\nU,3,old,000\nI,4,di,012\n');
    const r = await run('append', dir, first, cdc, '--cdc', 'dms', '--key', 'id', '--sequence', 'seq');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('LOAD00000001.csv: 3 changes to 3 keys: 3 inserted, 0 updated, 0 deleted (version 1)');
    expect(r.out).toContain('20261207-1200.csv: 4 changes to 4 keys: 1 inserted, 1 updated, 1 deleted (version 2)');
    expect(await rows(dir)).toEqual([
      [1, 'ann2', '010'],
      [3, 'cy', '003'], // the late older update (seq 000) did not overwrite seq 003
      [4, 'di', '012'],
    ]);
    expect((await DeltaTable.open(dir)).snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'seq']);
    // A change older than the delete of key 2, applied after it: the delete is remembered.
    const late = file('20261207-1100.csv', 'Op,id,name,seq\nU,2,bob-late,005\n');
    const again = await run('append', dir, late, '--cdc', 'dms', '--key', 'id', '--sequence', 'seq');
    expect(again.code).toBe(0);
    expect((await rows(dir)).map((r) => (r as unknown[])[0])).toEqual([1, 3, 4]);
  });

  test('a change file with a new column: refused, or added with --schema-mode merge', async () => {
    const dir = path.join(root, 'evolve');
    const a = file('e1.csv', 'Op,id,name,seq\nI,1,a,01\n');
    const b = file('e2.csv', 'Op,id,name,seq,tier\nU,1,b,02,gold\nI,2,c,03,\n');
    const refused = await run('append', dir, a, b, '--cdc', 'dms', '--key', 'id', '--sequence', 'seq');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('e2.csv: the changes have columns the table lacks (tier)');
    expect(refused.err).toContain('--schema-mode merge');
    const r = await run('append', dir, b, '--cdc', 'dms', '--key', 'id', '--sequence', 'seq', '--schema-mode', 'merge');
    expect(r.code).toBe(0);
    const t = await DeltaTable.open(dir);
    expect(t.snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'seq', 'tier']);
    expect((await t.toArrow()).toArray().map((x) => x.toJSON())).toEqual(
      expect.arrayContaining([
        { id: 1n, name: 'b', seq: '02', tier: 'gold' },
        { id: 2n, name: 'c', seq: '03', tier: null },
      ]),
    );
  });

  test('Debezium JSON lines', async () => {
    const dir = path.join(root, 'dbz');
    const ev = (op: string, before: unknown, after: unknown, lsn: number) =>
      JSON.stringify({ payload: { op, before, after, source: { lsn } }, schema: {} });
    const f = file(
      'topic.json',
      [
        ev('c', null, { id: 1, name: 'a' }, 10),
        ev('c', null, { id: 2, name: 'b' }, 11),
        ev('u', { id: 1, name: 'a' }, { id: 1, name: 'a2' }, 12),
        ev('d', { id: 2 }, null, 13),
      ].join('\n'),
    );
    const r = await run('append', dir, f, '--cdc', 'debezium', '--key', 'id');
    expect(r.code).toBe(0);
    expect(r.out).toContain('4 changes to 2 keys: 1 inserted, 0 updated, 0 deleted (version 1)');
    const t = await DeltaTable.open(dir);
    expect((await t.toArrow()).toArray().map((x) => x.toJSON())).toEqual([{ id: 1n, name: 'a2', _cdc_sequence: 12n }]);
  });

  test.each([
    [['--key', 'id'], '--key, --sequence, --deletes and --tombstone-retention apply only with --cdc dms|debezium'],
    [['--cdc', 'dms', '--key', 'id', '--tombstone-retention', 'soon'], '--tombstone-retention must be an interval'],
    [
      ['--cdc', 'dms', '--key', 'id', '--sequence', 'id', '--deletes', 'tombstone', '--tombstone-retention', '1 day'],
      '--tombstone-retention applies to --deletes remove only',
    ],
    [['--cdc', 'dms'], '--cdc needs --key col[,col]'],
    [['--cdc', 'dms', '--key', 'id,'], '--cdc needs --key col[,col]'],
    [['--cdc', 'dms', '--key', 'id', '--mode', 'overwrite'], '--mode overwrite cannot be combined with --cdc'],
    [['--cdc', 'dms', '--key', 'id', '--replace-where', 'id = 1'], '--replace-where cannot be combined with --cdc'],
    [['--cdc', 'dms', '--key', 'id', '--schema-mode', 'overwrite'], '--schema-mode overwrite cannot be combined'],
    [['--cdc', 'dms', '--key', 'id', '--deletes', 'tombstone'], '--deletes tombstone needs --sequence'],
    [['--cdc', 'debezium', '--key', 'id', '--format', 'csv'], '--cdc debezium reads JSON lines'],
    [['--cdc', 'kafka', '--key', 'id'], "argument 'kafka' is invalid"],
    [['--cdc', 'dms', '--key', 'nope'], 'no key column nope in the changes'],
  ])('refuses %j', async (flags, message) => {
    const f = file('bad.csv', 'Op,id\nI,1\n');
    const r = await run('append', path.join(root, 'bad'), f, ...flags);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(message);
  });

  test('a malformed change names its line', async () => {
    const f = file('malformed.csv', 'Op,id\nI,1\nX,2\n');
    const r = await run('append', path.join(root, 'mal'), f, '--cdc', 'dms', '--key', 'id');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('line 3: the Op column holds "X"');
  });
});
