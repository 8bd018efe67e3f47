/**
 * OPTIMIZE orchestrator: plan, rewrite bins locally with bounded concurrency (within an
 * optional time budget), then commit everything that was rewritten in one commit.
 */
import type { Engine } from '../../engine/engine.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { stopwatch } from '../../util/clock.js';
import { commitOptimize } from './commit.js';
import { executeBin } from './execute.js';
import { planOptimize } from './plan.js';
import {
  DEFAULT_MAX_CONCURRENT_BINS,
  type BinResult,
  type OptimizeOptions,
  type OptimizePlan,
  type OptimizeResult,
} from './types.js';

/** Rewrite throughput assumed before any bin has finished (compressed input bytes per ms). */
const DEFAULT_BYTES_PER_MS = (32 * 1024 * 1024) / 1000;

/**
 * Run the plan's bins, at most `maxConcurrentBins` at once. With a time budget, a bin starts
 * only if elapsed time (`elapsed()`, ms since the run started) plus its estimated duration
 * (observed throughput so far) fits. When a
 * bin fails, the others finish, every file written is deleted and the error is rethrown.
 */
export async function runBins(
  engine: Engine,
  plan: OptimizePlan,
  opts: Pick<OptimizeOptions, 'maxConcurrentBins' | 'timeBudgetMs' | 'onProgress'> = {},
  elapsed: () => number = stopwatch(),
): Promise<BinResult[]> {
  const limit = Math.max(1, opts.maxConcurrentBins ?? DEFAULT_MAX_CONCURRENT_BINS);
  const results = new Map<string, BinResult>();
  let next = 0;
  let failure: { err: unknown } | undefined;
  let stopped = false;
  let doneBytes = 0;
  let doneMs = 0;
  let bytesRead = 0;
  let bytesWritten = 0;
  const fits = (bytes: number) => {
    if (opts.timeBudgetMs === undefined) return true;
    const rate = doneMs > 0 ? doneBytes / doneMs : DEFAULT_BYTES_PER_MS;
    return elapsed() + bytes / rate <= opts.timeBudgetMs;
  };
  const worker = async () => {
    while (!failure && !stopped && next < plan.bins.length) {
      const bin = plan.bins[next]!;
      if (!fits(bin.totalBytes)) {
        stopped = true;
        return;
      }
      next++;
      try {
        const r = await executeBin(engine, plan.context, bin);
        results.set(bin.id, r);
        doneBytes += bin.totalBytes;
        doneMs += Math.max(1, r.metrics.durationMs);
        bytesRead += r.metrics.bytesRead;
        bytesWritten += r.metrics.bytesWritten;
        opts.onProgress?.({ binsDone: results.size, binsTotal: plan.bins.length, bytesRead, bytesWritten });
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, plan.bins.length) }, worker));
  if (failure) {
    const written = [...results.values()].flatMap((r) => r.adds.map((a) => decodeURIComponent(a.path)));
    await engine.store.deleteMany(written).catch(() => undefined);
    throw failure.err;
  }
  return plan.bins.filter((b) => results.has(b.id)).map((b) => results.get(b.id)!);
}

/** OPTIMIZE `snapshot`: compact small files (or Z-order) and commit; a no-op when nothing to do. */
export async function optimize(snapshot: Snapshot, opts: OptimizeOptions = {}): Promise<OptimizeResult> {
  const elapsed = stopwatch();
  await snapshot.loadFiles();
  const plan = planOptimize(snapshot, opts);
  const planningMs = elapsed();
  const results = await runBins(snapshot.engine, plan, opts, elapsed);
  const rewriteMs = elapsed() - planningMs;
  return commitOptimize(snapshot, plan, results, { ...opts, timings: { planningMs, rewriteMs } });
}
