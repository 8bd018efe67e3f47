/**
 * The optimize worker: rewrites the OPTIMIZE bins the maintenance function sends it and
 * returns the new files; it commits nothing (fan-out.ts has the request and response). It
 * also runs the file groups of a large DELETE/UPDATE (`dml-files`, dml-worker.ts). It
 * starts no bin that would not finish before the request's deadline or its own timeout, and
 * a failed clean-up of its output (files of a failed bin) is logged with the paths. And it
 * writes one part of a large checkpoint (`checkpoint-part`, checkpoint-parts.ts).
 */
import type { AwsClients } from '@delta-serverless/aws';
import type { DmlResult, StorageOptions } from '@delta-serverless/core';
import type { Context } from 'aws-lambda';
import { defaultLogger, describeError, type IngestLogger } from '../observability.js';
import type { CheckpointPartResult } from '@delta-serverless/core/internal';
import { isCheckpointPartRequest, runCheckpointPartRequest, type CheckpointPartRequest } from './checkpoint-parts.js';
import { isDmlWorkerRequest, runDmlWorkerRequest, type DmlWorkerRequest } from './dml-worker.js';
import { runWorkerRequest, type OptimizeWorkerRequest, type OptimizeWorkerResponse } from './fan-out.js';
import { tableStores } from './stores.js';

/** The worker: OPTIMIZE bins in, new files out; or a DELETE/UPDATE file group in, its actions out. */
export interface OptimizeWorkerHandler {
  (event: OptimizeWorkerRequest, context?: Partial<Context>): Promise<OptimizeWorkerResponse>;
  (event: DmlWorkerRequest, context?: Partial<Context>): Promise<DmlResult>;
  (event: CheckpointPartRequest, context?: Partial<Context>): Promise<CheckpointPartResult>;
  (event: unknown, context?: Partial<Context>): Promise<OptimizeWorkerResponse | DmlResult | CheckpointPartResult>;
}

/** Kept free before the worker's own timeout: the answer must still go back. */
export const WORKER_MARGIN_MS = 5_000;

/** Build the optimize worker: rewrites the bins it is sent, commits nothing. */
export function createOptimizeWorkerHandler(
  config: { clients?: AwsClients; storageOptions?: StorageOptions; logger?: IngestLogger } = {},
): OptimizeWorkerHandler {
  const logger = config.logger ?? defaultLogger('delta-optimize-worker');
  const storeFor = tableStores(config.clients, config.storageOptions, (err, paths, root) =>
    logger.error('could not delete files of a failed bin; they stay as orphans until a full VACUUM', {
      table: root,
      paths,
      ...describeError(err),
    }),
  );
  return ((event: unknown, context?: Partial<Context>) => {
    if (isDmlWorkerRequest(event)) return runDmlWorkerRequest(event, storeFor);
    if (isCheckpointPartRequest(event)) return runCheckpointPartRequest(event, storeFor);
    const left = context?.getRemainingTimeInMillis?.();
    const deadline = left === undefined ? undefined : Date.now() + left - WORKER_MARGIN_MS;
    return runWorkerRequest(event as OptimizeWorkerRequest, storeFor, { deadline });
  }) as OptimizeWorkerHandler;
}
