/**
 * Wide inputs: memory follows the data, not columns x batch size (the CSV reader used to
 * reserve 65,536 slots per column: 20,000 columns ran out of memory, 1,000 columns of 8.8 KB
 * peaked at 680 MB). Measured as the peak RSS (VmHWM) of a child process appending the file
 * through the SDK (the code the CLI and the ingest handler run):
 * - 20,000 columns x 2 lines (CSV, NDJSON, Parquet) are refused before their data is read,
 *   naming the documented limit (10,000 columns, maxColumns), within 300 MB;
 * - 1,000 columns x 2 lines of CSV load within 300 MB;
 * - batches hold at most 1 Mi cells, so a long wide object streams in short batches.
 * bench/wide-inputs.ts measures the widths in between (docs/memory-bounds.md).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable, MemoryStore } from '@delta-serverless/core';
import { readInputObject, readInputStream, writeParquet } from '@delta-serverless/core/internal';
import { rowsPerBatch } from '../../packages/core/src/formats/limits.js';
import { removeTempDirs, tempDir } from '../read/support.js';
import { wideCsv, wideEmptyParquet, wideNdjson } from '../support/wide-inputs.js';

afterAll(removeTempDirs);

const REPO = path.resolve(import.meta.dirname, '../..');
const MB = 1024 * 1024;

/** Append `file` to `table` in a fresh Node (test/support/append-child.ts): exit code, stderr, peak RSS (VmHWM). */
async function appendInChild(file: string, table: string): Promise<{ code: number; err: string; peak: number }> {
  const args = ['--conditions=source', '--import', 'tsx', 'test/support/append-child.ts', table, file];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const kb = Number(/VmHWM (\d+)/.exec(err)?.[1]);
  return { code, err, peak: kb * 1024 };
}

function write(name: string, bytes: Uint8Array | string): string {
  const file = path.join(tempDir('ds-wide-in-'), name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** `columns` Int64 columns x `rows` rows as Parquet (our writer). */
async function wideParquet(columns: number, rows: number): Promise<Uint8Array> {
  const cols: Record<string, arrow.Vector> = {};
  for (let i = 0; i < columns; i++)
    cols[`c${i}`] = arrow.vectorFromArray(
      Array.from({ length: rows }, (_, r) => BigInt(i * (r + 1))),
      new arrow.Int64(),
    );
  return writeParquet(new arrow.Table(cols));
}

describe('20,000 columns x 2 lines', () => {
  it.each([
    ['wide.csv', () => wideCsv(20_000, 2), 'columns'],
    ['wide.ndjson', () => wideNdjson(20_000, 2), 'keys'],
    ['wide.parquet', () => wideEmptyParquet(20_000), 'leaf columns'],
  ] as const)('%s is refused naming the column limit, within 300 MB', async (name, make, what) => {
    const table = tempDir('ds-wide-t-');
    const r = await appendInChild(write(name, make()), table);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `${name.replace('.', '\\.')}: the object has 20000 ${what}.* more than the limit of 10000 \\(maxColumns`,
      ),
    );
    expect(r.peak, `peak RSS ${(r.peak / MB).toFixed(0)} MB`).toBeLessThan(300 * MB);
    expect(fs.existsSync(path.join(table, '_delta_log'))).toBe(false);
  });
});

describe('1,000 columns x 2 lines', () => {
  it('CSV loads within 300 MB (it peaked at 680 MB; NDJSON and Parquet: bench/wide-inputs.ts)', async () => {
    const table = tempDir('ds-wide-t-');
    const r = await appendInChild(write('wide.csv', wideCsv(1_000, 2)), table);
    expect(r.code, r.err).toBe(0);
    expect(r.peak, `peak RSS ${(r.peak / MB).toFixed(0)} MB`).toBeLessThan(300 * MB);
    const t = await DeltaTable.open(table);
    expect(t.snapshot.schema.fields).toHaveLength(1_000);
    expect((await t.toArrow({ columns: ['c0', 'c999'] })).numRows).toBe(2);
  });
});

describe('batches of a wide object', () => {
  it('hold at most cellsPerBatch values (default 1 Mi: 524 rows of 2,000 columns), every row kept', async () => {
    expect(rowsPerBatch(65_536, 2_000)).toBe(524);
    expect(rowsPerBatch(65_536, 7)).toBe(65_536);
    expect(rowsPerBatch(65_536, 2_000_000)).toBe(1);
    for (const [format, text] of [
      ['csv', wideCsv(100, 70)],
      ['ndjson', wideNdjson(100, 70)],
    ] as const) {
      const sizes: number[] = [];
      const source = (async function* () {
        yield Buffer.from(text);
      })();
      for await (const b of readInputStream(source, { format, key: `w.${format}`, cellsPerBatch: 2_500 }))
        sizes.push(b.numRows);
      expect(sizes, format).toEqual([25, 25, 20]);
    }
    const parquet = new MemoryStore();
    await parquet.put('w.parquet', await wideParquet(100, 70));
    const sizes: number[] = [];
    for await (const b of readInputObject(parquet, 'w.parquet', { cellsPerBatch: 2_500 })) sizes.push(b.numRows);
    expect(sizes).toEqual([25, 25, 20]);
  });

  it('maxColumns moves the limit', async () => {
    const source = (async function* () {
      yield Buffer.from(wideCsv(11, 1));
    })();
    const read = async () => {
      for await (const b of readInputStream(source, { format: 'csv', key: 'k.csv', maxColumns: 10 })) void b;
    };
    await expect(read()).rejects.toThrow(/k\.csv: the object has 11 columns, more than the limit of 10 \(maxColumns/);
  });
});
