/**
 * What integration tests use: the running services (started by global-setup.ts) and helpers
 * that set up and inspect storage through clients independent of the engine — the MinIO SDK
 * for S3 (so a bug shared with the AWS SDK path cannot hide) and the AWS SDK for DynamoDB.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client as MinioClient } from 'minio';
import { inject } from 'vitest';
import { servicesFromEnv } from './env.js';
import type { ServiceInfo } from './types.js';

export type { ServiceInfo, Services, Tier } from './types.js';

/**
 * The services of this test run. Throws if none were started: the test file must run in the
 * vitest project that has `test/services/global-setup.ts` as globalSetup (or, outside vitest,
 * in a process whose environment global-setup exported).
 */
export function services(): ServiceInfo {
  let provided: ServiceInfo | undefined;
  try {
    provided = inject('dsServices');
  } catch {
    provided = undefined; // not inside a vitest worker
  }
  const found = provided ?? servicesFromEnv();
  if (!found) {
    throw new Error(
      'No test services were started. Run this file in the vitest project whose globalSetup is ' +
        'test/services/global-setup.ts (e.g. `npx vitest run --project aws`), or set DS_TEST_TIER=external with ' +
        'AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB (see test/services/README.md).',
    );
  }
  return found;
}

/** AWS SDK v3 S3Client options for the services (path-style, fixed credentials). */
export function s3Config(s: ServiceInfo = services()): {
  endpoint: string;
  region: string;
  forcePathStyle: true;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return { endpoint: s.s3Endpoint, region: s.region, forcePathStyle: true, credentials: { ...s.credentials } };
}

/** AWS SDK v3 DynamoDBClient options for the services. */
export function dynamoConfig(s: ServiceInfo = services()): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return { endpoint: s.dynamoEndpoint, region: s.region, credentials: { ...s.credentials } };
}

/** AWS SDK v3 GlueClient options for the services (moto's server unless external). */
export function glueConfig(s: ServiceInfo = services()): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return { endpoint: s.glueEndpoint, region: s.region, credentials: { ...s.credentials } };
}

let minioCache: { endpoint: string; client: MinioClient } | undefined;
let dynamoCache: { endpoint: string; client: DynamoDBClient } | undefined;

/** The MinIO SDK client on the services' S3 (the independent client of the helpers below). */
export function minio(): MinioClient {
  const s = services();
  if (minioCache?.endpoint !== s.s3Endpoint) {
    const url = new URL(s.s3Endpoint);
    const useSSL = url.protocol === 'https:';
    const client = new MinioClient({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: s.credentials.accessKeyId,
      secretKey: s.credentials.secretAccessKey,
      region: s.region,
      pathStyle: true,
    });
    minioCache = { endpoint: s.s3Endpoint, client };
  }
  return minioCache.client;
}

function dynamo(): DynamoDBClient {
  const s = services();
  if (dynamoCache?.endpoint !== s.dynamoEndpoint) {
    dynamoCache = { endpoint: s.dynamoEndpoint, client: new DynamoDBClient(dynamoConfig(s)) };
  }
  return dynamoCache.client;
}

/** A name that no earlier call returned: `<prefix>-<time>-<random>`, lowercase. */
export function uniqueName(prefix: string, maxLength = 63): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'ds';
  const suffix = `-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  return clean.slice(0, maxLength - suffix.length) + suffix;
}

/** Creates a fresh, empty bucket with a unique name (via the MinIO client); returns its name. */
export async function newBucket(prefix = 'ds'): Promise<string> {
  const bucket = uniqueName(prefix.length < 3 ? `${prefix}-ds` : prefix);
  await minio().makeBucket(bucket, services().region);
  return bucket;
}

/** All keys under `prefix`, in S3 (UTF-8 byte) order, read with the MinIO client. */
export async function listKeys(bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of minio().listObjectsV2(bucket, prefix, true)) {
    if (item.name !== undefined) keys.push(item.name);
  }
  return keys;
}

/** The object's bytes (MinIO client). */
export async function getBytes(bucket: string, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await minio().getObject(bucket, key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The object's content as UTF-8 text (MinIO client). */
export async function getText(bucket: string, key: string): Promise<string> {
  return (await getBytes(bucket, key)).toString('utf8');
}

/** Writes `text` (UTF-8) to the key, unconditionally (MinIO client). */
export async function putText(bucket: string, key: string, text: string): Promise<void> {
  const body = Buffer.from(text, 'utf8');
  await minio().putObject(bucket, key, body, body.length);
}

/**
 * Creates a DynamoDB table with Delta Spark's S3DynamoDBLogStore schema — `tablePath` (S, HASH),
 * `fileName` (S, RANGE), PAY_PER_REQUEST — under a unique name, and waits until it is ACTIVE.
 */
export async function newLockTable(prefix = 'delta_log'): Promise<string> {
  const name = uniqueName(prefix, 255).replaceAll('-', '_');
  const client = dynamo();
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'tablePath', AttributeType: 'S' },
        { AttributeName: 'fileName', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'tablePath', KeyType: 'HASH' },
        { AttributeName: 'fileName', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // The SDK waiter polls every 20 s at least; the local servers are ACTIVE within milliseconds.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return name;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`DynamoDB table ${name} did not become ACTIVE within 60 s`);
}
