/**
 * What a killed writer leaves on a local table, and VACUUM full reclaiming it: LocalStore
 * writes every object to a `.ds-tmp-<uuid>` file beside its target and renames it when done,
 * so a writer killed mid-write (SIGKILL) leaves the temp file, which listings hide. VACUUM full
 * discards such files once their last write is older than the retention, wherever they are
 * (partition directories, `_delta_log/`), and keeps younger ones (a live writer's). A second
 * VACUUM reports and records only what it deleted.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { main } from '../../packages/cli/src/program.js';
import { removeTempDirs, tempDir as readTempDir } from '../read/support.js';
import { validatedDirs } from '../support/validate-written.js';

afterAll(removeTempDirs);
// Every table these tests write, after a refused or failed operation too, goes through the independent validator.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

const REPO = path.resolve(import.meta.dirname, '../..');
const DAY = 86_400_000;

/** Temp files under `dir`, recursively (relative paths). */
function temps(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => path.basename(f).startsWith('.ds-tmp-'))
    .sort();
}

function age(file: string, days: number): void {
  const t = new Date(Date.now() - days * DAY);
  fs.utimesSync(file, t, t);
}

/** A child streams an object into the store (test/support/slow-put-child.ts) and is SIGKILLed mid-write. */
async function killMidWrite(dir: string, key: string): Promise<void> {
  const args = ['--conditions=source', '--import', 'tsx', 'test/support/slow-put-child.ts', dir, key];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const closed = new Promise((resolve) => child.on('close', resolve));
  const writing = await Promise.race([
    new Promise<boolean>((resolve) => child.stdout.on('data', () => resolve(true))),
    closed.then(() => false),
  ]);
  expect(writing, 'the child died before writing').toBe(true);
  await new Promise<void>((resolve) => setTimeout(resolve, 200)); // the chunk reaches the file
  child.kill('SIGKILL');
  await closed;
}

const rows = (ids: number[]) =>
  arrow.tableFromArrays({ id: BigInt64Array.from(ids.map(BigInt)), p: ids.map((i) => `p${i % 2}`) });

describe('leftovers of killed writers on a local table', () => {
  it('a SIGKILLed writer leaves a temp file that VACUUM full reclaims once older than the retention', async () => {
    const dir = tempDir('ds-leftovers-');
    await writeDeltaTable(dir, rows([1, 2]), { partitionBy: ['p'] });
    await killMidWrite(dir, 'p=p1/part-killed.snappy.parquet');
    const [left] = temps(dir);
    expect(left).toMatch(/^p=p1\/\.ds-tmp-/);
    expect(fs.statSync(path.join(dir, left!)).size).toBe(1024 * 1024);
    // Hidden from listings, so young it stays; also in _delta_log, and a young one elsewhere.
    fs.writeFileSync(path.join(dir, '_delta_log', '.ds-tmp-commit'), '{"add":');
    fs.writeFileSync(path.join(dir, '.ds-tmp-young'), 'y');
    age(path.join(dir, left!), 10);
    age(path.join(dir, '_delta_log', '.ds-tmp-commit'), 10);

    const dry = await (await DeltaTable.open(dir)).vacuum({ mode: 'full', dryRun: true });
    expect(dry.incompleteWrites.map((w) => w.path)).toEqual(['_delta_log/.ds-tmp-commit', left]);
    expect(temps(dir)).toHaveLength(3);

    const cli = { out: '', err: '' };
    const code = await main(['vacuum', dir, '--full'], { out: (s) => (cli.out += s), err: (s) => (cli.err += s) });
    expect(code, cli.err).toBe(0);
    expect(cli.out).toMatch(/discarded 2 unfinished writes of killed writers/);
    expect(temps(dir)).toEqual(['.ds-tmp-young']);
    expect((await (await DeltaTable.open(dir)).toArrow()).numRows).toBe(2);
  });

  it('VACUUM run twice: the second deletes nothing and says so (report and VACUUM END)', async () => {
    const dir = tempDir('ds-leftovers-');
    await writeDeltaTable(dir, rows([1]));
    await writeDeltaTable(dir, rows([2]), { mode: 'overwrite' });
    await writeDeltaTable(dir, rows([3]), { mode: 'overwrite' });
    const table = await DeltaTable.open(dir);
    const vac = () => table.vacuum({ retentionHours: 0, enforceRetention: false, now: Date.now() + DAY });
    const first = await vac();
    expect(first.numFilesDeleted).toBe(2);
    const second = await vac();
    expect(second.numFilesDeleted).toBe(0);
    expect(second.filesDeleted).toEqual([]);
    const end = (await table.history({ limit: 1 }))[0]!;
    expect(end.operation).toBe('VACUUM END');
    expect(end.operationMetrics?.['numDeletedFiles']).toBe('0');
  });

  it("log cleanup removes the DynamoDB protocol's temp commit files of the versions it expires", async () => {
    const dir = tempDir('ds-leftovers-');
    for (let i = 0; i < 3; i++) await writeDeltaTable(dir, rows([i]));
    const table = await DeltaTable.open(dir);
    await table.checkpoint(); // version 2: versions 0 and 1 can expire
    const tmp = path.join(dir, '_delta_log', '.tmp');
    fs.mkdirSync(tmp);
    const names = [0, 1, 2].map((v) => `${String(v).padStart(20, '0')}.json.5e1f0c2a-1111-4c7e-9a0b-000000000000`);
    for (const n of names) fs.writeFileSync(path.join(tmp, n), '{}');
    const r = await table.cleanupLogs({ now: Date.now() + 40 * DAY });
    expect(r.deleted).toEqual(expect.arrayContaining(names.slice(0, 2).map((n) => `_delta_log/.tmp/${n}`)));
    expect(fs.readdirSync(tmp)).toEqual([names[2]]);
    // The planted temp commit of the latest version stays on purpose (the validator warns of it).
    dirs.exempt(dir, 'a planted temp commit file is kept by design', { failOnWarnings: false });
  });
});
