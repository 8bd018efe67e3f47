/** `generate-manifest` through `main(argv, io)` on local tables. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { writeDeltaTable } from '@delta-serverless/core';
import { main } from '../program.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-manifest-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const rows = (ids: number[], p: string[]) =>
  new arrow.Table({
    id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()),
    p: arrow.vectorFromArray(p, new arrow.Utf8()),
  });

describe('generate-manifest', () => {
  test('writes one manifest per partition, listing the live files', async () => {
    const dir = fs.mkdtempSync(path.join(root, 't-'));
    await writeDeltaTable(dir, rows([1, 2, 3], ['a', 'b', 'b']), { partitionBy: ['p'] });
    const r = await run('generate-manifest', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^wrote 2 manifests listing 2 files of version 0 under file:\/\/\/.*\/_symlink_format_manifest\/\n$/,
    );
    const a = fs.readFileSync(path.join(dir, '_symlink_format_manifest', 'p=a', 'manifest'), 'utf8');
    expect(a).toMatch(/^file:\/\/\/.*\/p=a\/part-[^\n]+\.parquet\n$/);
  });

  test('refuses a column-mapping table with the reason (exit 1, one line)', async () => {
    const dir = fs.mkdtempSync(path.join(root, 't-'));
    await writeDeltaTable(dir, rows([1], ['a']), { properties: { 'delta.columnMapping.mode': 'name' } });
    const r = await run('generate-manifest', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: cannot generate symlink manifests for .* it uses column mapping.*\n$/);
  });

  test('append warns when the commit landed but its manifests could not be updated', async () => {
    const dir = fs.mkdtempSync(path.join(root, 't-'));
    await writeDeltaTable(dir, rows([1], ['a']), {
      properties: { 'delta.columnMapping.mode': 'name', 'delta.compatibility.symlinkFormatManifest.enabled': 'true' },
    });
    const file = path.join(dir, '..', `${path.basename(dir)}.ndjson`);
    fs.writeFileSync(file, '{"id":2,"p":"b"}\n');
    const r = await run('append', dir, file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^committed version 1: .*\nwarning: version 1 of .* was committed, but its symlink manifests were not updated: .*column mapping/s,
    );
  });
});
