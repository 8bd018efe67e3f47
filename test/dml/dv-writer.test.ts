/**
 * Deletion vectors we write, decoded by an independent reader (test/support/dv-oracle.ts:
 * CRoaring + node:zlib + a from-spec Z85/descriptor decoder), mark exactly the rows given.
 */
import { mulberry32 as rng } from '../../packages/core/test/support/prng.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { LocalStore } from '@delta-serverless/core';
import { createEngine, DeletedRows } from '@delta-serverless/core/internal';
import { DeletionVectorWriter } from '../../packages/core/src/write/deletion-vectors.js';
import { dvFileOracle, readDvOracle } from '../support/dv-oracle.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-dv-writer-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function sets(seed: number): number[][] {
  const r = rng(seed);
  const out: number[][] = [
    [0],
    [5, 9, 65535, 65536, 65537],
    Array.from({ length: 5000 }, (_, i) => i * 3), // > 4096 in one container: a bitmap container
    Array.from({ length: 70000 }, (_, i) => i), // a full container and a partial one
    [2 ** 32 - 1, 2 ** 32, 2 ** 33 + 7, 2 ** 40], // several 32-bit buckets
  ];
  for (let k = 0; k < 20; k++) {
    const n = 1 + Math.floor(r() * 3000);
    const s = new Set<number>();
    while (s.size < n) s.add(Math.floor(r() * 200_000));
    out.push([...s]);
  }
  return out;
}

describe('DeletionVectorWriter', () => {
  test('packs many vectors into deletion_vector_<uuid>.bin files that decode independently to exactly the rows', async () => {
    const dir = path.join(root, 'packed');
    const writer = new DeletionVectorWriter({ engine: createEngine(new LocalStore(dir)), packTargetBytes: 16 * 1024 });
    const input = sets(7);
    const descs = [];
    for (const rows of input) descs.push(await writer.add(DeletedRows.from(rows)));
    const { files, bytes } = await writer.finish();
    expect(files.length).toBeGreaterThan(1); // the 16 KiB target split them
    expect(new Set(descs.map((d) => dvFileOracle(d))).size).toBe(files.length);
    expect(bytes).toBe(files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0));
    for (const f of files) expect(f).toMatch(/^deletion_vector_[0-9a-f-]{36}\.bin$/);
    descs.forEach((d, i) => {
      expect(d.storageType).toBe('u');
      expect(readDvOracle(dir, d)).toEqual([...new Set(input[i])].sort((a, b) => a - b));
    });
  });

  test('random prefixes name a directory; small vectors go inline when asked', async () => {
    const dir = path.join(root, 'prefix');
    const writer = new DeletionVectorWriter({
      engine: createEngine(new LocalStore(dir)),
      prefixLength: 3,
      inlineMaxBytes: 64,
    });
    const small = await writer.add(DeletedRows.from([1, 2, 3]));
    const large = await writer.add(DeletedRows.from(Array.from({ length: 100 }, (_, i) => i * 7)));
    await writer.finish();
    expect(small.storageType).toBe('i');
    expect(readDvOracle(dir, small)).toEqual([1, 2, 3]);
    expect(large.storageType).toBe('u');
    expect(large.pathOrInlineDv).toHaveLength(23);
    expect(dvFileOracle(large)).toMatch(/^[A-Za-z0-9]{3}\/deletion_vector_/);
    expect(readDvOracle(dir, large)).toEqual(Array.from({ length: 100 }, (_, i) => i * 7));
  });

  test('abort deletes the files written', async () => {
    const dir = path.join(root, 'abort');
    const writer = new DeletionVectorWriter({ engine: createEngine(new LocalStore(dir)), packTargetBytes: 10 });
    await writer.add(DeletedRows.from([1]));
    await writer.add(DeletedRows.from([2]));
    await writer.abort();
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });
});
