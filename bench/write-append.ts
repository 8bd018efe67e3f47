/**
 * write-append: write 1,000,000 rows x 7 columns (an in-memory Arrow Table) to a new local table.
 *   ours            writeDeltaTable(LocalStore(new dir), table): Parquet + stats + commit
 *   parquet-wasm    Table.fromIPCStream(tableToIPC) + writeParquet (snappy, same row group size) + fs.writeFile
 *   duckdb          appender fed data chunks of JS values (converted from Arrow before the timer)
 *                   + COPY t TO 'x.parquet' (snappy)
 *   ours-stream-1m  the same rows as an async generator of 100k-row batches (generated on the fly)
 *   ours-stream-3m / ours-stream-10m  3x / 10x more rows the same way: peak RSS should not grow with the input
 *   gen-10m         the generator alone (its cost is inside the streaming times)
 * Goals: ours / parquet-wasm <= 1.25; faster than DuckDB; streaming RSS flat.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import type { Harness, Variant } from './lib/harness.js';
import { duckdb, importArrow, importCore, importDuck, importParquetWasm, sqlString, timed } from './lib/libs.js';
import { printFresh, printWarm, summarize } from './lib/report.js';
import { startTimer } from './lib/timing.js';

export const description = '1M x 7 Arrow table to a new table vs parquet-wasm vs DuckDB; 1M/10M streamed (RSS)';

const ROWS = 1_000_000;
const ROW_GROUP = 1_048_576;

/** A fresh output location under bench/.data/out, removed by `done`. */
async function outDir(name: string): Promise<{ dir: string; done: () => void }> {
  const { DATA_DIR } = await import('./lib/paths.js');
  const dir = join(DATA_DIR, 'out', `${name}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

async function input(rows: number) {
  const arrow = await importArrow();
  const { makeTable } = await import('./lib/data.js');
  return { arrow, table: makeTable(rows) };
}

async function oursStream(rows: number) {
  await importArrow();
  const { batchStream } = await import('./lib/data.js');
  const { value: core, ms: importMs } = await timed(importCore);
  const out = await outDir('stream');
  const stop = startTimer();
  const res = await core.writeDeltaTable(new core.LocalStore(out.dir), batchStream(rows));
  const t = stop();
  out.done();
  if (res.metrics.numOutputRows !== rows)
    throw new Error(`write-append: wrote ${res.metrics.numOutputRows} rows, expected ${rows}`);
  return { ...t, importMs, files: res.metrics.numFiles, bytes: res.metrics.numOutputBytes };
}

export const variants: Record<string, Variant> = {
  async ours() {
    const { table } = await input(ROWS);
    const { value: core, ms: importMs } = await timed(importCore);
    const out = await outDir('ours');
    const stop = startTimer();
    const res = await core.writeDeltaTable(new core.LocalStore(out.dir), table);
    const t = stop();
    out.done();
    if (res.metrics.numOutputRows !== ROWS) throw new Error(`write-append: wrote ${res.metrics.numOutputRows} rows`);
    return { ...t, importMs, files: res.metrics.numFiles, bytes: res.metrics.numOutputBytes };
  },

  async 'parquet-wasm'() {
    const { arrow, table } = await input(ROWS);
    const { value: pw, ms: importMs } = await timed(importParquetWasm);
    const out = await outDir('pw');
    const stop = startTimer();
    const props = new pw.WriterPropertiesBuilder()
      .setCompression(pw.Compression.SNAPPY)
      .setMaxRowGroupSize(ROW_GROUP)
      .build();
    const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
    await writeFile(join(out.dir, 'part-0.snappy.parquet'), bytes);
    const t = stop();
    out.done();
    return { ...t, importMs, bytes: bytes.length };
  },

  async duckdb() {
    const { table } = await input(ROWS);
    const { value: duck, ms: importMs } = await timed(importDuck);
    // The JS values DuckDB is given (column arrays), built before the timer.
    const conv = startTimer();
    const column = (name: string) => [...table.getChild(name)!] as DuckDBValue[];
    const int64 = (name: string) => table.getChild(name)!.data.flatMap((d) => [...(d.values as BigInt64Array)]);
    const cols: DuckDBValue[][] = [
      int64('id'),
      int64('ts').map((micros) => new duck.DuckDBTimestampTZValue(micros)),
      column('category'),
      column('value'),
      column('qty'),
      column('flag'),
      column('note'),
    ];
    const convertMs = conv().ms;
    const out = await outDir('duck');
    const file = join(out.dir, 'part-0.parquet');
    const stop = startTimer();
    const conn = await duckdb(duck);
    await conn.run(
      'CREATE OR REPLACE TABLE t (id BIGINT, ts TIMESTAMPTZ, category VARCHAR, value DOUBLE, qty INTEGER, flag BOOLEAN, note VARCHAR)',
    );
    const types = [duck.BIGINT, duck.TIMESTAMPTZ, duck.VARCHAR, duck.DOUBLE, duck.INTEGER, duck.BOOLEAN, duck.VARCHAR];
    const appender = await conn.createAppender('t');
    for (let s = 0; s < ROWS; s += 2048) {
      const n = Math.min(2048, ROWS - s);
      const chunk = duck.DuckDBDataChunk.create(types, n);
      chunk.setColumns(cols.map((c) => c.slice(s, s + n)));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
    const appendMs = stop().ms;
    await conn.run(`COPY t TO ${sqlString(file)} (FORMAT parquet, COMPRESSION snappy)`);
    await conn.run('DROP TABLE t');
    const t = stop();
    out.done();
    return { ...t, importMs, convertMs, appendMs };
  },

  'ours-stream-1m': () => oursStream(ROWS),
  'ours-stream-3m': () => oursStream(3 * ROWS),
  'ours-stream-10m': () => oursStream(10 * ROWS),

  async 'gen-10m'() {
    await importArrow();
    const { batchStream } = await import('./lib/data.js');
    const stop = startTimer();
    let rows = 0;
    for await (const b of batchStream(10 * ROWS)) rows += b.numRows;
    return { ...stop(), rows };
  },
};

export async function main(h: Harness): Promise<void> {
  const fresh = summarize(await h.fresh('write-append', ['ours', 'parquet-wasm', 'duckdb'], {}));
  const warm = summarize(await h.warm('write-append', ['ours', 'parquet-wasm', 'duckdb'], {}, Math.min(h.warmReps, 5)));
  const stream = summarize(
    await h.fresh('write-append', ['ours', 'ours-stream-1m', 'ours-stream-3m', 'ours-stream-10m', 'gen-10m'], {}),
  );
  printFresh('write-append 1M in memory', fresh, 'parquet-wasm');
  printWarm('write-append 1M in memory', warm, 'parquet-wasm');
  printFresh('write-append streaming (RSS should not grow with the input)', stream, 'ours');
  h.record('fresh', fresh);
  h.record('warm', warm);
  h.record('stream', stream);
}
