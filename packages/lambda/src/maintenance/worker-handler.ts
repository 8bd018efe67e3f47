/**
 * The optimize worker: rewrites the OPTIMIZE bins the maintenance function sends it and
 * returns the new files; it commits nothing (fan-out.ts has the request and response). It
 * starts no bin that would not finish before the request's deadline or its own timeout, and
 * a failed clean-up of its output (files of a failed bin) is logged with the paths.
 */
import type { AwsClients } from '@delta-serverless/aws';
import type { StorageOptions } from '@delta-serverless/core';
import type { Context } from 'aws-lambda';
import { defaultLogger, describeError, type IngestLogger } from '../observability.js';
import { runWorkerRequest, type OptimizeWorkerRequest, type OptimizeWorkerResponse } from './fan-out.js';
import { tableStores } from './stores.js';

export type OptimizeWorkerHandler = (event: unknown, context?: Partial<Context>) => Promise<OptimizeWorkerResponse>;

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
  return (event, context) => {
    const left = context?.getRemainingTimeInMillis?.();
    const deadline = left === undefined ? undefined : Date.now() + left - WORKER_MARGIN_MS;
    return runWorkerRequest(event as OptimizeWorkerRequest, storeFor, { deadline });
  };
}
