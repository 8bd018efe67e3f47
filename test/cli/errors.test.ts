/**
 * Errors reaching the command line name its flags and commands, never the SDK's options, and
 * give advice the user can follow. A wrong CSV delimiter is named (and nothing committed); when
 * no delimiter is given it is sniffed from the header.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DeltaTable, batchToObjects } from '@delta-serverless/core';
import { validatedDirs } from '../support/validate-written.js';
import { runCli as run } from '../support/cli.js';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

// Every table these tests write goes through the independent validator after the test.
const tempDir = validatedDirs(newTempDir).dir;

function newTempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-err-'));
  temps.push(d);
  return d;
}

/** SDK option names and calls that must never reach a CLI user. */
const SDK_WORDS =
  /schemaMode|ifNotExists|enforceRetention|replaceWhere|partitionOverwrite|batchRows|setProperties|unsetProperties|csv: \{/;

async function rows(table: string): Promise<Record<string, unknown>[]> {
  const t = await (await DeltaTable.open(table)).toArrow();
  return t.batches.flatMap((b) => batchToObjects(b)).sort((a, b) => Number(a['id']) - Number(b['id']));
}

describe('CSV delimiters', () => {
  const header = 'id,country,ts,amount';
  const row = (i: number, d: string) => [i, i % 2 ? 'NZ' : 'AU', `2026-01-0${1 + (i % 9)}T00:00:00Z`, i * 1.5].join(d);

  async function table(): Promise<{ dir: string; table: string }> {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'first.csv'), [header, row(1, ','), row(2, ',')].join('\n') + '\n');
    const t = path.join(dir, 't');
    expect((await run('append', t, path.join(dir, 'first.csv'), '--partition-by', 'country')).code).toBe(0);
    return { dir, table: t };
  }

  test.each([';', '\t', '|'])(
    'a %j-separated file read with --delimiter , is refused naming the right flag; nothing is committed',
    async (d) => {
      const { dir, table: t } = await table();
      fs.writeFileSync(path.join(dir, 'other.csv'), [header.replace(/,/g, d), row(3, d)].join('\n') + '\n');
      const r = await run('append', t, path.join(dir, 'other.csv'), '--delimiter', ',');
      expect(r.code).toBe(1);
      const flag = d === '\t' ? '--delimiter tab' : `--delimiter '${d}'`;
      expect(r.err).toContain(`Read it with ${flag}.`);
      expect(r.err).not.toMatch(/merge|schema-mode/);
      expect(r.err).not.toMatch(SDK_WORDS);
      expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
      expect((await DeltaTable.open(t)).version).toBe(0);
      // Following the advice works.
      const ok = await run('append', t, path.join(dir, 'other.csv'), '--delimiter', d === '\t' ? 'tab' : d);
      expect(ok.err).toBe('');
      expect((await rows(t)).map((x) => x['id'])).toEqual([1, 2, 3]);
    },
  );

  test.each([';', '\t', '|'])('without --delimiter, a %j-separated file is sniffed and appends its rows', async (d) => {
    const { dir, table: t } = await table();
    fs.writeFileSync(path.join(dir, 'other.csv'), [header.replace(/,/g, d), row(3, d), row(4, d)].join('\n') + '\n');
    const r = await run('append', t, path.join(dir, 'other.csv'));
    expect(r.err).toBe('');
    expect(await rows(t)).toEqual([
      { id: 1, country: 'NZ', ts: '2026-01-02T00:00:00.000000Z', amount: 1.5 },
      { id: 2, country: 'AU', ts: '2026-01-03T00:00:00.000000Z', amount: 3 },
      { id: 3, country: 'NZ', ts: '2026-01-04T00:00:00.000000Z', amount: 4.5 },
      { id: 4, country: 'AU', ts: '2026-01-05T00:00:00.000000Z', amount: 6 },
    ]);
    // The schema is the table's: no column named after the whole header was added.
    expect((await DeltaTable.open(t)).snapshot.schema.fields.map((f) => f.name)).toEqual([
      'id',
      'country',
      'ts',
      'amount',
    ]);
  });
});

describe('engine advice in CLI words', () => {
  async function csvTable(): Promise<{ dir: string; table: string }> {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.csv'), 'id,country\n1,NZ\n');
    const t = path.join(dir, 't');
    expect((await run('append', t, path.join(dir, 'a.csv'))).code).toBe(0);
    return { dir, table: t };
  }

  function refused(r: { code: number; err: string }, ...said: string[]): void {
    expect(r.code).toBe(1);
    for (const s of said) expect(r.err).toContain(s);
    expect(r.err).not.toMatch(SDK_WORDS);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
  }

  test('a new column: --schema-mode merge, or --mode overwrite with --schema-mode overwrite', async () => {
    const { dir, table: t } = await csvTable();
    fs.writeFileSync(path.join(dir, 'b.csv'), 'id,country,extra\n2,AU,x\n');
    const r = await run('append', t, path.join(dir, 'b.csv'));
    refused(r, 'write with --schema-mode merge', 'write with --mode overwrite and --schema-mode overwrite');
    expect((await run('append', t, path.join(dir, 'b.csv'), '--schema-mode', 'merge')).code).toBe(0);
  });

  test('--schema-mode overwrite without --mode overwrite; --replace-where without --mode overwrite', async () => {
    const { dir, table: t } = await csvTable();
    const a = path.join(dir, 'a.csv');
    refused(
      await run('append', t, a, '--schema-mode', 'overwrite'),
      '--schema-mode overwrite',
      'needs --mode overwrite',
    );
    refused(await run('append', t, a, '--replace-where', 'id = 1'), '--replace-where and', 'need --mode overwrite');
  });

  test('create over a table names --if-not-exists, which then succeeds', async () => {
    const dir = tempDir();
    const schema = path.join(dir, 's.json');
    fs.writeFileSync(schema, '{"id": "long"}');
    const t = path.join(dir, 't');
    expect((await run('create', t, '--schema', schema)).code).toBe(0);
    refused(await run('create', t, '--schema', schema), 'to keep it, pass --if-not-exists');
    expect((await run('create', t, '--schema', schema, '--if-not-exists')).code).toBe(0);
  });

  test('an overwrite of an append-only table names the properties command that unsets it', async () => {
    const { dir } = await csvTable();
    const t2 = path.join(dir, 't2');
    expect((await run('append', t2, path.join(dir, 'a.csv'), '--property', 'delta.appendOnly=true')).code).toBe(0);
    refused(
      await run('append', t2, path.join(dir, 'a.csv'), '--mode', 'overwrite'),
      '`delta-serverless properties <table> unset delta.appendOnly`',
    );
  });

  test('VACUUM with a short retention names --retain and --force', async () => {
    const { table: t } = await csvTable();
    refused(
      await run('vacuum', t, '--retain', '1h', '--dry-run'),
      '(--retain 168h)',
      'turn the check off with --force',
    );
  });
});
