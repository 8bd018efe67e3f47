/**
 * What the CLI prints, as a user reads it: the table view says when it shows fewer rows than
 * matched (and how many matched), numbers are right-aligned, sizes are human everywhere,
 * history shows parameters and operationMetrics counts readably, describe shows nullability,
 * constraints and table features, and a long append shows progress on a terminal.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '@delta-serverless/cli';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { validatedDirs } from '../support/validate-written.js';
import { runCli as run } from '../support/cli.js';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

// Every table these tests write goes through the independent validator after the test.
const tempDir = validatedDirs(newTempDir).dir;

function newTempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-out-'));
  temps.push(d);
  return d;
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

/** Seeded rows (mulberry32): countries and amounts, as a CSV and as the rows themselves. */
function seededCsv(n: number, seed: number): { csv: string; rows: { id: number; country: string; amount: number }[] } {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const countries = ['NZ', 'AU', 'DE', 'US'];
  const rows = Array.from({ length: n }, (_, id) => ({
    id,
    country: countries[Math.floor(rand() * 4)]!,
    amount: Math.round(rand() * 100000) / 100,
  }));
  const csv = ['id,country,amount', ...rows.map((r) => `${r.id},${r.country},${r.amount}`)].join('\n') + '\n';
  return { csv, rows };
}

describe('scan: the table view', () => {
  test('says how many rows matched when it shows fewer, and how to see them all', async () => {
    const dir = tempDir();
    const { csv, rows } = seededCsv(3000, 15);
    fs.writeFileSync(path.join(dir, 'in.csv'), csv);
    const table = path.join(dir, 't');
    expect((await run('append', table, path.join(dir, 'in.csv'))).code).toBe(0);
    const where = "country = 'NZ' AND amount > 900";
    const matching = rows.filter((r) => r.country === 'NZ' && r.amount > 900).length;
    expect(matching).toBeGreaterThan(20);
    const r = await run('scan', table, '--where', where);
    expect(r.code).toBe(0);
    expect(lines(r.out)).toHaveLength(2 + 20 + 1);
    expect(lines(r.out).at(-1)).toBe(`(showing 20 of ${matching} rows; --limit N or --format csv for all)`);
    // --format csv prints them all (header + rows), with no notice.
    const all = await run('scan', table, '--where', where, '--format', 'csv');
    expect(lines(all.out)).toHaveLength(1 + matching);
    // When everything fits, the plain count.
    const few = await run('scan', table, '--where', where, '--limit', String(matching));
    expect(lines(few.out).at(-1)).toBe(`(${matching} rows)`);
  });

  test('numbers are right-aligned, text left-aligned', async () => {
    const dir = tempDir();
    await writeDeltaTable(
      dir,
      arrow.tableFromArrays({ id: Int32Array.from([7, 1234]), name: ['a', 'bcdefgh'], x: [1.5, 22.25] }),
    );
    const out = lines((await run('scan', dir)).out);
    expect(out.slice(0, 4)).toEqual([
      '  id │ name    │     x',
      '─────┼─────────┼──────',
      '   7 │ a       │   1.5',
      '1234 │ bcdefgh │ 22.25',
    ]);
  });
});

describe('sizes and counts for humans', () => {
  test('append and restore print sizes in binary units and counts with separators', async () => {
    const dir = tempDir();
    const { csv } = seededCsv(2500, 3);
    fs.writeFileSync(path.join(dir, 'in.csv'), csv);
    const table = path.join(dir, 't');
    const a = await run('append', table, path.join(dir, 'in.csv'));
    expect(a.out).toMatch(/^created version 0: 2,500 rows in 1 file, \d+\.\d KiB\n$/);
    await run('append', table, path.join(dir, 'in.csv'), '--mode', 'overwrite');
    const r = await run('restore', table, '--version', '0');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^restored to version 0 as version 2: 1 file restored \(\d+\.\d KiB\), 1 removed \(\d+\.\d KiB\); the table now has 1 file, \d+\.\d KiB\n$/,
    );
    expect(r.out).not.toMatch(/bytes/);
  });
});

describe('history', () => {
  test('operation parameters as key=value and row/file counts from operationMetrics', async () => {
    const dir = tempDir();
    const { csv, rows } = seededCsv(1200, 9);
    fs.writeFileSync(path.join(dir, 'in.csv'), csv);
    const nz = rows.filter((r) => r.country === 'NZ');
    fs.writeFileSync(
      path.join(dir, 'nz.csv'),
      ['id,country,amount', ...nz.map((r) => `${r.id},NZ,${r.amount}`)].join('\n'),
    );
    const table = path.join(dir, 't');
    await run('append', table, path.join(dir, 'in.csv'), '--partition-by', 'country');
    const o = await run(
      'append',
      table,
      path.join(dir, 'nz.csv'),
      '--mode',
      'overwrite',
      '--replace-where',
      "country = 'NZ'",
    );
    expect(o.err).toBe('');
    const out = lines((await run('history', table)).out);
    expect(out[0]).toMatch(/^version +timestamp \(UTC\) +operation +rows +files +parameters$/);
    const v1 = out.find((l) => /^ +1 /.test(l))!;
    const v0 = out.find((l) => /^ +0 /.test(l))!;
    expect(v0).toMatch(/ WRITE +\+1,200 +\+4 +mode=Append partitionBy=\[country\]$/);
    // The replaceWhere overwrite wrote the NZ rows again and removed the NZ partition's file.
    expect(v1).toMatch(
      new RegExp(
        ` WRITE +\\+${nz.length} +\\+1 -1 +mode=Overwrite partitionBy=\\[country\\] predicate=\\[country = 'NZ'\\]$`,
      ),
    );
    expect(out.join('\n')).not.toContain('\\"');
  });
});

describe('describe', () => {
  test('nullability, CHECK constraints, column rules and the features the protocol implies', async () => {
    const dir = tempDir();
    const schema = {
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: false, metadata: {} },
        { name: 'amount', type: 'double', nullable: true, metadata: { comment: 'in NZD' } },
      ],
    };
    fs.writeFileSync(path.join(dir, 'schema.json'), JSON.stringify(schema));
    const table = path.join(dir, 't');
    const c = await run(
      'create',
      table,
      '--schema',
      path.join(dir, 'schema.json'),
      '--property',
      'delta.constraints.positive=amount > 0',
      '--property',
      'delta.appendOnly=true',
    );
    expect(c.err).toBe('');
    const out = (await run('describe', table)).out;
    expect(out).toMatch(/^protocol +reader 1, writer 3$/m);
    expect(out).toMatch(/^features +appendOnly, invariants, checkConstraints \(implied by writer version 3\)$/m);
    expect(out).toMatch(/^constraints +positive: amount > 0$/m);
    expect(out).toMatch(/^ {2}id +long +NOT NULL$/m);
    expect(out).toMatch(/^ {2}amount +double +yes +comment: in NZD$/m);
    // Constraints are listed once (not again among the properties).
    expect(out).not.toMatch(/delta\.constraints\.positive =/);
    const json = JSON.parse((await run('describe', table, '--json')).out) as {
      constraints: Record<string, string>;
      features: { writer: string[] };
    };
    expect(json.constraints).toEqual({ positive: 'amount > 0' });
    expect(json.features.writer).toEqual(['appendOnly', 'invariants', 'checkConstraints']);
    expect((await DeltaTable.open(table)).snapshot.protocol.minWriterVersion).toBe(3);
  });
});

describe('append progress on a terminal', () => {
  test('a line with bytes and rows read and files written, redrawn in place and cleared before the summary', async () => {
    const dir = tempDir();
    const { csv } = seededCsv(200_000, 1);
    fs.writeFileSync(path.join(dir, 'in.csv'), csv);
    const writes: string[] = [];
    const code = await main(['append', path.join(dir, 't'), path.join(dir, 'in.csv'), '--partition-by', 'country'], {
      out: (s) => writes.push(s),
      err: (s) => writes.push(s),
      tty: true,
    });
    expect(code).toBe(0);
    const progress = writes.filter((w) => w.startsWith('\r\x1b[2Kappending: '));
    expect(progress.length).toBeGreaterThan(1);
    const size = (fs.statSync(path.join(dir, 'in.csv')).size / 1024 / 1024).toFixed(1);
    expect(progress.at(-1)).toBe(
      `\r\x1b[2Kappending: ${size} MiB of ${size} MiB (100%) read, 200,000 rows, 4 files written`,
    );
    // Rows only grow; the line is cleared before the summary.
    const rowCounts = progress.map((p) => Number(/, ([\d,]+) rows/.exec(p)![1]!.replace(/,/g, '')));
    expect(rowCounts).toEqual([...rowCounts].sort((a, b) => a - b));
    expect(writes.at(-2)).toBe('\r\x1b[2K');
    expect(writes.at(-1)).toMatch(/^created version 0: 200,000 rows in 4 files, /);
    // Not on a terminal: the summary alone.
    const plain = await run('append', path.join(dir, 't'), path.join(dir, 'in.csv'));
    expect(plain.out).toMatch(/^committed version 1: 200,000 rows in 4 files, [\d.]+ [KM]iB\n$/);
  });
});
