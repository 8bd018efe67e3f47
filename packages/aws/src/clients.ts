/**
 * SDK v3 clients for a configuration: keep-alive sockets (parallel GETs reuse
 * connections), bounded timeouts, the SDK's standard retry strategy (throttling, 5xx,
 * timeouts) and request counting. Clients are cached per configuration: a warm Lambda
 * reuses its connections across invocations.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsConfig } from './config.js';
import { loadGlueSdk } from './catalog/glue-sdk.js';
import { loadDynamoSdk } from './dynamodb-sdk.js';
import { countRequests, RequestCounter } from './request-counter.js';

export interface AwsClients {
  s3: S3Client;
  /**
   * The DynamoDB client, created on first call (the same one every time): processes that only
   * use S3 (conditional-write commits) never load the DynamoDB SDK.
   */
  dynamo(): Promise<DynamoDBClient>;
  /** The Glue client, created on first call: only catalog sync loads the Glue SDK. */
  glue(): Promise<GlueClient>;
  counter: RequestCounter;
  /** Close the clients' sockets (DynamoDB and Glue only if they were created). */
  destroy(): void;
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
  let dynamo: Promise<DynamoDBClient> | undefined;
  const dynamoClient = () =>
    (dynamo ??= loadDynamoSdk().then(({ DynamoDBClient }) => {
      const client = new DynamoDBClient({ ...common, endpoint: config.dynamoEndpoint, requestHandler: handler() });
      countRequests(client as never, counter, 'dynamodb:');
      return client;
    }));
  let glue: Promise<GlueClient> | undefined;
  const glueClient = () =>
    (glue ??= loadGlueSdk().then(({ GlueClient }) => {
      const client = new GlueClient({ ...common, endpoint: config.glueEndpoint, requestHandler: handler() });
      countRequests(client as never, counter, 'glue:');
      return client;
    }));
  countRequests(s3 as never, counter, 's3:');
  const destroy = () => {
    s3.destroy();
    void dynamo?.then((c) => c.destroy());
    void glue?.then((c) => c.destroy());
  };
  return { s3, dynamo: dynamoClient, glue: glueClient, counter, destroy };
}

/** Shared clients for a configuration (one set per distinct config in the process). */
export function clientsFor(config: AwsConfig): AwsClients {
  const key = JSON.stringify({ ...config, credentials: config.credentials?.accessKeyId });
  let c = cache.get(key);
  if (!c) cache.set(key, (c = createClients(config)));
  return c;
}
