/**
 * Delta tables on the test services: storage options for either commit mode, private SDK
 * clients (so a test can hook or count them), small batches with unique ids, and checks that
 * read what the engine wrote through independent clients (MinIO for S3, a raw DynamoDB client).
 */
import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import * as arrow from 'apache-arrow';
import { createClients, createS3Store, resolveAwsConfig, type AwsClients, type S3Store } from '@delta-serverless/aws';
import { DeltaTable, type StorageOptions } from '@delta-serverless/core';
import { dynamoConfig, getBytes, listKeys, newBucket, newLockTable, services } from '../../services/index.js';

export type Mode = 'conditional' | 'dynamodb';

/** A table location on the services: `s3://<bucket>/<prefix>`. */
export interface S3Table {
  bucket: string;
  prefix: string;
  uri: string;
  /** Lock table for dynamodb mode (one per test table keeps tests independent). */
  lockTable: string;
}

/** A fresh bucket and lock table, with the table at `s3://<bucket>/<prefix>`. */
export async function newS3Table(prefix = 'tables/t'): Promise<S3Table> {
  const [bucket, lockTable] = await Promise.all([newBucket('ds-aws'), newLockTable()]);
  return { bucket, prefix, uri: `s3://${bucket}/${prefix}`, lockTable };
}

/** delta-rs-named storage options that point at the services, for one commit mode. */
export function storageOptions(mode: Mode, lockTable?: string, extra: StorageOptions = {}): StorageOptions {
  const s = services();
  const opts: StorageOptions = {
    AWS_ENDPOINT_URL_S3: s.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: s.dynamoEndpoint,
    AWS_ENDPOINT_URL_GLUE: s.glueEndpoint,
    AWS_REGION: s.region,
    AWS_ACCESS_KEY_ID: s.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
    ...extra,
  };
  if (mode === 'dynamodb') {
    opts['AWS_S3_LOCKING_PROVIDER'] = 'dynamodb';
    if (lockTable) opts['DELTA_DYNAMO_TABLE_NAME'] = lockTable;
  }
  return opts;
}

/** Private clients for these options (not the process-wide cached ones). */
export function newClients(opts: StorageOptions): AwsClients {
  return createClients(resolveAwsConfig(opts, {}));
}

/** A store on its own clients: what a separate process (or Lambda) would have. */
export function openStore(t: S3Table, mode: Mode, clients?: AwsClients, extra: StorageOptions = {}): S3Store {
  const opts = storageOptions(mode, t.lockTable, extra);
  return createS3Store(t.uri, { storageOptions: opts, clients: clients ?? newClients(opts) });
}

/** One batch: `id` int64 (the given ids) and `w` (writer label). */
export function batch(ids: readonly number[], writer = 'w'): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from(ids.map(BigInt))),
    w: arrow.vectorFromArray(
      ids.map(() => writer),
      new arrow.Utf8(),
    ),
  });
}

/** `[start, start + n)`. */
export function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

/** Every `id` of the table at its latest version, read through the engine, sorted. */
export async function readIds(table: DeltaTable): Promise<number[]> {
  const t = await table.toArrow({ columns: ['id'] });
  const out: number[] = [];
  for (const b of t.batches) {
    const col = b.getChild('id')!;
    for (let i = 0; i < col.length; i++) out.push(Number(col.get(i) as bigint));
  }
  return out.sort((a, b) => a - b);
}

/** Ids read by a fresh reader (its own clients) in the given mode. */
export async function freshIds(t: S3Table, mode: Mode = 'conditional'): Promise<{ version: number; ids: number[] }> {
  const table = await DeltaTable.open(t.uri, { store: openStore(t, mode) });
  return { version: table.version, ids: await readIds(table) };
}

/** Commit versions present in `_delta_log` (MinIO listing), ascending. */
export async function logVersions(t: S3Table): Promise<number[]> {
  const keys = await listKeys(t.bucket, `${t.prefix}/_delta_log/`);
  return keys
    .map((k) => /\/_delta_log\/(\d{20})\.json$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
}

/** The actions of commit `version`, parsed with plain JSON.parse from MinIO's bytes. */
export async function rawCommit(t: S3Table, version: number): Promise<Record<string, Record<string, unknown>>[]> {
  const text = (await getBytes(t.bucket, `${t.prefix}/_delta_log/${String(version).padStart(20, '0')}.json`)).toString(
    'utf8',
  );
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

/** `commitInfo.txnId` of every commit 0..latest (asserts the log is contiguous from 0). */
export async function txnIds(t: S3Table): Promise<string[]> {
  const versions = await logVersions(t);
  const out: string[] = [];
  for (const v of versions) {
    const info = (await rawCommit(t, v)).find((a) => a['commitInfo'])?.['commitInfo'];
    out.push(String(info?.['txnId'] ?? ''));
  }
  return out;
}

let rawDynamo: DynamoDBClient | undefined;

/** Lock-table items of one tablePath, oldest first, as raw attribute maps (independent client). */
export async function lockEntries(lockTable: string, tablePath: string): Promise<Record<string, AttributeValue>[]> {
  rawDynamo ??= new DynamoDBClient(dynamoConfig());
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await rawDynamo.send(
      new QueryCommand({
        TableName: lockTable,
        KeyConditionExpression: 'tablePath = :p',
        ExpressionAttributeValues: { ':p': { S: tablePath } },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The raw DynamoDB client on the services (independent of the engine's clients). */
export function dynamoClient(): DynamoDBClient {
  rawDynamo ??= new DynamoDBClient(dynamoConfig());
  return rawDynamo;
}

/** The S3 tables' validator (one helper for every S3 test): test/aws/fixtures/s3-tables.ts. */
export { validateS3Table } from '../fixtures/s3-tables.js';

/** Asserts-free summary for failure messages: versions and duplicate ids. */
export function duplicates(ids: readonly number[]): number[] {
  const seen = new Set<number>();
  const dup: number[] = [];
  for (const id of ids) {
    if (seen.has(id)) dup.push(id);
    seen.add(id);
  }
  return dup;
}
