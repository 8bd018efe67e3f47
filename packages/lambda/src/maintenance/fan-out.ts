/**
 * OPTIMIZE across parallel Lambdas: the planner splits the plan's bins into groups, each
 * group goes to one optimize-worker invocation (which rewrites its bins and returns the new
 * files, uncommitted), and one commit lands at the end with every bin that came back. A
 * failed worker costs only its bins: they stay for the next run. The plan and results are
 * plain JSON (see core's ops/optimize/types.ts), so they cross the invocation boundary as is.
 *
 * Deadline: with `timeBudgetMs`, no group is dispatched once the budget cannot fit its first
 * bin, each worker gets the deadline and starts no bin that would not finish by it, and a
 * worker that has not answered by the deadline is given up (its bins stay for the next run;
 * should it answer later, its files are deleted). What finished is committed.
 *
 * Payload bound: a synchronous invocation carries at most 6 MB each way; groups are cut so a
 * request stays under REQUEST_LIMIT_BYTES, and a worker whose answer would be too large fails
 * loudly (lower binsPerWorker).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  commitOptimize,
  planOptimize,
  type BinContext,
  type BinResult,
  type OptimizeBin,
  type OptimizeOptions,
  type OptimizePlan,
  type ObjectStore,
  type OptimizeResult,
  type Snapshot,
} from '@delta-serverless/core';
import { createEngine, runBins } from '@delta-serverless/core/internal';
import { OptimizeWorkerError } from '../errors.js';

export const REQUEST_LIMIT_BYTES = 5 * 1024 * 1024;
/** Rewrite throughput assumed before a worker has answered (compressed input bytes per ms). */
const DEFAULT_BYTES_PER_MS = (32 * 1024 * 1024) / 1000;
/** Time a worker's answer needs to come back (invocation, payload), kept off its deadline: at most 2 s, a tenth of the budget. */
export function workerResponseMs(budgetMs: number): number {
  return Math.min(2_000, Math.max(0, budgetMs) / 10);
}

/** What one worker invocation gets: the table layout and its bins. */
export interface OptimizeWorkerRequest {
  kind: 'optimize-bins';
  context: BinContext;
  bins: OptimizeBin[];
  /** Bins rewritten at once inside the worker (default 1: a worker is sized for one bin). */
  maxConcurrentBins?: number;
  /** Epoch ms by which the worker must have answered: it starts no bin that would not finish by then. */
  deadline?: number;
}

export interface OptimizeWorkerResponse {
  results: BinResult[];
  /** Bins the worker did not start (not enough time left); they stay for the next run. */
  notRun?: string[];
}

/** Sends one request to a worker and returns its answer (a Lambda invocation, or a local call). */
export type WorkerInvoker = (request: OptimizeWorkerRequest) => Promise<OptimizeWorkerResponse>;

/** Invokes the optimize-worker function synchronously (RequestResponse). */
export function lambdaInvoker(client: LambdaClient, functionName: string): WorkerInvoker {
  return async (request) => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) {
      throw new OptimizeWorkerError(
        request.bins.map((b) => b.id),
        `optimize worker ${functionName} failed (${out.FunctionError}): ${text.slice(0, 500)}`,
      );
    }
    return JSON.parse(text) as OptimizeWorkerResponse;
  };
}

/** Cut the bins into groups of at most `perWorker`, each request under the payload bound. */
export function groupBins(context: BinContext, bins: readonly OptimizeBin[], perWorker: number): OptimizeBin[][] {
  const base = JSON.stringify({ kind: 'optimize-bins', context, bins: [], deadline: Date.now() }).length;
  const groups: OptimizeBin[][] = [];
  let current: OptimizeBin[] = [];
  let size = base;
  for (const bin of bins) {
    const binSize = JSON.stringify(bin).length + 1;
    if (current.length > 0 && (current.length >= perWorker || size + binSize > REQUEST_LIMIT_BYTES)) {
      groups.push(current);
      current = [];
      size = base;
    }
    if (base + binSize > REQUEST_LIMIT_BYTES) {
      throw new OptimizeWorkerError(
        [bin.id],
        `OPTIMIZE bin ${bin.id} lists ${bin.files.length} files (${binSize} bytes of JSON), too many for one worker request; ` +
          'lower the target size or run this table without fan-out',
      );
    }
    current.push(bin);
    size += binSize;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export interface FanOutOptions extends OptimizeOptions {
  invoke: WorkerInvoker;
  binsPerWorker?: number;
  maxWorkers?: number;
  /** Plans with fewer bins run in this process, not worth the invocations (default 1: always fan out). */
  minBinsToFanOut?: number;
  /** Called when a worker fails or misses the deadline (its bins are skipped, the rest commit). */
  onWorkerError?: (err: unknown, bins: string[]) => void;
  /** Called when a worker that was given up answers after all and its files are deleted (or not). */
  onLateWorker?: (bins: string[], deleted: number, err?: unknown) => void;
}

export interface FanOutResult extends OptimizeResult {
  workers: number;
  workersFailed: number;
}

/** Plan, rewrite the bins in parallel workers, commit once. */
export async function optimizeFanOut(snapshot: Snapshot, opts: FanOutOptions): Promise<FanOutResult> {
  const started = Date.now();
  const plan: OptimizePlan = planOptimize(await snapshot.loadFiles(), opts);
  const groups = groupBins(plan.context, plan.bins, Math.max(1, opts.binsPerWorker ?? 1));
  const planningMs = Date.now() - started;
  if (plan.bins.length < (opts.minBinsToFanOut ?? 1)) {
    const local = await runBins(snapshot.engine, plan, opts, () => Date.now() - started);
    const rewriteMs = Date.now() - started - planningMs;
    const result = await commitOptimize(snapshot, plan, local, { ...opts, timings: { planningMs, rewriteMs } });
    return { ...result, workers: 0, workersFailed: 0 };
  }
  const deadline = opts.timeBudgetMs === undefined ? undefined : started + opts.timeBudgetMs;
  const margin = workerResponseMs(opts.timeBudgetMs ?? 0);
  const { results, dispatched, failed } = await dispatch(snapshot, plan.context, groups, { deadline, margin }, opts);
  const rewriteMs = Date.now() - started - planningMs;
  // Keep the plan's bin order so the commit is deterministic.
  const order = new Map(plan.bins.map((b, i) => [b.id, i]));
  results.sort((a, b) => order.get(a.binId)! - order.get(b.binId)!);
  const result = await commitOptimize(snapshot, plan, results, { ...opts, timings: { planningMs, rewriteMs } });
  return { ...result, workers: dispatched, workersFailed: failed };
}

/** Send the groups to workers, at most `maxWorkers` at once, while the deadline allows. */
async function dispatch(
  snapshot: Snapshot,
  context: BinContext,
  groups: OptimizeBin[][],
  { deadline, margin }: { deadline: number | undefined; margin: number },
  opts: FanOutOptions,
): Promise<{ results: BinResult[]; dispatched: number; failed: number }> {
  const results: BinResult[] = [];
  let failed = 0;
  let dispatched = 0;
  let next = 0;
  let doneBytes = 0;
  let doneMs = 0;
  const fits = (group: OptimizeBin[]) => {
    if (deadline === undefined) return true;
    const rate = doneMs > 0 ? doneBytes / doneMs : DEFAULT_BYTES_PER_MS;
    return Date.now() + margin + group[0]!.totalBytes / rate <= deadline;
  };
  const slot = async () => {
    while (next < groups.length && fits(groups[next]!)) {
      const group = groups[next++]!;
      dispatched++;
      const request: OptimizeWorkerRequest = {
        kind: 'optimize-bins',
        context,
        bins: group,
        ...(deadline !== undefined ? { deadline: deadline - margin } : {}),
      };
      try {
        const response = await untilDeadline(opts.invoke(request), deadline, (late) =>
          deleteLate(snapshot, group, late, opts),
        );
        results.push(...response.results);
        for (const r of response.results) {
          doneBytes += r.metrics.bytesRemoved;
          doneMs += Math.max(1, r.metrics.durationMs);
        }
      } catch (err) {
        failed++;
        opts.onWorkerError?.(
          err,
          group.map((b) => b.id),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.maxWorkers ?? 8, groups.length) }, slot));
  return { results, dispatched, failed };
}

/** A worker's answer, or an OptimizeWorkerError at the deadline; a late answer goes to `onLate`. */
async function untilDeadline(
  answer: Promise<OptimizeWorkerResponse>,
  deadline: number | undefined,
  onLate: (late: OptimizeWorkerResponse) => Promise<void>,
): Promise<OptimizeWorkerResponse> {
  if (deadline === undefined) return answer;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let gaveUp = false;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        gaveUp = true;
        reject(
          new OptimizeWorkerError(
            [],
            'optimize worker did not answer before the deadline; its bins wait for the next run',
          ),
        );
      },
      Math.max(0, deadline - Date.now()),
    );
  });
  answer.then((r) => (gaveUp ? onLate(r) : undefined)).catch(() => undefined);
  try {
    return await Promise.race([answer, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Files of a worker answer that came after the commit: nobody references them, delete them. */
async function deleteLate(
  snapshot: Snapshot,
  group: OptimizeBin[],
  late: OptimizeWorkerResponse,
  opts: FanOutOptions,
): Promise<void> {
  const paths = late.results.flatMap((r) => r.adds.map((a) => decodeURIComponent(a.path)));
  const bins = group.map((b) => b.id);
  try {
    if (paths.length > 0) await snapshot.store.deleteMany(paths);
    opts.onLateWorker?.(bins, paths.length);
  } catch (err) {
    opts.onLateWorker?.(bins, 0, err);
  }
}

/**
 * The worker's side: rewrite the requested bins (uncommitted) and return the results. With a
 * deadline (the request's, or the worker's own if earlier), a bin starts only if its estimated
 * rewrite fits; bins not started are listed in `notRun`.
 */
export async function runWorkerRequest(
  request: OptimizeWorkerRequest,
  storeFor: (uri: string) => ObjectStore,
  opts: { deadline?: number } = {},
): Promise<OptimizeWorkerResponse> {
  if (request?.kind !== 'optimize-bins' || !request.context || !Array.isArray(request.bins)) {
    throw new OptimizeWorkerError([], 'optimize worker: the event is not an optimize-bins request');
  }
  const plan: OptimizePlan = {
    readVersion: -1,
    context: request.context,
    bins: request.bins,
    predicate: [],
    totalConsideredFiles: 0,
    totalFilesSkipped: 0,
    binsDeferred: 0,
    numPartitions: 0,
  };
  const deadlines = [request.deadline, opts.deadline].filter((d): d is number => typeof d === 'number');
  const started = Date.now();
  const deadline = deadlines.length > 0 ? Math.min(...deadlines) : undefined;
  const results = await runBins(
    createEngine(storeFor(request.context.tableRoot)),
    plan,
    {
      maxConcurrentBins: request.maxConcurrentBins ?? 1,
      ...(deadline !== undefined ? { timeBudgetMs: Math.max(0, deadline - started) } : {}),
    },
    () => Date.now() - started,
  );
  const done = new Set(results.map((r) => r.binId));
  return { results, notRun: request.bins.filter((b) => !done.has(b.id)).map((b) => b.id) };
}
