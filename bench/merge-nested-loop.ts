/**
 * merge-nested-loop: what a MERGE whose `on` has no equality key costs (the nested-loop join:
 * every target row of a candidate file paired with every source row, evaluated in chunks)
 * against the hash join on the same rows. Target: one file of 100k bench rows (the DML bench
 * table, `bench/.data/dml-1`); source: 100 / 1,000 existing ids; `whenMatchedUpdate('all')`
 * copy-on-write on a fresh copy per run. The same statement with `t.id = s.id` (hash join:
 * one lookup per target row) and `t.id = s.id + 0` (no key: rows x source pairs) rewrites the
 * same file and updates the same rows, so the ratio is the join's cost. In one warm process.
 */
import type { ChildResult, Harness, Params, Variant } from './lib/harness.js';
import { field } from './lib/harness.js';
import { ensureDmlTable } from './lib/dml-tables.js';
import { mb, median, ms, printTable, ratio, startTimer } from './lib/timing.js';

export const description = 'MERGE with on without an equality key (nested loop) vs the hash join, 100k target rows';

const ROWS = 100_000;

interface LoopParams extends Params {
  dir: string;
  sourceRows: number;
}

async function run(p: Params, on: string) {
  const { dir, sourceRows } = p as LoopParams;
  const fs = await import('node:fs');
  const arrow = await import('apache-arrow');
  const core = await import('@delta-serverless/core');
  const { makeBatch } = await import('./lib/data.js');
  const work = `${dir}-loop-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(dir, work, { recursive: true });
  const b = makeBatch(1, sourceRows);
  const step = Math.floor(ROWS / sourceRows);
  const ids = arrow.makeData({
    type: new arrow.Int64(),
    length: sourceRows,
    nullCount: 0,
    data: BigInt64Array.from({ length: sourceRows }, (_, i) => BigInt(i * step + 3)),
  });
  const children = b.data.children.map((c, i) => (b.schema.fields[i]!.name === 'id' ? ids : c));
  const source = new arrow.RecordBatch(
    b.schema,
    arrow.makeData({ type: new arrow.Struct(b.schema.fields), length: sourceRows, nullCount: 0, children }),
  );
  const table = await core.DeltaTable.open(work);
  const stop = startTimer();
  const r = await table
    .merge(source, { on, deletionVectors: false, postCommitHooks: false })
    .whenMatchedUpdate('all')
    .execute();
  const t = stop();
  fs.rmSync(work, { recursive: true, force: true });
  return { ...t, updated: r.metrics.numTargetRowsUpdated, filesRemoved: r.metrics.numTargetFilesRemoved };
}

export const variants: Record<string, Variant> = {
  hash: (p) => run(p, 't.id = s.id'),
  nested: (p) => run(p, 't.id = s.id + 0'),
};

export async function main(h: Harness): Promise<void> {
  const dir = await ensureDmlTable(1);
  const sizes = h.quick ? [100] : [100, 1000];
  const rows: string[][] = [];
  const all: Record<string, Record<string, ChildResult[]>> = {};
  for (const sourceRows of sizes) {
    const runs = await h.warm('merge-nested-loop', ['hash', 'nested'], { dir, sourceRows }, h.quick ? 1 : 5);
    all[sourceRows] = runs;
    for (const v of ['hash', 'nested'] as const) {
      const xs = field(runs[v]!, 'ms');
      rows.push([
        `${v === 'hash' ? 't.id = s.id (hash)' : 't.id = s.id + 0 (nested loop)'}, ${sourceRows} source rows`,
        `${ms(median(xs))} (${ms(Math.min(...xs))}-${ms(Math.max(...xs))})`,
        ratio(median(xs), median(field(runs.hash!, 'ms'))),
        `${(ROWS * sourceRows).toLocaleString('en-US')} pairs`,
        String(median(field(runs[v]!, 'updated'))),
        mb(median(runs[v]!.map((r) => r.rssMB))),
      ]);
    }
  }
  console.log(`\nMERGE update-all into ${ROWS} rows (1 file, copy-on-write), one warm process`);
  printTable([['on', 'time (median, range)', 'vs hash', 'pairs (nested)', 'updated', 'peak RSS (process)'], ...rows]);
  h.record('runs', all);
}
