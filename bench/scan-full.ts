/**
 * scan-full: read a whole 1M x 7 table (10 files) into memory.
 *   ours          DeltaTable.open + toArrow()  (log replay included)
 *   parquet-wasm  the same 10 files: fs.readFile (next file prefetched) + readParquet(batchSize 65536)
 *                 + tableFromIPC: the fastest direct path found (ParquetFile.fromFile + stream is slower)
 *   duckdb        SELECT * FROM read_parquet([10 files]) + getColumns() (JS values; the fastest getter)
 *   duckdb-rows   the same + getRows() (row arrays; warm only, it is slow)
 * Goals: ours / parquet-wasm <= 1.15; ours faster than DuckDB end to end.
 */
import { readFile } from 'node:fs/promises';
import type { Harness, Params, Variant, VariantResult } from './lib/harness.js';
import { duckdb, importArrow, importCore, importDuck, importParquetWasm, sqlString, timed } from './lib/libs.js';
import { extra, printFresh, printWarm, summarize } from './lib/report.js';
import { startTimer } from './lib/timing.js';

export const description = '1M rows x 7 columns, 10 files: toArrow() vs parquet-wasm direct vs DuckDB';

interface ScanParams extends Params {
  dir: string;
  files: string[];
  rows: number;
}

function check(rows: number, expected: number): void {
  if (rows !== expected) throw new Error(`scan-full: read ${rows} rows, expected ${expected}`);
}

async function duckScan(p: Params, getter: 'getColumns' | 'getRows'): Promise<VariantResult> {
  const { files, rows } = p as ScanParams;
  const { value: duck, ms: importMs } = await timed(importDuck);
  const stop = startTimer();
  const conn = await duckdb(duck);
  const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}])`);
  const values = getter === 'getColumns' ? reader.getColumns() : reader.getRows();
  const t = stop();
  check(getter === 'getColumns' ? values[0]!.length : values.length, rows);
  return { ...t, importMs };
}

export const variants: Record<string, Variant> = {
  async ours(p) {
    const { dir, rows } = p as ScanParams;
    const { value: core, ms: importMs } = await timed(importCore);
    const stop = startTimer();
    const table = await core.DeltaTable.open(new core.LocalStore(dir));
    const openMs = stop().ms;
    const result = await table.toArrow();
    const t = stop();
    check(result.numRows, rows);
    return { ...t, importMs, openMs };
  },

  async 'parquet-wasm'(p) {
    const { files, rows } = p as ScanParams;
    const { value: libs, ms: importMs } = await timed(async () => ({
      arrow: await importArrow(),
      pw: await importParquetWasm(),
    }));
    const { arrow, pw } = libs;
    const stop = startTimer();
    const batches: InstanceType<typeof arrow.RecordBatch>[] = [];
    let next = readFile(files[0]!);
    for (let i = 0; i < files.length; i++) {
      const bytes = await next;
      if (i + 1 < files.length) next = readFile(files[i + 1]!); // overlap I/O with decoding
      const t = pw.readParquet(bytes, { batchSize: 65_536 });
      for (const b of arrow.tableFromIPC(t.intoIPCStream()).batches) batches.push(b);
    }
    const result = new arrow.Table(batches);
    const t = stop();
    check(result.numRows, rows);
    return { ...t, importMs };
  },

  duckdb: (p) => duckScan(p, 'getColumns'),
  'duckdb-rows': (p) => duckScan(p, 'getRows'),
};

export async function main(h: Harness): Promise<void> {
  const { ensureScanTable } = await import('./lib/tables.js');
  const table = await ensureScanTable();
  const params: ScanParams = { dir: table.dir, files: table.files, rows: table.rows };
  console.log(
    `table ${table.dir}: ${table.files.length} files, ${(table.bytes / 1e6).toFixed(1)} MB, ${table.rows} rows`,
  );

  const fresh = summarize(await h.fresh('scan-full', ['ours', 'parquet-wasm', 'duckdb'], params));
  // Warm: ours vs parquet-wasm with many rounds; DuckDB (seconds per run) in its own process, fewer rounds.
  const warmRuns = await h.warm('scan-full', ['ours', 'parquet-wasm'], params);
  const warm = summarize(warmRuns);
  const warmDuck = summarize(
    await h.warm('scan-full', ['ours', 'duckdb', 'duckdb-rows'], params, Math.min(h.warmReps, 3)),
  );

  printFresh('scan-full', fresh, 'parquet-wasm');
  printWarm('scan-full', warm, 'parquet-wasm');
  console.log(
    `  ours: DeltaTable.open (log replay) median ${extra(warmRuns, 'ours', 'openMs').toFixed(1)} ms of the op`,
  );
  printWarm('scan-full vs DuckDB', warmDuck, 'ours');
  h.record('table', { files: table.files.length, bytes: table.bytes, rows: table.rows });
  h.record('fresh', fresh);
  h.record('warm', warm);
  h.record('warmDuck', warmDuck);
}
