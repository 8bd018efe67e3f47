/**
 * The CLI bundle of scripts/bundle-cli.ts, built from the current sources into a temporary
 * directory and run in a fresh `node` (this test runs on Node 20 with the suite and on Node 22
 * in `pnpm test:node22`): version, help, and a table written and read through it (its lazy
 * chunks, parquet-wasm's module and glue beside the chunk that loads them).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bundleCli } from '../../scripts/bundle-cli.js';

const run = promisify(execFile);
let dir: string;
let cli: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ds-cli-bundle-'));
  cli = (await bundleCli(join(dir, 'bundle'))).outFile;
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

async function ds(...args: string[]): Promise<string> {
  const r = await run(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  return r.stdout;
}

test('the bundled CLI runs: -V, --help, append, scan, describe', async () => {
  const version = (await ds('-V')).trim();
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
  expect((await ds('--version')).trim()).toBe(version);
  expect(await ds('--help')).toContain('constraints');
  await writeFile(join(dir, 'a.csv'), 'id,country\n1,NZ\n2,AU\n');
  expect(await ds('append', 't', 'a.csv')).toMatch(/^created version 0: 2 rows in 1 file/);
  expect(await ds('scan', 't', '--format', 'csv')).toBe('id,country\n1,NZ\n2,AU\n');
  expect(await ds('describe', 't')).toContain('version      0');
});
