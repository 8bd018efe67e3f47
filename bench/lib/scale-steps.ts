/**
 * The scale benchmark's steps, each run in a fresh child against the table uploaded to the
 * embedded S3 (S3 conditional writes). Every step checks the version and file count it got.
 */
import type { Params, VariantResult } from './harness.js';
import { LAST_VERSION, ScaleLog, STEP_MS, timeOf } from './scale-log.js';
import { gc, peakRssMB, startTimer } from './timing.js';

export interface StepParams extends Params {
  prefix: string;
  files: number;
}

/** The version after the 10 refresh commits (what every step after `load` sees). */
export const REFRESHED_VERSION = LAST_VERSION + 10;
const DAY_MS = 86_400_000;

export async function session(p: Params) {
  const { prefix, files } = p as StepParams;
  const env = await import('./s3-env.js');
  const s = await env.s3Session('conditional');
  const store = s.store(prefix);
  const engine = s.core.createEngine(store);
  const counts = () => ({ requests: s.clients.counter.count(), waves: s.tracker.waves });
  return { s, store, engine, log: new ScaleLog(files), counts, prefix };
}

type Session = Awaited<ReturnType<typeof session>>;

function expect(what: string, got: { version: number; numFiles: number }, version: number, files: number): void {
  if (got.version !== version || got.numFiles !== files)
    throw new Error(
      `scale ${what}: got version ${got.version} with ${got.numFiles} files, expected ${version} / ${files}`,
    );
}

/** A fresh snapshot load, checked against the model; the peak RSS right after it. */
export async function timedLoad(x: Session, version: number) {
  x.s.reset();
  const stop = startTimer();
  const snap = await x.s.core.loadSnapshot(x.engine);
  const t = stop();
  const rssMB = peakRssMB();
  expect('load', snap, version, x.log.fileCount(version));
  return { snap, loadMs: t.ms, loadCpuMs: t.cpuMs, loadRssMB: rssMB, ...x.counts() };
}

/** Fresh load of the generated table, then 10 commits by another writer, then refreshSnapshot. */
export async function loadAndRefresh(p: Params): Promise<VariantResult> {
  const x = await session(p);
  const { snap, ...load } = await timedLoad(x, LAST_VERSION);
  for (let v = LAST_VERSION + 1; v <= REFRESHED_VERSION; v++) {
    await x.store.put(`_delta_log/${x.s.core.versionPrefix(v)}.json`, new TextEncoder().encode(x.log.commit(v)));
  }
  gc();
  x.s.reset();
  const stop = startTimer();
  const fresh = await x.s.core.refreshSnapshot(snap);
  const t = stop();
  expect('refresh', fresh, REFRESHED_VERSION, x.log.fileCount(REFRESHED_VERSION));
  return {
    ms: load.loadMs,
    ...load,
    refreshMs: t.ms,
    refreshRequests: x.s.clients.counter.count(),
    refreshWaves: x.s.tracker.waves,
  };
}

/** Fresh load, then a classic checkpoint of the refreshed version (what maintenance does). */
export async function checkpoint(p: Params): Promise<VariantResult> {
  const x = await session(p);
  const { snap, ...load } = await timedLoad(x, REFRESHED_VERSION);
  x.s.reset();
  const stop = startTimer();
  const cp = await x.s.core.writeCheckpoint(x.engine, snap.state, { now: timeOf(REFRESHED_VERSION) + STEP_MS });
  const t = stop();
  return {
    ms: t.ms,
    checkpointCpuMs: t.cpuMs,
    checkpointBytes: cp.sizeInBytes,
    checkpointRows: cp.size,
    checkpointRssMB: peakRssMB(),
    checkpointRequests: x.s.clients.counter.count(),
    loadMs: load.loadMs,
    loadRssMB: load.loadRssMB,
  };
}

/** Fresh load from the checkpoint the previous step wrote. */
export async function loadFromCheckpoint(p: Params): Promise<VariantResult> {
  const x = await session(p);
  const { snap, ...load } = await timedLoad(x, REFRESHED_VERSION);
  void snap;
  return { ms: load.loadMs, ...load };
}

/** VACUUM lite planning, OPTIMIZE planning, then log cleanup (it deletes: last). */
export async function maintenance(p: Params): Promise<VariantResult> {
  const x = await session(p);
  const { snap, ...load } = await timedLoad(x, REFRESHED_VERSION);
  const internal = x.s.core;
  gc();
  x.s.reset();
  let stop = startTimer();
  const vacuum = await internal.planVacuum(snap, { mode: 'lite', now: timeOf(REFRESHED_VERSION) + 8 * DAY_MS });
  const vacuumMs = stop().ms;
  const vacuumRequests = x.s.clients.counter.count();
  stop = startTimer();
  const plan = internal.planOptimize(snap, {});
  const optimizeMs = stop().ms;
  x.s.reset();
  stop = startTimer();
  // Objects were uploaded now (the emulator cannot backdate them): clean up as if 31 days later.
  const cleanup = await internal.cleanupExpiredLogs(x.engine, snap.state, { now: Date.now() + 31 * DAY_MS });
  const cleanupMs = stop().ms;
  return {
    ms: vacuumMs + optimizeMs + cleanupMs,
    loadMs: load.loadMs,
    vacuumMs,
    vacuumRequests,
    vacuumCandidates: vacuum.candidates.length,
    optimizeMs,
    optimizeBins: plan.bins.length,
    cleanupMs,
    cleanupDeleted: cleanup.deleted.length,
    cleanupRequests: x.s.clients.counter.count(),
    rssMB: peakRssMB(),
  };
}
