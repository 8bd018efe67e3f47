/**
 * The scale benchmark's optional checkpoint-in-parts steps (SCALE_STEPS=...,parts,part-share;
 * after the default steps, which leave the table at its latest version):
 *   parts       load the latest version, write its checkpoint in SCALE_PARTS (default 4)
 *               parts here (the maintenance function's workers, in one process), then 10
 *               small commits after it
 *   part-share  a worker in a fresh child: plan the next checkpoint in as many parts, load
 *               only part 1's share (the previous checkpoint's part 1, the commits after it)
 *               and write that part: time and peak RSS, against the `load` step's whole load
 */
import type { Params, VariantResult } from './harness.js';
import { session } from './scale-steps.js';
import { peakRssMB, startTimer } from './timing.js';

const SMALL_COMMITS = 10;

function parts(): number {
  const n = Number(process.env.SCALE_PARTS ?? 4);
  if (!Number.isInteger(n) || n < 2) throw new Error(`SCALE_PARTS must be an integer >= 2, got ${n}`);
  return n;
}

/** Checkpoint the latest version in parts, then 10 small commits after it. */
export async function writeParts(p: Params): Promise<VariantResult> {
  const x = await session(p);
  const snap = await x.s.core.loadSnapshot(x.engine);
  const stop = startTimer();
  const cp = await x.s.core.writeCheckpointInParts(x.engine, snap.state, { parts: parts() });
  const t = stop();
  for (let v = snap.version + 1; v <= snap.version + SMALL_COMMITS; v++)
    await x.store.put(`_delta_log/${x.s.core.versionPrefix(v)}.json`, new TextEncoder().encode(x.log.smallCommit(v)));
  return { ms: t.ms, cpuMs: t.cpuMs, version: cp.version, rows: cp.size, rssMB: peakRssMB() };
}

/** One worker: its share of the latest version, then its part of the next checkpoint. */
export async function partShare(p: Params): Promise<VariantResult> {
  const x = await session(p);
  const core = x.s.core;
  let version = -1; // the latest commit (the worker gets its version in the plan)
  for await (const m of x.store.list('_delta_log/', { recursive: false })) {
    const v = /(\d{20})\.json$/.exec(m.path);
    if (v) version = Math.max(version, Number(v[1]));
  }
  const plan = { version, layout: 'multi-part' as const, parts: parts(), now: Date.now() };
  x.s.reset();
  let stop = startTimer();
  const share = await core.loadCheckpointPartState(x.engine, plan, 1);
  const load = stop();
  if (!share) throw new Error('scale part-share: the previous checkpoint is not in parts (run the parts step first)');
  const loadRssMB = peakRssMB();
  const requests = x.s.clients.counter.count();
  stop = startTimer();
  const written = await core.writeCheckpointPart(x.engine, share, plan, 1);
  const write = stop();
  return {
    ms: load.ms,
    shareLoadMs: load.ms,
    shareLoadCpuMs: load.cpuMs,
    shareLoadRssMB: loadRssMB,
    shareLoadRequests: requests,
    shareFiles: share.files.size,
    partWriteMs: write.ms,
    partRows: written.rows,
    rssMB: peakRssMB(),
  };
}
