/**
 * Tables the benchmarks read, built once under bench/.data and reused (a marker file next
 * to the table records that it was completed with the current layout).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeltaTable, LocalStore, writeDeltaTable } from '@delta-serverless/core';
import { makeBatch } from './data.js';
import { DATA_DIR } from './paths.js';

export interface ScanTable {
  dir: string;
  /** Absolute paths of the data files, in id order. */
  files: string[];
  rows: number;
  bytes: number;
}

const SCAN_LAYOUT = 1;

/** 1M rows in 10 appends of 100k: 10 files with disjoint, ascending id ranges. */
export async function ensureScanTable(rows = 1_000_000, files = 10): Promise<ScanTable> {
  const name = `scan-${rows / 1_000_000}m`;
  const dir = join(DATA_DIR, name);
  const marker = join(DATA_DIR, `${name}.json`);
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as ScanTable & { layout: number };
    if (m.layout === SCAN_LAYOUT) return m;
  }
  rmSync(dir, { recursive: true, force: true });
  const per = rows / files;
  const store = new LocalStore(dir);
  const t0 = performance.now();
  await writeDeltaTable(store, makeBatch(0, per));
  const table = await DeltaTable.open(store);
  for (let i = 1; i < files; i++) await table.append(makeBatch(i * per, per));
  const adds = [...table.snapshot.files()].sort((a, b) => (minId(a.stats) ?? 0) - (minId(b.stats) ?? 0));
  const out: ScanTable = {
    dir,
    files: adds.map((a) => join(dir, decodeURIComponent(a.path))),
    rows,
    bytes: adds.reduce((s, a) => s + Number(a.size), 0),
  };
  writeFileSync(marker, JSON.stringify({ ...out, layout: SCAN_LAYOUT }, null, 2));
  console.log(
    `  built ${dir}: ${adds.length} files, ${(out.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return out;
}

function minId(stats: string | null | undefined): number | undefined {
  if (!stats) return undefined;
  const v = (JSON.parse(stats) as { minValues?: { id?: number } }).minValues?.id;
  return typeof v === 'number' ? v : undefined;
}
