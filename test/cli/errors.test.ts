/**
 * Errors reaching the command line name its flags and commands, never the SDK's options, and
 * give advice the user can follow. A wrong CSV delimiter is named (and nothing committed); when
 * no delimiter is given it is sniffed from the header.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '@delta-serverless/cli';
import { DeltaTable, batchToObjects } from '@delta-serverless/core';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-err-'));
  temps.push(d);
  return d;
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
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
