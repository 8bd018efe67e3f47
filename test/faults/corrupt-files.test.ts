/**
 * Damaged Parquet through every operation that decodes it: scan (SDK and CLI), OPTIMIZE,
 * DELETE and UPDATE (SDK and CLI), append of a damaged input (SDK and CLI), checkpoint reads and CONVERT. Each fails with a
 * CorruptDataFileError naming the file, commits nothing, leaves no file behind, and the same
 * process goes on to read and write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { convertToDelta, CorruptDataFileError, DeltaTable, LocalStore, writeDeltaTable } from '@delta-serverless/core';
import { readInputObject } from '@delta-serverless/core/internal';
import { runCli as cli } from '../support/cli.js';
import { pageArea, prng, sampleParquet, trappingFlip } from '../../packages/core/test/support/parquet-damage.js';
import { removeTempDirs, tempDir as readTempDir } from '../read/support.js';
import { validatedDirs } from '../support/validate-written.js';

afterAll(removeTempDirs);
// Every table these tests write, after a refused or failed operation too, goes through the independent validator.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

const ROWS = 5_000;

/** Every file under `dir`, hidden temp files included. */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

function rows(offset: number): arrow.Table {
  return arrow.tableFromArrays({
    id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(offset + i)),
    name: Array.from({ length: ROWS }, (_, i) => `name${(i * 7919) % 1000}`),
    amount: Float64Array.from({ length: ROWS }, (_, i) => i * 1.5),
  });
}

/** Three appends of 5,000 rows; the second one's data file damaged so that decoding it traps. */
async function tableWithDamagedFile(): Promise<{ dir: string; damaged: string }> {
  const dir = tempDir('ds-corrupt-');
  for (let i = 0; i < 3; i++) await writeDeltaTable(dir, rows(i * ROWS));
  const t = await DeltaTable.open(dir, { version: 1 });
  const v0 = new Set((await DeltaTable.open(dir, { version: 0 })).snapshot.files().map((f) => f.path));
  const damaged = t.snapshot.files().find((f) => !v0.has(f.path))!.path;
  const file = path.join(dir, damaged);
  // The damaged file still has its logged size: the log is checked after the test, the data not.
  dirs.exempt(dir, 'one data file is damaged on purpose', { failOnWarnings: true, checkData: false });
  fs.writeFileSync(file, await trappingFlip(new Uint8Array(fs.readFileSync(file))));
  return { dir, damaged };
}

describe('a damaged data file in a table', () => {
  it('scan rejects with CorruptDataFileError naming it; the process reads on', async () => {
    const { dir, damaged } = await tableWithDamagedFile();
    const table = await DeltaTable.open(dir);
    const err = await table.toArrow().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptDataFileError);
    expect((err as CorruptDataFileError).path).toBe(damaged);
    expect((await table.toArrow({ version: 0 })).numRows).toBe(ROWS);
    const r = await cli('scan', dir, '--format', 'ndjson');
    expect(r.code).toBe(1);
    expect(r.err).toContain(damaged);
    expect(r.err).toMatch(/trapped/);
    expect(r.err).not.toMatch(/wasm-function|at wasm:\/\//);
  });

  it('OPTIMIZE rejects, commits nothing and leaves no file (temp or data) behind', async () => {
    const { dir, damaged } = await tableWithDamagedFile();
    const before = listing(dir);
    const table = await DeltaTable.open(dir);
    const err = await table.optimize().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptDataFileError);
    expect((err as CorruptDataFileError).path).toBe(damaged);
    expect(listing(dir)).toEqual(before);
    expect((await DeltaTable.open(dir)).version).toBe(2);
    const r = await cli('optimize', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(damaged);
    expect(listing(dir)).toEqual(before);
  });

  it('DELETE and UPDATE that read it reject, commit nothing and leave no file behind', async () => {
    const { dir, damaged } = await tableWithDamagedFile();
    const before = listing(dir);
    const table = await DeltaTable.open(dir);
    // Statistics send both statements to the damaged file (ids 5,000..9,999) alone; rewriting
    // it (copy-on-write) decodes every column.
    for (const run of [
      () => table.delete('id >= 5000 AND id < 5010'),
      () => table.update({ where: 'id >= 5000 AND id < 5010', set: { amount: 0 } }),
    ]) {
      const err = await run().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptDataFileError);
      expect((err as CorruptDataFileError).path).toBe(damaged);
      expect(listing(dir)).toEqual(before);
    }
    const r = await cli('delete', dir, '--where', 'id >= 5000 AND id < 5010');
    expect(r.code).toBe(1);
    expect(r.err).toContain(damaged);
    expect(listing(dir)).toEqual(before);
    // The same process deletes from the intact files.
    expect((await table.delete('id < 10')).metrics.numDeletedRows).toBe(10);
    expect((await DeltaTable.open(dir)).version).toBe(3);
  });
});

describe('a damaged Parquet input', () => {
  it('append (SDK and CLI) rejects naming the input, commits nothing and leaves no file behind', async () => {
    const dir = tempDir('ds-corrupt-in-');
    await writeDeltaTable(dir, rows(0));
    const inputs = tempDir('ds-corrupt-inputs-');
    fs.writeFileSync(path.join(inputs, 'bad.parquet'), await trappingFlip(await sampleParquet(ROWS), 3));
    const before = listing(dir);
    const err = await writeDeltaTable(dir, readInputObject(new LocalStore(inputs), 'bad.parquet')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CorruptDataFileError);
    expect((err as CorruptDataFileError).path).toBe('bad.parquet');
    expect(listing(dir)).toEqual(before);
    const r = await cli('append', dir, path.join(inputs, 'bad.parquet'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.parquet: the decoder trapped on it/);
    expect(listing(dir)).toEqual(before);
    // The same process appends an intact file afterwards.
    fs.writeFileSync(path.join(inputs, 'good.parquet'), await sampleParquet(10));
    expect((await cli('append', dir, path.join(inputs, 'good.parquet'))).code).toBe(0);
    expect((await (await DeltaTable.open(dir)).toArrow()).numRows).toBe(ROWS + 10);
  });
});

describe('damaged checkpoints and CONVERT', () => {
  it('a checkpoint with overwritten pages fails the open with a typed error naming it', async () => {
    const dir = tempDir('ds-corrupt-cp-');
    for (let i = 0; i < 3; i++) await writeDeltaTable(dir, rows(i * ROWS));
    const table = await DeltaTable.open(dir);
    await table.checkpoint();
    const cp = path.join(dir, '_delta_log', '00000000000000000002.checkpoint.parquet');
    const good = new Uint8Array(fs.readFileSync(cp));
    const { start, end } = await pageArea(good);
    const random = prng(11);
    let failed = 0;
    for (let i = 0; i < 10; i++) {
      const bad = good.slice();
      const at = start + Math.floor(random() * (end - start - 32));
      for (let j = 0; j < 32; j++) bad[at + j] = Math.floor(random() * 256);
      fs.writeFileSync(cp, bad);
      await DeltaTable.open(dir).then(
        () => undefined,
        (e: unknown) => {
          expect(e).toBeInstanceOf(CorruptDataFileError);
          expect((e as CorruptDataFileError).path).toBe('_delta_log/00000000000000000002.checkpoint.parquet');
          expect((e as Error).message).toMatch(/checkpoint .* is damaged/);
          failed++;
        },
      );
    }
    expect(failed).toBeGreaterThan(0);
    fs.writeFileSync(cp, good);
    expect((await (await DeltaTable.open(dir)).toArrow()).numRows).toBe(3 * ROWS);
  });

  it('CONVERT refuses a directory holding a Parquet file with a damaged footer, naming it', async () => {
    const dir = tempDir('ds-corrupt-conv-');
    const good = await sampleParquet(100);
    fs.writeFileSync(path.join(dir, 'a.parquet'), good);
    const bad = good.slice();
    bad.fill(0x7f, bad.length - 40, bad.length - 8); // the footer's tail
    fs.writeFileSync(path.join(dir, 'b.parquet'), bad);
    const err = await convertToDelta(new LocalStore(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptDataFileError);
    expect((err as CorruptDataFileError).path).toBe('b.parquet');
    expect(fs.existsSync(path.join(dir, '_delta_log'))).toBe(false);
  });
});
