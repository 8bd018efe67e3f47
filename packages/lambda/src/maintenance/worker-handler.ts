/**
 * The optimize worker: rewrites the OPTIMIZE bins the maintenance function sends it and
 * returns the new files; it commits nothing (fan-out.ts has the request and response).
 */
import type { AwsClients } from '@delta-serverless/aws';
import type { StorageOptions } from '@delta-serverless/core';
import type { Context } from 'aws-lambda';
import { runWorkerRequest, type OptimizeWorkerResponse } from './fan-out.js';
import { tableStores } from './stores.js';

export type OptimizeWorkerHandler = (event: unknown, context?: Partial<Context>) => Promise<OptimizeWorkerResponse>;

/** Build the optimize worker: rewrites the bins it is sent, commits nothing. */
export function createOptimizeWorkerHandler(
  config: { clients?: AwsClients; storageOptions?: StorageOptions } = {},
): OptimizeWorkerHandler {
  const storeFor = tableStores(config.clients, config.storageOptions);
  return (event) => runWorkerRequest(event as Parameters<typeof runWorkerRequest>[0], storeFor);
}
