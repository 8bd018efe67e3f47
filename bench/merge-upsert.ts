/**
 * merge-upsert: MERGE of 10,000 upserts (5% new keys: `whenMatchedUpdate('all')` +
 * `whenNotMatchedInsert('all')`) into a 10M-row table of 100 files of 100k rows (ids in order,
 * so each file holds one id range), keys clustered (9,500 consecutive ids inside one file) or
 * spread (every 1,053rd id, all 100 files), with deletion vectors and copy-on-write. Each run
 * works on a fresh copy of the table in a fresh process: wall time, CPU, files read and
 * rewritten, bytes written, peak RSS. Baseline in the same run: DuckDB loading the same
 * Parquet files, running the same `MERGE INTO` and writing the table back as Parquet (it has
 * no Delta writer; the MERGE alone is timed too).
 *
 * One-row upsert: peak RSS of upserting one existing key into the 10M-row table vs into a
 * 1,000-row table (copy-on-write: reads and rewrites one file). Goal: within 1.5x.
 * `MERGE_BENCH=one-row` runs only that part.
 */
import type { ChildResult, Harness, Params, Variant } from './lib/harness.js';
import { field } from './lib/harness.js';
import {
  bytesWrittenSince,
  dataFilesRead,
  ensureDmlTable as ensureTable,
  fileSizes as sizes,
} from './lib/dml-tables.js';
import { mb, median, ms, printTable, ratio, startTimer } from './lib/timing.js';

export const description =
  'MERGE 10,000 upserts (5% new) into a 10M-row table of 100 files: clustered vs spread keys, DV vs CoW, vs DuckDB';

const ROWS_PER_FILE = 100_000;
const FILES = 100;
const UPSERTS = 10_000;
const NEW_KEYS = 500;

interface MergeParams extends Params {
  dir: string;
  keys: 'clustered' | 'spread' | 'one';
  dv: boolean;
}

/** The source's ids: 9,500 existing ids (clustered or spread) then 500 new ones past the end. */
function sourceIds(keys: MergeParams['keys'], rows: number): number[] {
  if (keys === 'one') return [Math.floor(rows / 2)];
  const existing = UPSERTS - NEW_KEYS;
  const step = Math.floor(rows / existing);
  const first = Math.floor(rows / 2) + 20_000; // inside one file: the middle file's ids
  const ids = Array.from({ length: existing }, (_, i) => (keys === 'clustered' ? first + i : i * step + 17));
  for (let i = 0; i < NEW_KEYS; i++) ids.push(rows + i);
  return ids;
}

/** Source batch: bench rows (values shifted so updates change them) with the given ids. */
async function sourceTable(ids: readonly number[]) {
  const arrow = await import('apache-arrow');
  const { makeBatch } = await import('./lib/data.js');
  const b = makeBatch(1, ids.length);
  const idData = arrow.makeData({
    type: new arrow.Int64(),
    length: ids.length,
    nullCount: 0,
    data: BigInt64Array.from(ids.map(BigInt)),
  });
  const children = b.data.children.map((c, i) => (b.schema.fields[i]!.name === 'id' ? idData : c));
  return new arrow.Table(
    new arrow.RecordBatch(
      b.schema,
      arrow.makeData({ type: new arrow.Struct(b.schema.fields), length: ids.length, nullCount: 0, children }),
    ),
  );
}

async function ours(p: Params) {
  const { dir, keys, dv } = p as MergeParams;
  const fs = await import('node:fs');
  const path = await import('node:path');
  const work = `${dir}-work-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(dir, work, { recursive: true });
  const before = sizes(work, fs, path);
  const { InstrumentedStore } = await import('./lib/store.js');
  const core = await import('@delta-serverless/core');
  const store = new InstrumentedStore(new core.LocalStore(work));
  const table = await core.DeltaTable.open(store);
  const rows = table.snapshot
    .files()
    .reduce((n, f) => n + Number((JSON.parse(f.stats ?? '{}') as { numRecords?: number }).numRecords ?? 0), 0);
  const source = await sourceTable(sourceIds(keys, rows));
  store.reset();
  const stop = startTimer();
  const r = await table
    .merge(source, { on: 't.id = s.id', deletionVectors: dv, postCommitHooks: false })
    .whenMatchedUpdate('all')
    .whenNotMatchedInsert('all')
    .execute();
  const t = stop();
  const written = bytesWrittenSince(before, work, fs, path);
  const filesRead = dataFilesRead(store.log);
  fs.rmSync(work, { recursive: true, force: true });
  const m = r.metrics;
  return {
    ...t,
    written,
    dataFilesRead: filesRead,
    bytesRead: store.counters.bytesRead,
    updated: m.numTargetRowsUpdated,
    inserted: m.numTargetRowsInserted,
    filesRewritten: m.numTargetFilesRemoved + m.numTargetDeletionVectorsAdded,
  };
}

/** DuckDB: load the table's Parquet files, MERGE INTO, write the result as Parquet. */
async function duck(p: Params) {
  const { dir, keys } = p as MergeParams;
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { duckdb, importDuck, sqlString } = await import('./lib/libs.js');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.parquet'))
    .map((f) => sqlString(path.join(dir, f)));
  const ids = sourceIds(keys, files.length * ROWS_PER_FILE);
  const out = `${dir}-duck-${process.pid}.parquet`;
  // The same source rows as ours, as one Parquet file (written before the clock starts).
  const srcDir = `${dir}-duck-src-${process.pid}`;
  fs.rmSync(srcDir, { recursive: true, force: true });
  const core = await import('@delta-serverless/core');
  await core.writeDeltaTable(srcDir, await sourceTable(ids));
  const srcFile = path.join(
    srcDir,
    fs.readdirSync(srcDir).find((f) => f.endsWith('.parquet'))!,
  );
  const conn = await duckdb(await importDuck());
  const stop = startTimer();
  await conn.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet([${files.join(', ')}])`);
  await conn.run(`CREATE OR REPLACE TABLE s AS SELECT * FROM read_parquet(${sqlString(srcFile)})`);
  const merging = startTimer();
  await conn.run('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *');
  const mergeMs = merging().ms;
  await conn.run(`COPY t TO ${sqlString(out)} (FORMAT parquet)`);
  const t = stop();
  const written = fs.statSync(out).size;
  fs.rmSync(out, { force: true });
  fs.rmSync(srcDir, { recursive: true, force: true });
  return { ...t, mergeMs, written };
}

export const variants: Record<string, Variant> = { ours, duck };

const MB = 1024 * 1024;

function row(name: string, runs: readonly ChildResult[], base: readonly ChildResult[]): string[] {
  const med = (k: string) => median(field(runs, k));
  const xs = field(runs, 'ms');
  return [
    name,
    `${ms(med('ms'))} (${ms(Math.min(...xs))}-${ms(Math.max(...xs))})`,
    ratio(med('ms'), median(field(base, 'ms'))),
    ms(med('cpuMs')),
    Number.isFinite(med('dataFilesRead')) ? `${med('dataFilesRead')} (${(med('bytesRead') / MB).toFixed(1)} MB)` : '-',
    Number.isFinite(med('filesRewritten')) ? String(med('filesRewritten')) : 'all',
    `${(med('written') / MB).toFixed(1)} MB`,
    Number.isFinite(med('updated')) ? `${med('updated')} / ${med('inserted')}` : '-',
    mb(median(runs.map((r) => r.rssMB))),
  ];
}

export async function main(h: Harness): Promise<void> {
  const files = h.quick ? 20 : FILES;
  const dir = await ensureTable(files);
  if (process.env.MERGE_BENCH !== 'one-row') await compare(h, dir, files);
  await oneRow(h, dir);
}

async function compare(h: Harness, dir: string, files: number): Promise<void> {
  const reps = h.quick ? 1 : Math.min(h.reps, 3);
  const cases = [
    ['clustered, deletion vectors', 'ours', { dir, keys: 'clustered', dv: true }],
    ['clustered, copy-on-write', 'ours', { dir, keys: 'clustered', dv: false }],
    ['spread, deletion vectors', 'ours', { dir, keys: 'spread', dv: true }],
    ['spread, copy-on-write', 'ours', { dir, keys: 'spread', dv: false }],
    ['DuckDB (clustered): load + MERGE + write', 'duck', { dir, keys: 'clustered', dv: false }],
  ] as const;
  const runs: Record<string, ChildResult[]> = {};
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < cases.length; i++) {
      const [name, variant, params] = cases[(i + r) % cases.length]!;
      (runs[name] ??= []).push(...(await h.fresh('merge-upsert', [variant], params, 1))[variant]!);
    }
  const base = runs['DuckDB (clustered): load + MERGE + write']!;
  console.log(`\n${files * ROWS_PER_FILE} rows in ${files} files; MERGE of ${UPSERTS} upserts (${NEW_KEYS} new keys)`);
  printTable([
    [
      'variant',
      'time (median, range)',
      'vs DuckDB',
      'CPU',
      'data files read',
      'files rewritten/DV',
      'written',
      'updated / inserted',
      'peak RSS',
    ],
    ...cases.map(([name]) => row(name, runs[name]!, base)),
  ]);
  console.log(`DuckDB MERGE statement alone: ${ms(median(field(base, 'mergeMs')))}`);
  h.record('runs', runs);
}

async function oneRow(h: Harness, big: string): Promise<void> {
  const small = await ensureTable(1, 1000, 'merge-1k');
  const reps = h.quick ? 1 : Math.min(h.reps, 3);
  const runs: Record<string, ChildResult[]> = { big: [], small: [] };
  for (let r = 0; r < reps; r++) {
    runs.small!.push(...(await h.fresh('merge-upsert', ['ours'], { dir: small, keys: 'one', dv: false }, 1)).ours!);
    runs.big!.push(...(await h.fresh('merge-upsert', ['ours'], { dir: big, keys: 'one', dv: false }, 1)).ours!);
  }
  const rss = (k: string) => median(runs[k]!.map((x) => x.rssMB));
  console.log('\none-row upsert (copy-on-write): peak RSS');
  printTable([
    ['table', 'time', 'data files read', 'files rewritten', 'written', 'peak RSS'],
    ...(['small', 'big'] as const).map((k) => {
      const x = runs[k]!;
      return [
        k === 'small' ? '1,000 rows, 1 file' : '10M rows, 100 files',
        ms(median(field(x, 'ms'))),
        String(median(field(x, 'dataFilesRead'))),
        String(median(field(x, 'filesRewritten'))),
        `${(median(field(x, 'written')) / MB).toFixed(1)} MB`,
        mb(rss(k)),
      ];
    }),
  ]);
  console.log(`peak RSS ratio (10M / 1,000 rows): ${ratio(rss('big'), rss('small'))} (goal <= 1.5x)`);
  h.record('oneRow', runs);
}
