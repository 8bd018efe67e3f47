/**
 * OPTIMIZE across parallel Lambdas: the planner splits the plan's bins into groups, each
 * group goes to one optimize-worker invocation (which rewrites its bins and returns the new
 * files, uncommitted), and one commit lands at the end with every bin that succeeded. A
 * failed worker costs only its bins: they stay for the next run. The plan and results are
 * plain JSON (see core's ops/optimize/types.ts), so they cross the invocation boundary as is.
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

/** What one worker invocation gets: the table layout and its bins. */
export interface OptimizeWorkerRequest {
  kind: 'optimize-bins';
  context: BinContext;
  bins: OptimizeBin[];
  /** Bins rewritten at once inside the worker (default 1: a worker is sized for one bin). */
  maxConcurrentBins?: number;
}

export interface OptimizeWorkerResponse {
  results: BinResult[];
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
  const base = JSON.stringify({ kind: 'optimize-bins', context, bins: [] }).length;
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
  /** Called when a worker fails (its bins are skipped, the rest commit). */
  onWorkerError?: (err: unknown, bins: string[]) => void;
}

export interface FanOutResult extends OptimizeResult {
  workers: number;
  workersFailed: number;
}

/** Plan, rewrite the bins in parallel workers, commit once. */
export async function optimizeFanOut(snapshot: Snapshot, opts: FanOutOptions): Promise<FanOutResult> {
  const started = Date.now();
  const plan: OptimizePlan = planOptimize(snapshot, opts);
  const groups = groupBins(plan.context, plan.bins, Math.max(1, opts.binsPerWorker ?? 1));
  const planningMs = Date.now() - started;
  if (plan.bins.length < (opts.minBinsToFanOut ?? 1)) {
    const local = await runBins(snapshot.engine, plan, opts, () => Date.now() - started);
    const rewriteMs = Date.now() - started - planningMs;
    const result = await commitOptimize(snapshot, plan, local, { ...opts, timings: { planningMs, rewriteMs } });
    return { ...result, workers: 0, workersFailed: 0 };
  }
  const results: BinResult[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++]!;
      try {
        const response = await opts.invoke({ kind: 'optimize-bins', context: plan.context, bins: group });
        results.push(...response.results);
      } catch (err) {
        failed++;
        opts.onWorkerError?.(
          err,
          group.map((b) => b.id),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.maxWorkers ?? 8, groups.length) }, worker));
  const rewriteMs = Date.now() - started - planningMs;
  // Keep the plan's bin order so the commit is deterministic.
  const order = new Map(plan.bins.map((b, i) => [b.id, i]));
  results.sort((a, b) => order.get(a.binId)! - order.get(b.binId)!);
  const result = await commitOptimize(snapshot, plan, results, { ...opts, timings: { planningMs, rewriteMs } });
  return { ...result, workers: groups.length, workersFailed: failed };
}

/** The worker's side: rewrite the requested bins (uncommitted) and return the results. */
export async function runWorkerRequest(
  request: OptimizeWorkerRequest,
  storeFor: (uri: string) => ObjectStore,
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
  const results = await runBins(createEngine(storeFor(request.context.tableRoot)), plan, {
    maxConcurrentBins: request.maxConcurrentBins ?? 1,
  });
  return { results };
}
