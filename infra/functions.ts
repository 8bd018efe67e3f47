/**
 * Memory, timeout, concurrency and asynchronous retries of each function, as the arguments of
 * an sst.aws.Function (plain module: tests check them).
 */
import type { FunctionSize, Settings } from './config.js';

export interface FunctionShape {
  memory: `${number} MB`;
  timeout: `${number} seconds`;
  /** Reserved concurrency, only where a setting asks for it. */
  concurrency?: { reserved: number };
  /** Asynchronous-invocation retries (SST creates the function's EventInvokeConfig from it). */
  retries?: number;
}

function size(f: FunctionSize): Pick<FunctionShape, 'memory' | 'timeout'> {
  return { memory: `${f.memoryMb} MB`, timeout: `${f.timeoutSeconds} seconds` };
}

function reserved(n: number | undefined): Pick<FunctionShape, 'concurrency'> {
  return n === undefined ? {} : { concurrency: { reserved: n } };
}

/** The ingest function: invoked by its SQS event source (no asynchronous invocations). */
export function ingestFunction(s: Settings): FunctionShape {
  return { ...size(s.ingest), ...reserved(s.ingest.reservedConcurrency) };
}

/**
 * The maintenance function: invoked asynchronously by EventBridge Scheduler. Lambda would
 * retry a failed or timed-out run twice; the next scheduled run continues instead, so retries
 * are 0. No reserved concurrency unless asked for: overlapping runs are kept apart by the
 * per-table lease, and reserving fails deploys on accounts with a low concurrency quota.
 */
export function maintenanceFunction(s: Settings): FunctionShape {
  return { ...size(s.maintenanceFunction), ...reserved(s.maintenanceFunction.reservedConcurrency), retries: 0 };
}

/** The optimize worker: invoked synchronously by the maintenance function. */
export function workerFunction(s: Settings): FunctionShape {
  return { ...size(s.worker), ...reserved(s.worker.reservedConcurrency) };
}
