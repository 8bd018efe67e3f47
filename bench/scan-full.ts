/**
 * scan-full: read a whole 1M x 7 table (10 files) into memory.
 *   ours          DeltaTable.open + toArrow()  (log replay included)
 *   parquet-wasm  the same 10 files: fs.readFile (next file prefetched) + readParquet(batchSize 65536) + tableFromIPC
 *   duckdb        SELECT * FROM read_parquet([10 files]) + getRows()  (JS values, row arrays)
 * Goals: ours / parquet-wasm <= 1.15; ours faster than DuckDB end to end.
 */
import { readFile } from 'node:fs/promises';
import type { Harness, Params, Variant } from './lib/harness.js';
import { duckdb, importArrow, importCore, importDuck, importParquetWasm, sqlString, timed } from './lib/libs.js';
import { extra, printFresh, printWarm, summarize } from './lib/report.js';
import { now } from './lib/timing.js';

export const description = '1M rows x 7 columns, 10 files: toArrow() vs parquet-wasm direct vs DuckDB';

interface ScanParams extends Params {
  dir: string;
  files: string[];
  rows: number;
}

function check(rows: number, expected: number): void {
  if (rows !== expected) throw new Error(`scan-full: read ${rows} rows, expected ${expected}`);
}

export const variants: Record<string, Variant> = {
  async ours(p) {
    const { dir, rows } = p as ScanParams;
    const { value: core, ms: importMs } = await timed(importCore);
    const t0 = now();
    const table = await core.DeltaTable.open(new core.LocalStore(dir));
    const openMs = now() - t0;
    const result = await table.toArrow();
    const ms = now() - t0;
    check(result.numRows, rows);
    return { ms, importMs, openMs };
  },

  async 'parquet-wasm'(p) {
    const { files, rows } = p as ScanParams;
    const { value: libs, ms: importMs } = await timed(async () => ({ arrow: await importArrow(), pw: await importParquetWasm() }));
    const { arrow, pw } = libs;
    const t0 = now();
    const batches: InstanceType<typeof arrow.RecordBatch>[] = [];
    let next = readFile(files[0]!);
    for (let i = 0; i < files.length; i++) {
      const bytes = await next;
      if (i + 1 < files.length) next = readFile(files[i + 1]!); // overlap I/O with decoding
      const t = pw.readParquet(bytes, { batchSize: 65_536 });
      for (const b of arrow.tableFromIPC(t.intoIPCStream()).batches) batches.push(b);
    }
    const result = new arrow.Table(batches);
    const ms = now() - t0;
    check(result.numRows, rows);
    return { ms, importMs };
  },

  async duckdb(p) {
    const { files, rows } = p as ScanParams;
    const { value: duck, ms: importMs } = await timed(importDuck);
    const t0 = now();
    const conn = await duckdb(duck);
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}])`);
    const result = reader.getRows();
    const ms = now() - t0;
    check(result.length, rows);
    return { ms, importMs };
  },
};

export async function main(h: Harness): Promise<void> {
  const { ensureScanTable } = await import('./lib/tables.js');
  const table = await ensureScanTable();
  const params: ScanParams = { dir: table.dir, files: table.files, rows: table.rows };
  console.log(`table ${table.dir}: ${table.files.length} files, ${(table.bytes / 1e6).toFixed(1)} MB, ${table.rows} rows`);
  const names = ['ours', 'parquet-wasm', 'duckdb'];

  const fresh = await h.fresh('scan-full', names, params);
  const warm = await h.warm('scan-full', names, params);
  const fs = summarize(fresh);
  const ws = summarize(warm);
  printFresh('scan-full', fs, 'parquet-wasm');
  console.log(`  ours: DeltaTable.open (log) median ${extra(fresh, 'ours', 'openMs').toFixed(0)} ms of the op`);
  printWarm('scan-full', ws, 'parquet-wasm');
  h.record('table', { files: table.files.length, bytes: table.bytes, rows: table.rows });
  h.record('fresh', fs);
  h.record('warm', ws);
}
