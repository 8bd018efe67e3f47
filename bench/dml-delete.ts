/**
 * dml-delete: DELETE of 0.1% of a 10M-row table (100 files of 100k rows), the rows spread over 10
 * of the files (1,000 each), three ways: with deletion vectors, copy-on-write, and (the baseline)
 * rewriting the whole table without them (an overwrite fed by a scan of the rows to keep). Each
 * run works on a fresh copy of the table in a fresh process: wall time, CPU, bytes written (new
 * objects in the table directory), data files and bytes read, peak RSS. Goal: the DV delete
 * reads and touches only the 10 files and writes < 1% of the table's bytes.
 *
 * Memory: copy-on-write deletes of rows in every file (`qty < 10`, 0.1%) of the 2M-row/20-file
 * and the 10M-row/100-file tables: peak RSS must not grow with the table (both are big enough
 * for each rewrite lane to fill whole 524,288-row output row groups). `DML_BENCH=memory` runs
 * only this part.
 */
import type { Harness, Params, Variant, ChildResult } from './lib/harness.js';
import { field } from './lib/harness.js';
import {
  bytesWrittenSince,
  dataFilesRead,
  ensureDmlTable as ensureTable,
  fileSizes as sizes,
} from './lib/dml-tables.js';
import { mb, median, ms, printTable, ratio, startTimer } from './lib/timing.js';

export const description =
  'DELETE 0.1% of a 10M-row table (10 of 100 files): deletion vectors vs copy-on-write vs rewrite';

const ROWS_PER_FILE = 100_000;
/** Files whose rows the delete hits: 5, 15, ..., 95; 1,000 rows in the middle of each. */
const HIT_FILES = Array.from({ length: 10 }, (_, i) => 5 + 10 * i);
const PREDICATE = HIT_FILES.map((f) => {
  const lo = f * ROWS_PER_FILE + 50_000;
  return `(id >= ${lo} AND id < ${lo + 1000})`;
}).join(' OR ');
const SPREAD_PREDICATE = 'qty < 10';

interface DmlParams extends Params {
  dir: string;
  mode: 'dv' | 'cow' | 'rewrite';
  predicate: string;
}

async function run(p: Params) {
  const { dir, mode, predicate } = p as DmlParams;
  const fs = await import('node:fs');
  const path = await import('node:path');
  const work = `${dir}-work-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(dir, work, { recursive: true });
  const before = sizes(work, fs, path);
  const tableBytes = [...before].filter(([k]) => !k.startsWith('_delta_log')).reduce((n, [, v]) => n + v, 0);
  const { InstrumentedStore } = await import('./lib/store.js');
  const core = await import('@delta-serverless/core');
  const store = new InstrumentedStore(new core.LocalStore(work));
  const table = await core.DeltaTable.open(store);
  store.reset();
  const stop = startTimer();
  let rows: number;
  if (mode === 'rewrite') {
    const keep = table.scan({ filter: `NOT (${predicate})` });
    const r = await table.overwrite(keep, { postCommitHooks: false });
    rows = r.metrics.numOutputRows;
  } else {
    const r = await table.delete(predicate, { deletionVectors: mode === 'dv', postCommitHooks: false });
    rows = r.metrics.numDeletedRows;
  }
  const t = stop();
  const written = bytesWrittenSince(before, work, fs, path);
  const filesRead = dataFilesRead(store.log);
  fs.rmSync(work, { recursive: true, force: true });
  return { ...t, rows, written, tableBytes, dataFilesRead: filesRead, bytesRead: store.counters.bytesRead };
}

export const variants: Record<string, Variant> = { run };

const MB = 1024 * 1024;

function row(name: string, runs: readonly ChildResult[], base: readonly ChildResult[]): string[] {
  const med = (k: string) => median(field(runs, k));
  const range = (k: string) => {
    const xs = field(runs, k);
    return `${ms(Math.min(...xs))}-${ms(Math.max(...xs))}`;
  };
  return [
    name,
    `${ms(med('ms'))} (${range('ms')})`,
    ratio(med('ms'), median(field(base, 'ms'))),
    ms(med('cpuMs')),
    `${(med('written') / MB).toFixed(2)} MB (${((100 * med('written')) / med('tableBytes')).toFixed(2)}%)`,
    `${med('dataFilesRead')} (${(med('bytesRead') / MB).toFixed(1)} MB)`,
    String(med('rows')),
    mb(median(runs.map((r) => r.rssMB))),
  ];
}

export async function main(h: Harness): Promise<void> {
  const files = h.quick ? 20 : 100;
  const dir = await ensureTable(files);
  if (process.env.DML_BENCH === 'memory') return memory(h, dir);
  await compare(h, dir, files);
  if (!h.quick) await memory(h, dir);
}

async function compare(h: Harness, dir: string, files: number): Promise<void> {
  const reps = h.quick ? 1 : Math.min(h.reps, 3);
  const params = (mode: DmlParams['mode'], predicate = PREDICATE) => ({ dir, mode, predicate });
  const runs: Record<string, ChildResult[]> = { dv: [], cow: [], rewrite: [] };
  for (let r = 0; r < reps; r++) {
    const order = (['dv', 'cow', 'rewrite'] as const).map((_, i, a) => a[(i + r) % a.length]!);
    for (const mode of order) runs[mode]!.push(...(await h.fresh('dml-delete', ['run'], params(mode), 1))['run']!);
  }
  console.log(
    `\n${files * ROWS_PER_FILE} rows in ${files} files; DELETE WHERE ${PREDICATE.slice(0, 60)}... (10 x 1,000 rows)`,
  );
  printTable([
    [
      'variant',
      'time (median, range)',
      'vs rewrite',
      'CPU',
      'written (of table)',
      'data files read',
      'rows deleted/kept',
      'peak RSS',
    ],
    row('deletion vectors', runs.dv!, runs.rewrite!),
    row('copy-on-write', runs.cow!, runs.rewrite!),
    row('rewrite the table (baseline)', runs.rewrite!, runs.rewrite!),
  ]);
  h.record('runs', runs);
}

async function memory(h: Harness, dir: string): Promise<void> {
  const small = await ensureTable(20);
  const spread = async (d: string) =>
    (await h.fresh('dml-delete', ['run'], { dir: d, mode: 'cow', predicate: SPREAD_PREDICATE }, 1))['run']![0]!;
  const s1 = await spread(small);
  const s10 = await spread(dir);
  console.log(`\nmemory: copy-on-write DELETE WHERE ${SPREAD_PREDICATE} (rows in every file)`);
  printTable([
    ['table', 'time', 'rows deleted', 'files read', 'written', 'peak RSS'],
    ...[
      ['2M rows, 20 files', s1],
      ['10M rows, 100 files', s10],
    ].map(([name, r]) => {
      const x = r as ChildResult;
      return [
        name as string,
        ms(Number(x.ms)),
        String(x.rows),
        String(x.dataFilesRead),
        `${(Number(x.written) / MB).toFixed(0)} MB`,
        mb(x.rssMB),
      ];
    }),
  ]);
  h.record('spread', { '2m': s1, '10m': s10 });
}
