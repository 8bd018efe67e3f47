/**
 * scan-selective: the scan-full table (10 files, disjoint ascending id ranges) filtered on
 * `id >= X AND id < X + 10000` (1% of rows). Reports files read / total, bytes of the
 * selected files, bytes actually fetched, and time as a ratio of the unfiltered scan.
 * Goal: only the file(s) whose id range can match are read.
 */
import type { Harness, Params, Variant } from './lib/harness.js';
import { importCore, timed } from './lib/libs.js';
import { printFresh, printWarm, summarize } from './lib/report.js';
import { printTable, startTimer } from './lib/timing.js';

export const description = '1% id-range filter on the scan-full table: files read, bytes, time vs full scan';

interface SelParams extends Params {
  dir: string;
  rows: number;
  /** Filter start; the filter keeps ids [x, x + 10000). */
  x: number;
}

async function scan(p: Params, filtered: boolean) {
  const { dir, rows, x } = p as SelParams;
  const { value: core, ms: importMs } = await timed(importCore);
  const { InstrumentedStore } = await import('./lib/store.js');
  const stop = startTimer();
  const store = new InstrumentedStore(new core.LocalStore(dir));
  const table = await core.DeltaTable.open(store);
  store.reset(); // count the scan's requests only
  const s = table.scan(filtered ? { filter: `id >= ${x} AND id < ${x + 10_000}` } : {});
  const result = await s.toArrow();
  const t = stop();
  const expected = filtered ? 10_000 : rows;
  if (result.numRows !== expected) throw new Error(`scan-selective: got ${result.numRows} rows, expected ${expected}`);
  const m = s.metrics!;
  return {
    ...t,
    importMs,
    rows: result.numRows,
    filesRead: m.filesRead,
    filesInSnapshot: m.filesInSnapshot,
    filesSkippedByStats: m.filesSkippedByStats,
    bytesInSelectedFiles: m.bytesInSelectedFiles,
    rowGroupsSkipped: m.rowGroupsSkipped,
    bytesFetched: store.counters.bytesRead,
    requests: store.counters.requests,
  };
}

export const variants: Record<string, Variant> = {
  full: (p) => scan(p, false),
  selective: (p) => scan(p, true),
};

export async function main(h: Harness): Promise<void> {
  const { ensureScanTable } = await import('./lib/tables.js');
  const table = await ensureScanTable();
  const cases = [
    { name: 'inside one file', x: 350_000 },
    { name: 'straddling two files', x: 395_000 },
  ];
  // Metrics are deterministic: one warm child per case is enough for them.
  const rows: string[][] = [
    ['case', 'filter', 'files read', 'skipped by stats', 'selected-file bytes', 'bytes fetched', 'requests', 'rows'],
  ];
  const recorded: Record<string, unknown> = {};
  let params: SelParams | undefined;
  for (const c of cases) {
    const p: SelParams = { dir: table.dir, rows: table.rows, x: c.x };
    params ??= p;
    const runs = await h.warm('scan-selective', ['selective'], p, 1);
    const r = runs.selective![0]!;
    rows.push([
      c.name,
      `id >= ${c.x} AND id < ${c.x + 10_000}`,
      `${r.filesRead} / ${r.filesInSnapshot}`,
      String(r.filesSkippedByStats),
      `${((r.bytesInSelectedFiles as number) / 1e6).toFixed(2)} MB of ${(table.bytes / 1e6).toFixed(1)} MB`,
      `${((r.bytesFetched as number) / 1e6).toFixed(2)} MB`,
      String(r.requests),
      String(r.rows),
    ]);
    recorded[c.name] = r;
  }
  const fresh = summarize(await h.fresh('scan-selective', ['full', 'selective'], params!));
  const warm = summarize(await h.warm('scan-selective', ['full', 'selective'], params!));
  console.log('\nscan-selective: what the filtered scan touched');
  printTable(rows);
  printFresh('scan-selective (x = 350000)', fresh, 'full');
  printWarm('scan-selective (x = 350000)', warm, 'full');
  h.record('cases', recorded);
  h.record('fresh', fresh);
  h.record('warm', warm);
}
