/**
 * wide-inputs: peak RSS (VmHWM) and wall time of appending one wide input object of 2 rows
 * (CSV, NDJSON, Parquet) to a new table in a fresh process, by column count, against the
 * baseline of the same append with 10 columns. Each run is a child running
 * test/support/append-child.ts (readInputObject + writeDeltaTable: what the CLI's `append` and
 * the ingest handler run) through tsx, so absolute figures include tsx's ~60 MB.
 *
 *   npx tsx --conditions=source bench/wide-inputs.ts [--reps 3] [--max-columns N] [columns...]
 *
 * Default widths 1,000 2,000 5,000 10,000 20,000. Objects wider than the limit are refused
 * before their data is read (formats/limits.ts); `--max-columns 30000` measures loading them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import { writeParquet } from '@delta-serverless/core/internal';
import { wideCsv, wideNdjson } from '../test/support/wide-inputs.js';
import { median, printTable } from './lib/timing.js';

const args = process.argv.slice(2);
const take = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const reps = Number(take('--reps') ?? 3);
const maxColumns = take('--max-columns');
const widths = args.length > 0 ? args.map(Number) : [1_000, 2_000, 5_000, 10_000, 20_000];
const REPO = resolve(import.meta.dirname, '..');

async function parquet(columns: number): Promise<Uint8Array> {
  const cols: Record<string, arrow.Vector> = {};
  for (let i = 0; i < columns; i++)
    cols[`c${i}`] = arrow.vectorFromArray([BigInt(i), BigInt(2 * i)], new arrow.Int64());
  return writeParquet(new arrow.Table(cols));
}

/** One append in a fresh process: peak RSS (MB), wall ms, and whether it was refused. */
function run(file: string): { mb: number; ms: number; refused: boolean } {
  const table = mkdtempSync(join(tmpdir(), 'ds-wide-bench-t-'));
  const env = { ...process.env, ...(maxColumns ? { DS_MAX_COLUMNS: maxColumns } : {}) };
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'test/support/append-child.ts', table, file],
    { cwd: REPO, env, encoding: 'utf8' },
  );
  const ms = performance.now() - t0;
  rmSync(table, { recursive: true, force: true });
  const kb = Number(/VmHWM (\d+)/.exec(r.stderr)?.[1]);
  return { mb: kb / 1024, ms, refused: r.status !== 0 };
}

const dir = mkdtempSync(join(tmpdir(), 'ds-wide-bench-'));
try {
  const rows: string[][] = [['format', 'columns', 'bytes', 'peak RSS', 'vs 10 cols', 'wall', 'outcome']];
  for (const format of ['csv', 'ndjson', 'parquet'] as const) {
    const make = async (n: number) =>
      format === 'csv' ? wideCsv(n, 2) : format === 'ndjson' ? wideNdjson(n, 2) : await parquet(n);
    const files = new Map<number, string>();
    for (const n of [10, ...widths]) {
      const f = join(dir, `w${n}.${format}`);
      writeFileSync(f, await make(n));
      files.set(n, f);
    }
    const results = new Map<number, ReturnType<typeof run>[]>();
    for (let rep = 0; rep < reps; rep++)
      for (const [n, f] of files) results.set(n, [...(results.get(n) ?? []), run(f)]);
    const base = median(results.get(10)!.map((r) => r.mb));
    for (const [n, rs] of results) {
      const mb = median(rs.map((r) => r.mb));
      const size = (await import('node:fs')).statSync(files.get(n)!).size;
      rows.push([
        format,
        String(n),
        `${(size / 1024).toFixed(0)} KB`,
        `${mb.toFixed(0)} MB (${Math.min(...rs.map((r) => r.mb)).toFixed(0)}-${Math.max(...rs.map((r) => r.mb)).toFixed(0)})`,
        `${(mb / base).toFixed(2)}x`,
        `${(median(rs.map((r) => r.ms)) / 1000).toFixed(1)} s`,
        rs.every((r) => r.refused) ? 'refused' : rs.some((r) => r.refused) ? 'mixed' : 'loaded',
      ]);
    }
  }
  printTable(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
