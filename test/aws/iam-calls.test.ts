/**
 * The deployed permissions against the requests the handlers really make. Each function runs
 * as deployed (one bucket with landing/ and tables/, the DynamoDB lock table, the routes and
 * policies infra/ puts in its environment, a versioned bucket's events) behind its own
 * recording proxies; every S3 and DynamoDB request is mapped to the IAM action and resource
 * AWS authorises it by (Service Authorization Reference: GetObject/HeadObject with a versionId
 * need s3:GetObjectVersion, multipart calls s3:PutObject, DeleteObjects s3:DeleteObject per
 * key, ListObjectsV2 s3:ListBucket on the bucket) and checked against infra/permissions.ts.
 * Ingest batches on a versioned bucket (with a misfit object), a maintenance run (lease,
 * OPTIMIZE fanned out, VACUUM) and a worker whose bin fails (its output deleted) are covered.
 */
import { HeadObjectCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable, planOptimize, type StorageOptions } from '@delta-serverless/core';
import {
  createIngestHandler,
  createMaintenanceHandler,
  createOptimizeWorkerHandler,
  type OptimizeWorkerRequest,
  type OptimizeWorkerResponse,
} from '@delta-serverless/lambda';
import { ingestRoutesEnv, maintenanceTablesEnv, resolveSettings, type Settings } from '../../infra/config.js';
import { ingestStatements, maintenanceStatements, workerStatements, type Statement } from '../../infra/permissions.js';
import { newBucket, newLockTable, s3Config, services } from '../services/index.js';
import { PASS, startFaultProxy, type FaultProxy, type LogEntry } from './support/fault-proxy.js';
import { csv, failures, notification, Recorder, sqsEvent, upload, type Uploaded } from './support/ingest.js';
import { validateS3Table } from './support/tables.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const noMetrics = { addMetric() {}, publishStoredMetrics() {} };
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

interface Role {
  s3: FaultProxy;
  ddb: FaultProxy;
  opts: StorageOptions;
}

let bucket = '';
let lockTable = '';
let settings: Settings;
const proxies: FaultProxy[] = [];

/** A function's own proxies, and storage options as deployed (DynamoDB lock table) through them. */
async function role(): Promise<Role> {
  const s = services();
  const [s3, ddb] = await Promise.all([
    startFaultProxy(s.s3Endpoint, 's3'),
    startFaultProxy(s.dynamoEndpoint, 'dynamodb'),
  ]);
  proxies.push(s3, ddb);
  const opts: StorageOptions = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_REGION: s.region,
    AWS_ACCESS_KEY_ID: s.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
    AWS_S3_LOCKING_PROVIDER: 'dynamodb',
    DELTA_DYNAMO_TABLE_NAME: lockTable,
  };
  return { s3, ddb, opts };
}

/** The IAM action and resource ARN AWS authorises a recorded request by (one per key for DeleteObjects). */
function authorisation(e: LogEntry): { action: string; resource: string }[] {
  if (e.service === 'dynamodb')
    return [{ action: `dynamodb:${e.op}`, resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${lockTable}` }];
  const q = new URLSearchParams(e.query);
  const object = (key: string) => `arn:aws:s3:::${bucket}/${key}`;
  if (!e.key) {
    // Bucket-level (path-style `/bucket/?list-type=2`, `/bucket/?delete`).
    if (e.method === 'GET' && q.get('list-type') === '2')
      return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}` }];
    if (e.method === 'POST' && q.has('delete')) {
      const keys = [...(e.body ?? '').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => decodeXml(m[1]!));
      expect(keys.length, 'DeleteObjects lists its keys').toBeGreaterThan(0);
      return keys.map((k) => ({ action: 's3:DeleteObject', resource: object(k) }));
    }
    throw new Error(`unmapped bucket request ${e.method} ?${e.query}`);
  }
  const version = q.has('versionId');
  if (e.method === 'GET' || e.method === 'HEAD')
    return [{ action: version ? 's3:GetObjectVersion' : 's3:GetObject', resource: object(e.key) }];
  if (e.method === 'PUT' || e.method === 'POST') return [{ action: 's3:PutObject', resource: object(e.key) }];
  if (e.method === 'DELETE')
    return [{ action: q.has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject', resource: object(e.key) }];
  throw new Error(`unmapped object request ${e.method} ${e.key}`);
}

const decodeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Does a statement allow `action` on `resource` (IAM `*` wildcards in resources)? */
function allows(statements: Statement[], action: string, resource: string): boolean {
  return statements.some(
    (st) =>
      st.actions.includes(action) &&
      st.resources.some((r) =>
        new RegExp(`^${r.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(resource),
      ),
  );
}

/** Every request of the role, authorised by `statements`; returns the actions seen. */
function checkRole(r: Role, statements: Statement[]): Set<string> {
  const seen = new Set<string>();
  const denied: string[] = [];
  for (const e of [...r.s3.log, ...r.ddb.log]) {
    for (const { action, resource } of authorisation(e)) {
      seen.add(action);
      if (!allows(statements, action, resource)) denied.push(`${action} ${resource}`);
    }
  }
  expect(denied, denied.join('\n')).toEqual([]);
  return seen;
}

const ARNS = () => ({
  bucketArn: `arn:aws:s3:::${bucket}`,
  lockTableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${lockTable}`,
  queueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:ingest`,
  workerArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:worker`,
});

beforeAll(async () => {
  [bucket, lockTable] = await Promise.all([newBucket('ds-iam'), newLockTable()]);
  // As deployed with `versioning: true` (the embedded S3 accepts and ignores it).
  await new S3Client(s3Config()).send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  settings = resolveSettings('test', {
    DS_CONFIG: JSON.stringify({
      routes: [{ prefix: 'events/', table: 'events' }],
      maintenance: [{ table: 'events', optimize: { fanOutMinBins: 1 }, vacuum: { retentionHours: 168 } }],
      versioning: true,
    }),
  });
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
});

describe('every request a handler makes is allowed by its deployed permissions', () => {
  const table = () => `s3://${bucket}/tables/events`;

  test('ingest: versioned reads of uploads and commits; a misfit object fails alone', async () => {
    const r = await role();
    const rec = new Recorder();
    const ingest = createIngestHandler({
      routes: JSON.parse(ingestRoutesEnv(bucket, settings)),
      storageOptions: r.opts,
      logger: rec,
      metrics: rec,
    });
    // Versioned bucket: events carry a versionId, and reads name it.
    const body = async (o: Uploaded) => {
      const [record] = JSON.parse(notification([o])).Records as { s3: { object: object } }[];
      const versionId = await versionOf(o);
      return JSON.stringify({
        Records: [{ ...record, s3: { ...record!.s3, object: { ...record!.s3.object, versionId } } }],
      });
    };
    for (let i = 0; i < 3; i++) {
      const a = await upload(bucket, `landing/events/a${i}.csv`, csv(i * 10, 2));
      const misfit = await upload(bucket, `landing/events/b${i}.json`, `{"id":${i},"other":"x"}\n`);
      const { event, ids } = sqsEvent([await body(a), await body(misfit)]);
      expect(failures(await ingest(event))).toEqual([ids[1]]); // the misfit fails alone
    }
    const seen = checkRole(r, ingestStatements(settings, ARNS()));
    expect([...seen].sort()).toEqual(
      expect.arrayContaining(['s3:GetObjectVersion', 's3:PutObject', 's3:ListBucket', 'dynamodb:PutItem']),
    );
  });

  test('maintenance (lease, fanned-out OPTIMIZE, VACUUM) and the worker, whose failed bin is cleaned up', async () => {
    const m = await role();
    const w = await role();
    const worker = createOptimizeWorkerHandler({ storageOptions: w.opts, logger: quiet });
    const invokeWorker = async (req: OptimizeWorkerRequest) =>
      JSON.parse(JSON.stringify(await worker(JSON.parse(JSON.stringify(req))))) as OptimizeWorkerResponse;
    const eightDays = Date.now() + 8 * 24 * 3600_000;
    const report = await createMaintenanceHandler({
      tables: JSON.parse(maintenanceTablesEnv(bucket, settings)),
      storageOptions: m.opts,
      invokeWorker,
      minStepMs: 0,
      now: () => eightDays,
      logger: quiet,
      metrics: noMetrics,
    })({}, { awsRequestId: 'iam', getRemainingTimeInMillis: () => 10 * 60_000 });
    expect(report.tables[0]!.status).toBe('ok');
    expect(report.tables[0]!.steps.find((s) => s.step === 'vacuum')!.metrics!['numFilesDeleted']).toBeGreaterThan(0);
    const seen = checkRole(m, maintenanceStatements(settings, ARNS()));
    expect([...seen]).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObject', 'dynamodb:Query']));

    // A worker whose second bin cannot read its input deletes the first bin's output.
    const t = await DeltaTable.open(table(), { storageOptions: m.opts });
    for (let i = 0; i < 4; i++) await t.append(twoRows(1000 + i * 10), { postCommitHooks: false });
    const snap = await t.refresh();
    // Bins of two files each: a target a little over two of these small files.
    const targetSize = 2 * Math.max(...snap.files().map((f) => f.size)) + 1;
    const plan = planOptimize(snap, { minFilesPerBin: 2, targetSize });
    expect(plan.bins.length).toBeGreaterThanOrEqual(2);
    const gone = decodeURIComponent(plan.bins[1]!.files[0]!.path);
    w.s3.decide = (q) =>
      q.method === 'GET' && q.key?.endsWith(gone) ? { kind: 'status', status: 404, code: 'NoSuchKey' } : PASS;
    const request = { kind: 'optimize-bins', context: plan.context, bins: plan.bins.slice(0, 2), maxConcurrentBins: 1 };
    await expect(worker(request)).rejects.toThrow();
    const workerSeen = checkRole(w, workerStatements(settings, ARNS()));
    expect([...workerSeen]).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']));
    // It never opens a snapshot: not one DynamoDB request, though the lock table is configured.
    expect(w.ddb.log).toEqual([]);
    await validateS3Table({ bucket, prefix: 'tables/events' });
  });
});

/**
 * The version id S3 gave an upload (Ceph RGW keeps versions once versioning is on); the
 * embedded S3 keeps no versions and ignores the parameter, so any id stands in there.
 */
async function versionOf(o: Uploaded): Promise<string> {
  const head = await new S3Client(s3Config()).send(new HeadObjectCommand({ Bucket: o.bucket, Key: o.key }));
  return head.VersionId ?? `v-${o.sequencer}`;
}

/** Two rows in the ingested table's schema (id, name, amount): one small file per append. */
function twoRows(id: number): arrow.Table {
  return new arrow.Table({
    id: arrow.vectorFromArray([BigInt(id), BigInt(id + 1)], new arrow.Int64()),
    name: arrow.vectorFromArray(['x', 'y'], new arrow.Utf8()),
    amount: arrow.vectorFromArray([1.5, 2.5], new arrow.Float64()),
  });
}
