/**
 * SDK v3 clients for a configuration: keep-alive sockets (parallel GETs reuse
 * connections), bounded timeouts, the SDK's standard retry strategy (throttling, 5xx,
 * timeouts) and request counting. Clients are cached per configuration: a warm Lambda
 * reuses its connections across invocations.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsConfig } from './config.js';
import { countRequests, RequestCounter } from './request-counter.js';

export interface AwsClients {
  s3: S3Client;
  dynamo: DynamoDBClient;
  counter: RequestCounter;
}

/** Sockets per client: bounds parallel S3 requests (scan prefetch, log reads). */
export const MAX_SOCKETS = 64;

const cache = new Map<string, AwsClients>();

function handler(): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: 5_000,
    requestTimeout: 60_000,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
  });
}

export function createClients(config: AwsConfig, counter = new RequestCounter()): AwsClients {
  const common = {
    region: config.region,
    credentials: config.credentials,
    maxAttempts: config.maxAttempts,
    retryMode: 'standard',
  };
  const s3 = new S3Client({
    ...common,
    endpoint: config.s3Endpoint,
    forcePathStyle: config.forcePathStyle,
    requestHandler: handler(),
    // Checksums on every put/get cost CPU and break some S3-compatible stores.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamo = new DynamoDBClient({ ...common, endpoint: config.dynamoEndpoint, requestHandler: handler() });
  countRequests(s3 as never, counter, 's3:');
  countRequests(dynamo as never, counter, 'dynamodb:');
  return { s3, dynamo, counter };
}

/** Shared clients for a configuration (one set per distinct config in the process). */
export function clientsFor(config: AwsConfig): AwsClients {
  const key = JSON.stringify({ ...config, credentials: config.credentials?.accessKeyId });
  let c = cache.get(key);
  if (!c) cache.set(key, (c = createClients(config)));
  return c;
}
