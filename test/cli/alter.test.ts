/**
 * `constraints` (and `properties`) change a table after creation, from the command line:
 * list, add (checked against the existing rows; nothing committed when some violate it), drop.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { validatedDirs } from '../support/validate-written.js';
import { runCli as run } from '../support/cli.js';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});
// Every table these tests write goes through the independent validator after the test.
const validated = validatedDirs((prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
});

async function table(): Promise<string> {
  const dir = validated.dir('ds-cli-alter-');
  fs.writeFileSync(path.join(dir, 'a.csv'), 'id,amount,country\n1,5.5,NZ\n2,-1,AU\n3,,NZ\n');
  const t = path.join(dir, 't');
  expect((await run('append', t, path.join(dir, 'a.csv'))).code).toBe(0);
  return t;
}

describe('constraints', () => {
  test('list, add, refuse a violated one, drop', async () => {
    const t = await table();
    expect(await run('constraints', t)).toEqual({ code: 0, out: 'no CHECK constraints (version 0)\n', err: '' });

    const bad = await run('constraints', t, 'add', 'positive', 'amount > 0');
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      `error: 2 rows of ${(await DeltaTable.open(t)).uri} violate the new CHECK constraint positive (amount > 0), ` +
        'e.g. {"amount":-1}; nothing was committed. Change or remove those rows first, or give a condition they satisfy.\n',
    );
    expect((await DeltaTable.open(t)).version).toBe(0);

    const ok = await run('constraints', t, 'add', 'Id_Positive', 'id > 0');
    expect(ok.err).toBe('');
    expect(ok.out).toMatch(/^version 1: CHECK constraint id_positive \(id > 0\) added; no existing row violates it \(/);
    expect((await run('constraints', t)).out).toBe(
      'name         expression\n-----------  ----------\nid_positive  id > 0\n',
    );
    expect(JSON.parse((await run('constraints', t, '--json')).out)).toEqual({ id_positive: 'id > 0' });
    expect((await run('describe', t)).out).toContain('constraints  id_positive: id > 0');

    const again = await run('constraints', t, 'add', 'id_positive', 'id > 1');
    expect(again.err).toContain('drop it first: `delta-serverless constraints <table> drop id_positive`');

    expect((await run('constraints', t, 'drop', 'ID_POSITIVE')).out).toBe(
      'version 2: CHECK constraint id_positive (id > 0) dropped\n',
    );
    expect((await run('constraints', t, 'drop', 'id_positive')).err).toContain(
      'the table has no CHECK constraint "id_positive"',
    );
    expect((await run('constraints', t, 'drop', 'id_positive', '--if-exists')).out).toBe(
      'no CHECK constraint id_positive; nothing changed (version 2)\n',
    );
  });

  test('wrong arguments are refused with the usage', async () => {
    const t = await table();
    expect((await run('constraints', t, 'frob')).code).toBe(2);
    expect((await run('constraints', t, 'add', 'x')).err).toContain('constraints add takes a NAME and an expression');
    expect((await run('constraints', t, 'drop')).err).toContain('constraints drop takes one NAME');
    expect((await run('constraints', t, '--if-exists')).err).toContain('--if-exists goes with');
  });
});

describe('properties', () => {
  test('list, set (with a protocol upgrade), unset; bad values and unknown delta.* keys refused', async () => {
    const t = await table();
    expect(await run('properties', t)).toEqual({ code: 0, out: 'no properties (version 0)\n', err: '' });
    expect((await run('properties', t, 'set', 'delta.enableDeletionVectors=true', 'team.owner=a=b')).out).toBe(
      'version 1: set delta.enableDeletionVectors=true, team.owner=a=b; ' +
        'protocol upgraded to reader 3, writer 7 (deletionVectors)\n',
    );
    expect((await run('properties', t)).out).toBe('delta.enableDeletionVectors = true\nteam.owner = a=b\n');
    expect(JSON.parse((await run('properties', t, '--json')).out)).toEqual({
      'delta.enableDeletionVectors': 'true',
      'team.owner': 'a=b',
    });
    expect((await run('describe', t)).out).toContain('reader: deletionVectors');

    const bad = await run('properties', t, 'set', 'delta.appendOnly=maybe');
    expect(bad).toMatchObject({ code: 1, out: '' });
    expect(bad.err).toContain('table property delta.appendOnly="maybe" must be true or false');
    expect((await run('properties', t, 'set', 'delta.appendOnyl=true')).err).toContain(
      'unknown table property delta.appendOnyl',
    );
    expect((await run('properties', t, 'set', 'delta.constraints.pos=id > 0')).err).toContain(
      "add it with `delta-serverless constraints <table> add pos 'id > 0'`",
    );
    expect((await run('properties', t, 'set', 'novalue')).err).toContain('"novalue" is not key=value');

    expect((await run('properties', t, 'unset', 'team.owner')).out).toBe('version 2: unset team.owner\n');
    expect((await run('properties', t, 'unset', 'team.owner')).err).toContain('the table has no property team.owner');
    expect((await run('properties', t, 'unset', 'team.owner', '--if-exists')).out).toBe(
      'the table has none of 1 property given; nothing changed (version 2)\n',
    );
    expect((await DeltaTable.open(t)).version).toBe(2);
  });

  test("an append-only table's error names the command that unsets it, and that command works", async () => {
    const t = await table();
    const csv = path.join(path.dirname(t), 'a.csv');
    expect((await run('properties', t, 'set', 'delta.appendOnly=true')).code).toBe(0);
    const refused = await run('append', t, csv, '--mode', 'overwrite');
    expect(refused.err).toContain('`delta-serverless properties <table> unset delta.appendOnly`');
    expect((await run('properties', t, 'unset', 'delta.appendOnly')).code).toBe(0);
    expect((await run('append', t, csv, '--mode', 'overwrite')).code).toBe(0);
  });
});
