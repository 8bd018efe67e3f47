/**
 * Versions and timestamps are parsed by one strict parser everywhere (core util/numbers.ts):
 * the CLI's flags, the SDK's time travel and the handlers' configuration. An empty string
 * (an unset shell variable), hex, exponents and bare negative numbers are refused instead of
 * being read as version 0, 16, 100 or a date in 2001, and nothing is committed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable, InvalidArgumentError, writeDeltaTable } from '@delta-serverless/core';
import { resolveAwsConfig } from '@delta-serverless/aws';
import { parsePolicies } from '../../packages/lambda/src/maintenance/policy.js';
import { runCli as cli } from '../support/cli.js';
import { removeTempDirs, tempDir as readTempDir } from './support.js';
import { validatedDirs } from '../support/validate-written.js';

afterAll(removeTempDirs);
// Every table these tests write goes through the independent validator after the test.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

/** Versions 0..16 of one row each (so that hex 0x10 and 1e1 would name real versions). */
async function table(): Promise<string> {
  const dir = tempDir('ds-numbers-');
  for (let i = 0; i <= 16; i++)
    await writeDeltaTable(dir, arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(i)]) }));
  return dir;
}

const versions = (dir: string) =>
  fs.readdirSync(path.join(dir, '_delta_log')).filter((f) => f.endsWith('.json')).length;

describe('CLI flags', () => {
  it('restore --version refuses "", hex, exponents, signs and fractions, and commits nothing', async () => {
    const dir = await table();
    for (const bad of ['', '0x10', '1e1', '-1', '+1', '1.0', ' 1']) {
      const r = await cli('restore', dir, '--version', bad);
      expect(r.code, bad).toBe(1);
      expect(r.err).toMatch(/--version must be a table version .* written in decimal digits/);
    }
    expect(versions(dir)).toBe(17);
    expect((await cli('restore', dir, '--version', '3')).code).toBe(0);
    expect(versions(dir)).toBe(18);
  });

  it('--timestamp takes ISO-8601 or epoch ms with the suffix ms; -1 and bare numbers are refused', async () => {
    const dir = await table();
    for (const bad of ['-1', '1714564800000', 'yesterday', '2024-02-30']) {
      const r = await cli('scan', dir, '--timestamp', bad, '--format', 'ndjson');
      expect(r.code, bad).toBe(1);
      expect(r.err).toMatch(/--timestamp must be an ISO-8601 time .* or epoch milliseconds with the suffix ms/);
      expect((await cli('restore', dir, '--timestamp', bad)).code).toBe(1);
    }
    expect(versions(dir)).toBe(17);
    const later = `${Date.now() + 60_000}ms`;
    const r = await cli('scan', dir, '--timestamp', later, '--format', 'ndjson');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(17);
    expect(
      (await cli('scan', dir, '--timestamp', new Date(Date.now() + 60_000).toISOString(), '--format', 'csv')).code,
    ).toBe(0);
  });

  it('scan/describe --version and --limit, history --limit and optimize --max-bins are digits only', async () => {
    const dir = await table();
    expect((await cli('scan', dir, '--version', '0x1', '--format', 'csv')).err).toMatch(/--version must be/);
    expect((await cli('scan', dir, '--limit', '1e1', '--format', 'csv')).err).toMatch(/--limit must be/);
    expect((await cli('describe', dir, '--version', '')).err).toMatch(/--version must be/);
    expect((await cli('history', dir, '--limit', '-2')).err).toMatch(/--limit must be/);
    expect((await cli('optimize', dir, '--max-bins', '0')).err).toMatch(
      /--max-bins must be a whole number of at least 1/,
    );
    const ok = await cli('scan', dir, '--version', '2', '--format', 'csv');
    expect(ok.code).toBe(0);
    expect(ok.out.trim().split('\n')).toHaveLength(4); // header + 3 rows
  });
});

describe('SDK', () => {
  it('time travel refuses versions that are not whole numbers and timestamps that are not ISO-8601 or epoch ms', async () => {
    const dir = await table();
    for (const version of [-1, 1.5, NaN, Infinity]) {
      await expect(DeltaTable.open(dir, { version }), String(version)).rejects.toThrow(
        /version must be a table version/,
      );
    }
    const t = await DeltaTable.open(dir);
    for (const timestamp of ['-1', '', 'May 1 2024', '1714564800000', -1, 1.5, new Date(NaN)]) {
      await expect(t.snapshotAt({ timestamp }), String(timestamp)).rejects.toThrow(InvalidArgumentError);
      await expect(DeltaTable.open(dir, { timestamp })).rejects.toThrow(InvalidArgumentError);
    }
    await expect(t.restore({})).rejects.toThrow(/restore needs the version or the timestamp/);
    expect((await t.snapshotAt({ timestamp: `${Date.now() + 60_000}ms` })).version).toBe(16);
    expect((await t.snapshotAt({ timestamp: Date.now() + 60_000 })).version).toBe(16);
    expect(versions(dir)).toBe(17);
  });
});

describe('handler configuration', () => {
  it('AWS_MAX_ATTEMPTS and the maintenance policy counts are whole numbers, refused otherwise', () => {
    expect(resolveAwsConfig({}, { AWS_MAX_ATTEMPTS: '3' }).maxAttempts).toBe(3);
    expect(resolveAwsConfig({}, {}).maxAttempts).toBe(5);
    for (const bad of ['0x10', '1e1', '0', '-1', 'many']) {
      expect(() => resolveAwsConfig({}, { AWS_MAX_ATTEMPTS: bad }), bad).toThrow(
        /AWS_MAX_ATTEMPTS must be a whole number/,
      );
    }
    expect(() => parsePolicies([{ table: 's3://b/t', optimize: { maxBins: 2.5 } }])).toThrow(
      /optimize\.maxBins must be a whole number of at least 1, got 2\.5/,
    );
    expect(() => parsePolicies([{ table: 's3://b/t', optimize: { targetSize: '128MB' } }])).toThrow(/targetSize/);
    expect(parsePolicies([{ table: 's3://b/t', optimize: { maxBins: 3 } }])[0]!.optimize).toMatchObject({ maxBins: 3 });
  });
});
