/**
 * The optimize command through `main(argv, io)`: compaction of a partitioned table written
 * here (rows unchanged, one file per partition, OPTIMIZE in history), --where, --zorder,
 * --max-bins (partial, rerun continues), progress lines and the metrics summary, argument errors.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { main } from '../program.js';
import { parseDurationMs, parseSize } from './optimize.js';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const rows = (ids: number[], part: string) =>
  new arrow.Table({
    id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()),
    x: arrow.vectorFromArray(
      ids.map((i) => (i * 37) % 100),
      new arrow.Int32(),
    ),
    p: arrow.vectorFromArray(
      ids.map(() => part),
      new arrow.Utf8(),
    ),
  });

/** 3 appends to partition a and 3 to b: 6 small files. */
async function smallFiles(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-opt-'));
  temps.push(dir);
  for (let i = 0; i < 3; i++) {
    await writeDeltaTable(dir, rows([i * 10, i * 10 + 1], 'a'), { partitionBy: ['p'] });
    await writeDeltaTable(dir, rows([100 + i * 10, 101 + i * 10], 'b'), { partitionBy: ['p'] });
  }
  return dir;
}

async function state(dir: string): Promise<{ files: number; ids: number[]; ops: string[] }> {
  const t = await DeltaTable.open(dir);
  const ids: number[] = [];
  for (const b of (await t.toArrow({ columns: ['id'] })).batches)
    for (const v of b.getChild('id')!) ids.push(Number(v as bigint));
  const ops = (await t.history()).map((h) => h.operation ?? '').reverse();
  return { files: t.snapshot.files().length, ids: ids.sort((a, b) => a - b), ops };
}

describe('optimize command', () => {
  test('compacts every partition, prints progress and the metrics summary', async () => {
    const dir = await smallFiles();
    const before = await state(dir);
    expect(before.files).toBe(6);
    const r = await run('optimize', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('rewriting bins: started (2 to do)\n');
    expect(r.out).toContain('rewriting bins: done (2/2)\n');
    expect(r.out).toMatch(/OPTIMIZE of .*: committed version 6\n/);
    expect(r.out).toMatch(/ {2}files removed: 6 \(/);
    expect(r.out).toMatch(/ {2}files added: {3}2 \(/);
    expect(r.out).toContain('partitions optimized: 2; bins: 2 run of 2 planned');
    expect(r.out).toContain('rows: 12 read, 12 written');
    expect(r.out).toMatch(/time: planning \d+\.\ds, rewrite \d+\.\ds, commit \d+\.\ds/);
    const after = await state(dir);
    expect(after.files).toBe(2);
    expect(after.ids).toEqual(before.ids);
    expect(after.ops.at(-1)).toBe('OPTIMIZE');

    const again = await run('optimize', dir);
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to do at version 6');
  });

  test('--where limits to matching partitions; --zorder records the columns', async () => {
    const dir = await smallFiles();
    const r = await run('optimize', dir, '--where', "p = 'a'", '--zorder', 'x,id', '--target-size', '64MB');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('files removed: 3');
    expect(r.out).toContain('partitions optimized: 1');
    const t = await DeltaTable.open(dir);
    expect(t.snapshot.files().filter((f) => f.partitionValues['p'] === 'b')).toHaveLength(3);
    const h = (await t.history({ limit: 1 }))[0]!;
    expect(h.operation).toBe('OPTIMIZE');
    expect(h.operationParameters?.['zOrderBy']).toBe('["x","id"]');
    expect(h.operationParameters?.['predicate']).toContain("p = 'a'");
  });

  test('--max-bins 1 leaves work for a rerun', async () => {
    const dir = await smallFiles();
    const first = await run('optimize', dir, '--max-bins', '1', '--time-budget', '10m');
    expect(first.code).toBe(0);
    expect(first.out).toContain('(partial: run again to continue)');
    expect(first.out).toContain('1 left for a rerun');
    expect((await state(dir)).files).toBe(4);
    const second = await run('optimize', dir, '--max-bins', '1');
    expect(second.code).toBe(0);
    expect(second.out).not.toContain('partial');
    expect((await state(dir)).files).toBe(2);
  });

  test('argument errors name the expected format', async () => {
    const dir = await smallFiles();
    const size = await run('optimize', dir, '--target-size', 'big');
    expect(size.code).toBe(1);
    expect(size.err).toContain('--target-size expects a size like 128MB');
    const bins = await run('optimize', dir, '--max-bins', '0');
    expect(bins.code).toBe(1);
    expect(bins.err).toContain('--max-bins must be a whole number of at least 1');
    const budget = await run('optimize', dir, '--time-budget', 'soon');
    expect(budget.code).toBe(1);
    expect(budget.err).toContain('--time-budget expects a duration');
    const col = await run('optimize', dir, '--zorder', 'nope');
    expect(col.code).toBe(1);
    expect(col.err).toMatch(/^error: .*nope/);
    expect((await state(dir)).files).toBe(6);
  });

  test('parseSize and parseDurationMs', () => {
    expect(parseSize('128MB')).toBe(128 * 1024 * 1024);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('512k')).toBe(512 * 1024);
    expect(parseSize('1000')).toBe(1000);
    expect(parseDurationMs('10m')).toBe(600_000);
    expect(parseDurationMs('90s')).toBe(90_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs('30')).toBe(30_000);
  });
});
