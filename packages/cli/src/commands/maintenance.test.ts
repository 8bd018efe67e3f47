/**
 * Maintenance commands through `main(argv, io)`: vacuum (lite, full, dry run, retention
 * check), checkpoint and cleanup-logs on tables written here; plain progress lines when
 * stdout is not a terminal.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { main } from '../program.js';
import { parseRetainHours } from './vacuum.js';
import { formatBytes } from '../output/format.js';
import { createProgress } from '../output/progress.js';

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

const ids = (xs: number[]) => new arrow.Table({ id: arrow.vectorFromArray(xs.map(BigInt), new arrow.Int64()) });

/** v0 [1,2] then an overwrite with [3]: one tombstoned file. Returns the dir and that file. */
async function overwritten(): Promise<{ dir: string; oldFile: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-maint-'));
  temps.push(dir);
  await writeDeltaTable(dir, ids([1, 2]));
  const oldFile = fs.readdirSync(dir).find((f) => f.endsWith('.parquet'))!;
  await writeDeltaTable(dir, ids([3]), { mode: 'overwrite' });
  await new Promise((r) => setTimeout(r, 5)); // the tombstone must be older than "now - 0h"
  return { dir, oldFile };
}

const operations = async (dir: string) =>
  (await (await DeltaTable.open(dir)).history()).map((h) => h.operation).reverse();

describe('vacuum command', () => {
  test('keeps everything inside the default retention', async () => {
    const { dir, oldFile } = await overwritten();
    const r = await run('vacuum', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('VACUUM lite of');
    expect(r.out).toContain('retention 168h');
    expect(r.out).toMatch(/deleted 0 files/);
    expect(fs.existsSync(path.join(dir, oldFile))).toBe(true);
  });

  test('refuses a short retention without --force, naming the override', async () => {
    const { dir, oldFile } = await overwritten();
    const r = await run('vacuum', dir, '--retain', '1h');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: VACUUM retention of 1 hours is shorter/);
    expect(r.err).toContain('--force');
    expect(fs.existsSync(path.join(dir, oldFile))).toBe(true);
    expect(await operations(dir)).toEqual(['WRITE', 'WRITE']);
  });

  test('--dry-run lists files and changes nothing', async () => {
    const { dir, oldFile } = await overwritten();
    const r = await run('vacuum', dir, '--retain', '0h', '--force', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('(dry run)');
    expect(r.out).toContain(`  ${oldFile}  `);
    expect(r.out).toMatch(/would delete 1 file /);
    expect(fs.existsSync(path.join(dir, oldFile))).toBe(true);
    expect(await operations(dir)).toEqual(['WRITE', 'WRITE']);
  });

  test('deletes with --force, prints progress lines and metrics, commits START/END', async () => {
    const { dir, oldFile } = await overwritten();
    const size = fs.statSync(path.join(dir, oldFile)).size;
    const r = await run('vacuum', dir, '--retain', '0', '--force');
    expect(r.code).toBe(0);
    expect(r.out).toContain('deleting: started (1 to do)\n');
    expect(r.out).toContain('deleting: done (1/1)\n');
    expect(r.out).toContain(`deleted 1 file (${formatBytes(size)}) in 1 directory`);
    expect(r.out).toContain('VACUUM START 2, VACUUM END 3');
    expect(fs.existsSync(path.join(dir, oldFile))).toBe(false);
    expect(await operations(dir)).toEqual(['WRITE', 'WRITE', 'VACUUM START', 'VACUUM END']);
    const scan = await run('scan', dir, '--format', 'ndjson');
    expect(scan.out).toBe('{"id":3}\n');
  });

  test('--full also deletes old untracked files but not young ones', async () => {
    const { dir } = await overwritten();
    fs.writeFileSync(path.join(dir, 'orphan-old.parquet'), 'x');
    fs.writeFileSync(path.join(dir, 'orphan-young.parquet'), 'y');
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(dir, 'orphan-old.parquet'), old, old);
    const r = await run('vacuum', dir, '--full', '--retain', '30m', '--force');
    expect(r.code).toBe(0);
    expect(r.out).toContain('VACUUM full of');
    expect(r.out).toContain('listing: started');
    expect(fs.existsSync(path.join(dir, 'orphan-old.parquet'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'orphan-young.parquet'))).toBe(true);
    expect(r.out).toMatch(/deleted 1 file /); // the tombstone is seconds old: kept
  });

  test('rejects a malformed --retain', async () => {
    const { dir } = await overwritten();
    const r = await run('vacuum', dir, '--retain', 'soon');
    expect(r.code).toBe(1);
    expect(r.err).toContain('--retain expects a duration');
  });

  test('parseRetainHours', () => {
    expect(parseRetainHours('168h')).toBe(168);
    expect(parseRetainHours('7d')).toBe(168);
    expect(parseRetainHours('1w')).toBe(168);
    expect(parseRetainHours('90m')).toBe(1.5);
    expect(parseRetainHours('12')).toBe(12);
  });
});

describe('checkpoint and cleanup-logs commands', () => {
  test('checkpoint writes a checkpoint of the latest version', async () => {
    const { dir } = await overwritten();
    const r = await run('checkpoint', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^checkpoint of version 1 written: _delta_log\/00000000000000000001\.checkpoint\.parquet/);
    expect(r.out).toContain('1 file, 1 tombstone)');
    expect(fs.existsSync(path.join(dir, '_delta_log', '00000000000000000001.checkpoint.parquet'))).toBe(true);
  });

  test('cleanup-logs deletes commits older than the retention behind a checkpoint', async () => {
    const { dir } = await overwritten();
    const log = path.join(dir, '_delta_log');
    const nothing = await run('cleanup-logs', dir);
    expect(nothing.out).toContain('no checkpoint at or before the cutoff');
    expect((await run('checkpoint', dir)).code).toBe(0);
    const longAgo = new Date(Date.now() - 60 * 86_400_000);
    for (const f of ['00000000000000000000.json', '00000000000000000001.json'])
      fs.utimesSync(path.join(log, f), longAgo, longAgo);
    await writeDeltaTable(dir, ids([4]));
    const dry = await run('cleanup-logs', dir, '--dry-run');
    expect(dry.out).toContain('  _delta_log/00000000000000000000.json\n');
    expect(dry.out).toContain('  _delta_log/00000000000000000000.crc\n'); // its version checksum goes with it
    expect(dry.out).toContain('would delete 2 expired log files older');
    expect(fs.existsSync(path.join(log, '00000000000000000000.json'))).toBe(true);
    const r = await run('cleanup-logs', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('deleted 2 expired log files older');
    expect(r.out).toContain('checkpoint of version 1');
    expect(fs.existsSync(path.join(log, '00000000000000000000.json'))).toBe(false);
    expect((await run('scan', dir, '--format', 'ndjson')).out.split('\n').filter(Boolean).sort()).toEqual([
      '{"id":3}',
      '{"id":4}',
    ]);
  });
});

describe('plain-line progress', () => {
  test('prints phase start, tenths and the end', () => {
    let out = '';
    const p = createProgress((s) => (out += s), false);
    for (let i = 0; i <= 20; i++) p.update({ phase: 'deleting', done: i, total: 20 });
    p.stop();
    const lines = out.split('\n').filter(Boolean);
    expect(lines[0]).toBe('deleting: started (20 to do)');
    expect(lines.at(-1)).toBe('deleting: done (20/20)');
    expect(lines).toContain('deleting: 10/20');
    expect(lines).toHaveLength(11);
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
