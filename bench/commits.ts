/**
 * commits: 200 sequential small appends (10 rows each) to a local table, after a first
 * write that creates it.
 *   checkpoints     DeltaTable.append, default hooks: a checkpoint every 10 versions (delta.checkpointInterval)
 *   no-checkpoints  DeltaTable.append with postCommitHooks: false
 *   reopen          writeDeltaTable(store, ...) per append: loads the snapshot each time (stateless caller), default hooks
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { field, type Harness, type Params, type Runs, type Variant } from './lib/harness.js';
import { importArrow, importCoreWithInternal, timed } from './lib/libs.js';
import { median, printTable } from './lib/timing.js';

export const description = '200 sequential 10-row appends: commits/s with and without checkpoints';

const COMMITS = 200;

async function run(p: Params, mode: 'checkpoints' | 'no-checkpoints' | 'reopen') {
  const commits = (p.commits as number | undefined) ?? COMMITS;
  await importArrow();
  const { makeBatch } = await import('./lib/data.js');
  const { DATA_DIR } = await import('./lib/paths.js');
  const { value: core, ms: importMs } = await timed(importCoreWithInternal);
  const dir = join(DATA_DIR, 'out', `commits-${mode}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const store = new core.LocalStore(dir);
  await core.writeDeltaTable(store, makeBatch(0, 10));
  const table = await core.DeltaTable.open(store);
  const latencies: number[] = [];
  let checkpoints = 0;
  const t0 = performance.now();
  for (let i = 1; i <= commits; i++) {
    const c0 = performance.now();
    const batch = makeBatch(i * 10, 10);
    const res =
      mode === 'reopen'
        ? await core.writeDeltaTable(store, batch)
        : await table.append(batch, mode === 'no-checkpoints' ? { postCommitHooks: false } : {});
    if (res.postCommit?.checkpointed !== undefined) checkpoints++;
    latencies.push(performance.now() - c0);
  }
  const ms = performance.now() - t0;
  const final = await core.loadSnapshot(core.createEngine(store));
  rmSync(dir, { recursive: true, force: true });
  if (final.version !== commits) throw new Error(`commits: ended at version ${final.version}, expected ${commits}`);
  latencies.sort((a, b) => a - b);
  return {
    ms,
    importMs,
    commitsPerSec: commits / (ms / 1000),
    p50: median(latencies),
    p95: latencies[Math.floor(latencies.length * 0.95)]!,
    max: latencies[latencies.length - 1]!,
    checkpoints,
  };
}

export const variants: Record<string, Variant> = {
  checkpoints: (p) => run(p, 'checkpoints'),
  'no-checkpoints': (p) => run(p, 'no-checkpoints'),
  reopen: (p) => run(p, 'reopen'),
};

function table(runs: Runs): string[][] {
  return Object.entries(runs).map(([v, rs]) => [
    v,
    median(field(rs, 'commitsPerSec')).toFixed(1),
    `${median(field(rs, 'ms')).toFixed(0)} ms`,
    `${median(field(rs, 'p50')).toFixed(1)} ms`,
    `${median(field(rs, 'p95')).toFixed(1)} ms`,
    `${median(field(rs, 'max')).toFixed(0)} ms`,
    String(median(field(rs, 'checkpoints'))),
    `${median(field(rs, 'rssMB')).toFixed(0)} MB`,
    field(rs, 'commitsPerSec')
      .map((x) => x.toFixed(0))
      .join(' '),
  ]);
}

export async function main(h: Harness): Promise<void> {
  const params = { commits: COMMITS };
  const runs = await h.fresh('commits', ['checkpoints', 'no-checkpoints', 'reopen'], params);
  console.log(`\ncommits: ${COMMITS} sequential 10-row appends (fresh processes, median of ${h.reps})`);
  printTable([
    ['variant', 'commits/s', 'total', 'p50 commit', 'p95 commit', 'max', 'checkpoints', 'peak RSS', 'runs (commits/s)'],
    ...table(runs),
  ]);
  h.record('runs', runs);
}
