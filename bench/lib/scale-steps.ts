/**
 * The scale benchmark's steps, each run in a fresh child against the table uploaded to the
 * embedded S3 (S3 conditional writes). Every step checks the version and file count it got.
 */
import type { Params, VariantResult } from './harness.js';
import { LAST_VERSION, ScaleLog, STEP_MS, timeOf } from './scale-log.js';
import { gc, peakRssMB, settle, startTimer } from './timing.js';

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

/**
 * Run `fn` under the V8 sampling profiler when SCALE_CPU_PROF names a directory, saving
 * `<dir>/scale-<files>-<name>.cpuprofile` (only the timed work, not the load before it).
 */
export async function profiled<T>(name: string, files: number, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.SCALE_CPU_PROF;
  if (!dir) return fn();
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/scale-${files}-${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

/** Put commits `from..to` (text from `text`); returns their bytes. */
async function putCommits(x: Session, from: number, to: number, text: (v: number) => string): Promise<number> {
  let bytes = 0;
  for (let v = from; v <= to; v++) {
    const body = new TextEncoder().encode(text(v));
    bytes += body.length;
    await x.store.put(`_delta_log/${x.s.core.versionPrefix(v)}.json`, body);
  }
  return bytes;
}

type Snap = Awaited<ReturnType<typeof timedLoad>>['snap'];

/** refreshSnapshot of `snap` (timed, optionally profiled), checked to reach `version`. */
async function timedRefresh(x: Session, snap: Snap, version: number, files: number, name: string) {
  await settle();
  x.s.reset();
  const { fresh, t } = await profiled(name, x.log.files, async () => {
    const stop = startTimer(); // inside: stopping the profiler is not timed
    const fresh = await x.s.core.refreshSnapshot(snap);
    return { fresh, t: stop() };
  });
  expect(name, fresh, version, files);
  return { fresh, ms: t.ms, cpuMs: t.cpuMs, requests: x.s.clients.counter.count(), waves: x.s.tracker.waves };
}

/** Small ingest-like commits after the refreshed version (each 2 adds). */
const SMALL_COMMITS = 10;
const SMALL_ADDS = 2;

/**
 * Fresh load of the generated table, then 10 commits by another writer (the model's: they
 * grow with the table), then refreshSnapshot; then 10 small ingest-like commits and a second
 * refresh (the cost of a refresh at this size when the commits are small). The small commits
 * are deleted afterwards, so the next steps see the table at REFRESHED_VERSION.
 */
export async function loadAndRefresh(p: Params): Promise<VariantResult> {
  const x = await session(p);
  const { snap, ...load } = await timedLoad(x, LAST_VERSION);
  const refreshBytes = await putCommits(x, LAST_VERSION + 1, REFRESHED_VERSION, (v) => x.log.commit(v));
  const big = await timedRefresh(x, snap, REFRESHED_VERSION, x.log.fileCount(REFRESHED_VERSION), 'refresh');
  const lastSmall = REFRESHED_VERSION + SMALL_COMMITS;
  const smallBytes = await putCommits(x, REFRESHED_VERSION + 1, lastSmall, (v) => x.log.smallCommit(v, SMALL_ADDS));
  const smallFiles = x.log.fileCount(REFRESHED_VERSION) + SMALL_COMMITS * SMALL_ADDS;
  const small = await timedRefresh(x, big.fresh, lastSmall, smallFiles, 'refresh-small');
  const smallVersions = Array.from({ length: SMALL_COMMITS }, (_, i) => REFRESHED_VERSION + 1 + i);
  await x.store.deleteMany(smallVersions.map((v) => `_delta_log/${x.s.core.versionPrefix(v)}.json`));
  return {
    ms: load.loadMs,
    ...load,
    refreshMs: big.ms,
    refreshCpuMs: big.cpuMs,
    refreshKB: refreshBytes / 1024,
    refreshRequests: big.requests,
    refreshWaves: big.waves,
    refreshSmallMs: small.ms,
    refreshSmallCpuMs: small.cpuMs,
    refreshSmallKB: smallBytes / 1024,
  };
}

/** Fresh load, then a classic checkpoint of the refreshed version (what maintenance does). */
export async function checkpoint(p: Params): Promise<VariantResult> {
  const x = await session(p);
  const { snap, ...load } = await timedLoad(x, REFRESHED_VERSION);
  x.s.reset();
  const { cp, t } = await profiled('checkpoint', x.log.files, async () => {
    const stop = startTimer();
    const cp = await x.s.core.writeCheckpoint(x.engine, snap.state, { now: timeOf(REFRESHED_VERSION) + STEP_MS });
    return { cp, t: stop() };
  });
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
