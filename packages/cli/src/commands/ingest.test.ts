/**
 * `append` with CSV / TSV / NDJSON / gzip input and `convert`, run in-process through
 * `main(argv, io)` on temporary directories.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { batchToObjects, DeltaTable } from '@delta-serverless/core';
import { writeParquet } from '@delta-serverless/core/internal';
import { main } from '../program.js';
import { parsePartitionSpec } from './convert.js';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-ingest-'));
  temps.push(d);
  return d;
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

async function rowsOf(uri: string): Promise<Record<string, unknown>[]> {
  const t = await (await DeltaTable.open(uri)).toArrow();
  return t.batches.flatMap((b) => batchToObjects(b)).sort((a, b) => Number(a.id) - Number(b.id));
}

describe('append with text input', () => {
  test('CSV creates the table with inferred types; gzip NDJSON and header-less TSV follow its schema', async () => {
    const dir = tempDir();
    const table = path.join(dir, 'table');
    fs.writeFileSync(path.join(dir, 'a.csv'), 'id,name,day\n1,ann,2024-01-01\n2,"bo, b",2024-01-02\n');
    const r1 = await run('append', table, path.join(dir, 'a.csv'));
    expect(r1.err).toBe('');
    expect(r1.out).toMatch(/^created version 0: 2 rows in 1 file/);

    fs.writeFileSync(path.join(dir, 'b.jsonl.gz'), gzipSync('{"id":"3","name":"cy","day":"2024-01-03"}\n\n{"id":4}\n'));
    fs.writeFileSync(path.join(dir, 'c.tsv'), '5\teve\t2024-01-05\n');
    const r2 = await run('append', table, path.join(dir, 'b.jsonl.gz'), path.join(dir, 'c.tsv'), '--no-header');
    expect(r2.err).toBe('');
    expect(r2.out).toMatch(/^committed version 1: 3 rows/);

    const snapshot = (await DeltaTable.open(table)).snapshot;
    expect(snapshot.schema.fields.map((f) => `${f.name}:${f.type.type}`)).toEqual([
      'id:long',
      'name:string',
      'day:date',
    ]);
    expect(await rowsOf(table)).toEqual([
      { id: 1, name: 'ann', day: '2024-01-01' },
      { id: 2, name: 'bo, b', day: '2024-01-02' },
      { id: 3, name: 'cy', day: '2024-01-03' },
      { id: 4, name: null, day: null },
      { id: 5, name: 'eve', day: '2024-01-05' },
    ]);
  });

  test('--format, --delimiter and --schema-mode merge; a bad value fails with its line and column', async () => {
    const dir = tempDir();
    const table = path.join(dir, 't');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'id;v\n1;0.5\n');
    expect((await run('append', table, path.join(dir, 'a.txt'), '--format', 'csv', '--delimiter', ';')).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'b.csv'), 'id,v,extra\n2,1.5,x\n');
    const refused = await run('append', table, path.join(dir, 'b.csv'));
    expect(refused.code).not.toBe(0);
    const merged = await run('append', table, path.join(dir, 'b.csv'), '--schema-mode', 'merge');
    expect(merged.err).toBe('');
    expect(await rowsOf(table)).toEqual([
      { id: 1, v: 0.5, extra: null },
      { id: 2, v: 1.5, extra: 'x' },
    ]);
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'id,v\n3,1\n4,oops\n');
    const bad = await run('append', table, path.join(dir, 'bad.csv'));
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('bad.csv: line 3, column "v": cannot read "oops" as double');
    expect((await DeltaTable.open(table)).snapshot.version).toBe(1);
  });
});

describe('convert', () => {
  test('parses --partition-by specs', () => {
    expect(parsePartitionSpec('a:int, b ,c:decimal(10,2),d:bigint')).toEqual([
      { name: 'a', type: { type: 'integer' } },
      { name: 'b', type: { type: 'string' } },
      { name: 'c', type: { type: 'decimal', precision: 10, scale: 2 } },
      { name: 'd', type: { type: 'long' } },
    ]);
    expect(() => parsePartitionSpec('a:nope')).toThrow(/unknown type "nope"/);
  });

  test('converts a partitioned Parquet directory in place', async () => {
    const dir = tempDir();
    const cols: Record<string, arrow.Data> = { id: arrow.vectorFromArray([1, 2], new arrow.Int32()).data[0]! };
    const bytes = await writeParquet([new arrow.RecordBatch(cols)]);
    for (const k of ['1', '2']) {
      fs.mkdirSync(path.join(dir, `k=${k}`));
      fs.writeFileSync(path.join(dir, `k=${k}`, 'part-0.parquet'), bytes);
    }
    const r = await run('convert', dir, '--partition-by', 'k:long');
    expect(r.err).toBe('');
    expect(r.out).toBe('converted 2 files, 4 rows, partitioned by k: created version 0\n');
    const t = await DeltaTable.open(dir);
    expect(t.snapshot.schema.fields.map((f) => `${f.name}:${f.type.type}`)).toEqual(['id:integer', 'k:long']);
    expect((await t.toArrow({ filter: 'k = 2' })).numRows).toBe(2);
    const again = await run('convert', dir);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('already a Delta table');
  });
});
