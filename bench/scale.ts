/**
 * scale (issue 17): how the engine's cost grows with the table. For each size in
 * SCALE_FILES (default 100000,300000,1000000 files), a metadata-only table (lib/scale-log.ts:
 * 3,000 commits, partitioned by date/region, stats on 10 columns, 4% of files rewritten,
 * txns of 8 writers; a checkpoint at 2990 and 10 JSON commits after it) is uploaded to the
 * embedded S3, and fresh children (S3 conditional writes) measure:
 *   load          loadSnapshot: time, peak RSS, requests, waves; then one plain GET of the
 *                 checkpoint (what the embedded S3 alone takes to serve it)
 *   load-refresh  the same load, 10 commits by another writer, then refreshSnapshot
 *   checkpoint    load + writeCheckpoint of the new version: time, peak RSS, bytes
 *   load-cp       loadSnapshot from that checkpoint
 *   maintenance   VACUUM lite planning, OPTIMIZE planning, log cleanup (31 days later)
 *   ingest        the ingest handler: cold invocation, then the warm one (measured)
 * Baseline: the ingest step on a 1,000-file table of the same shape.
 * Caps: SCALE_TIMEOUT_S (default 600) per child, SCALE_HEAP_MB (default 8192) V8 heap;
 * SCALE_REPS (default 1) repetitions of the read-only steps (load, checkpoint, load-cp);
 * SCALE_STEPS (default all but `parts,part-share`, lib/scale-parts.ts) a comma-separated subset
 * of the steps; SCALE_PARTS (default 4) the parts of those; SCALE_CPU_PROF=<dir> saves
 * a .cpuprofile of each refresh and of the checkpoint write (the timed work only).
 */
import type { Harness, Params, Variant } from './lib/harness.js';
import type { S3Bench } from './lib/s3-services.js';
import type { StepCaps, StepOutcome } from './lib/scale-child.js';
import type { SizeRuns } from './lib/scale-report.js';

export const description =
  'tables of 100k-1M files on embedded S3: load, refresh, checkpoint, maintenance planning, ingest';

const step =
  (name: string): Variant =>
  async (p: Params) => {
    if (name === 'ingest') return (await import('./lib/scale-ingest.js')).ingest(p);
    if (name === 'parts') return (await import('./lib/scale-parts.js')).writeParts(p);
    if (name === 'part-share') return (await import('./lib/scale-parts.js')).partShare(p);
    const steps = await import('./lib/scale-steps.js');
    const fns: Record<string, Variant> = {
      load: async (q) => {
        const x = await steps.session(q);
        const log = await import('./lib/scale-log.js');
        const { snap, ...load } = await steps.timedLoad(x, log.LAST_VERSION);
        void snap;
        // What the store alone takes to serve the checkpoint (one GET), on this machine now.
        const path = `_delta_log/${x.s.core.versionPrefix(log.START_CHECKPOINT)}.checkpoint.parquet`;
        const t0 = performance.now();
        const bytes = (await x.store.get(path)).length;
        return { ms: load.loadMs, ...load, checkpointGetMs: performance.now() - t0, checkpointGetMB: bytes / 1e6 };
      },
      'load-refresh': steps.loadAndRefresh,
      checkpoint: steps.checkpoint,
      'load-cp': steps.loadFromCheckpoint,
      maintenance: steps.maintenance,
    };
    return fns[name]!(p);
  };

export const variants: Record<string, Variant> = Object.fromEntries(
  ['load', 'load-refresh', 'checkpoint', 'load-cp', 'maintenance', 'ingest', 'parts', 'part-share'].map((n) => [
    n,
    step(n),
  ]),
);

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

export function scaleSizes(): number[] {
  const raw = process.env.SCALE_FILES ?? '100000,300000,1000000';
  const sizes = raw.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1000))
    throw new Error(`SCALE_FILES must be comma-separated file counts of at least 1000, got "${raw}"`);
  return [...new Set(sizes)].sort((a, b) => a - b);
}

const STEPS = ['load', 'load-refresh', 'checkpoint', 'load-cp', 'maintenance', 'ingest', 'parts', 'part-share'];
/** The checkpoint-in-parts steps (lib/scale-parts.ts) run only when SCALE_STEPS names them. */
const DEFAULT_STEPS = STEPS.slice(0, 6);

/** SCALE_STEPS (default: all but the parts steps): the steps to run, in the benchmark's order. */
export function scaleSteps(): string[] {
  const raw = process.env.SCALE_STEPS;
  if (!raw) return DEFAULT_STEPS;
  const picked = raw.split(',').map((s) => s.trim());
  const bad = picked.filter((s) => !STEPS.includes(s));
  if (bad.length > 0) throw new Error(`SCALE_STEPS: unknown step(s) ${bad.join(', ')}; steps: ${STEPS.join(', ')}`);
  return STEPS.filter((s) => picked.includes(s));
}

/** Build (once), upload to a fresh prefix, run the steps in order; a failed load skips the rest. */
async function runSize(h: Harness, files: number, caps: StepCaps, steps: readonly string[]): Promise<SizeRuns> {
  const { ensureScaleTable } = await import('./lib/scale-table.js');
  const { uploadTable } = await import('./lib/scale-upload.js');
  const { runStep } = await import('./lib/scale-child.js');
  const table = await ensureScaleTable(files);
  const prefix = `scale-${files}-${Date.now()}`;
  const t0 = performance.now();
  const up = await uploadTable(bench!, table.dir, prefix);
  console.log(
    `  ${files} files: table built in ${table.buildSeconds} s (${(table.bytes / 1e6).toFixed(1)} MB of log); ` +
      `uploaded ${up.files} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const runs: SizeRuns = {};
  const reps = envNumber('SCALE_REPS', 1);
  for (const name of steps) {
    const n = ['load', 'checkpoint', 'load-cp'].includes(name) ? reps : 1;
    runs[name] = [];
    for (let r = 0; r < n; r++) {
      if (runs.load?.some((o) => !o.ok) && name !== 'load') {
        runs[name].push({ ok: false, reason: 'skipped (load failed)' });
        break;
      }
      process.stdout.write(`  ${files}/${name} ${r + 1}/${n}...`);
      const out: StepOutcome = await runStep(h.mode, 'scale', name, { prefix, files }, caps);
      process.stdout.write(out.ok ? ` ${out.result.ms.toFixed(0)} ms\n` : ` ${out.reason}\n`);
      runs[name].push(out);
    }
  }
  return runs;
}

let bench: S3Bench | undefined;

export async function main(h: Harness): Promise<void> {
  const { startS3Bench } = await import('./lib/s3-services.js');
  const report = await import('./lib/scale-report.js');
  const sizes = scaleSizes();
  const caps: StepCaps = {
    timeoutMs: envNumber('SCALE_TIMEOUT_S', 600) * 1000,
    heapMB: envNumber('SCALE_HEAP_MB', 8192),
  };
  bench = await startS3Bench();
  const all = new Map<number, SizeRuns>();
  try {
    const steps = scaleSteps();
    const baseline = steps.includes('ingest') ? await runSize(h, 1000, caps, ['ingest']) : {};
    for (const files of sizes) all.set(files, await runSize(h, files, caps, steps));
    console.log('\nscale: details (fresh children on the embedded S3; medians, range when repeated; ! = failed)');
    report.printDetails(sizes, all);
    const base = report.figure(baseline, 'ingest', 'ms');
    console.log(
      `\ningest baseline (1,000-file table, warm invocation): ${'failed' in base ? base.failed : `${base.value.toFixed(0)} ms`}`,
    );
    console.log('');
    for (const files of sizes) console.log(report.scaleLine(files, all.get(files)!));
    if (sizes.length > 1) report.printRatios(sizes, all);
    for (const files of sizes) console.log(report.refreshLine(files, all.get(files)!));
    h.record('sizes', Object.fromEntries([...all].map(([n, r]) => [n, r])));
    h.record('baseline', baseline);
    h.record('caps', caps);
  } finally {
    await bench.stop();
    bench = undefined;
  }
}
