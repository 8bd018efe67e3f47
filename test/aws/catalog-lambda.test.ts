/**
 * The ingest and maintenance functions keep Glue registrations in sync (moto's Glue behind a
 * counting proxy, S3 on the test services, real HTTP): ingest syncs only after commits that
 * change the metadata, so plain appends make no Glue call; a failed sync fails no message;
 * the maintenance handler repairs a registration left behind by an ingest that added a column.
 */
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { syncCatalog } from '@delta-serverless/aws';
import { createIngestHandler, createMaintenanceHandler, type RouteConfig } from '@delta-serverless/lambda';
import { objectCreatedRecord } from '@delta-serverless/cli/local-stack';
import { glueConfig, minio, newBucket, s3Config, services, uniqueName } from '../services/index.js';
import { CATALOG_SYNC_ACTIONS } from '../../infra/catalog-permissions.js';
import { PASS, startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { newClients, newS3Table, storageOptions, validateS3Table } from './support/tables.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

class Metrics {
  readonly values: { name: string; value: number }[] = [];
  addMetric(name: string, _unit: unknown, value: number): void {
    this.values.push({ name, value });
  }
  publishStoredMetrics(): void {}
  sum(name: string): number {
    return this.values.filter((m) => m.name === name).reduce((n, m) => n + m.value, 0);
  }
}

let proxy: FaultProxy;
let glue: GlueClient;
let s3: S3Client;
beforeAll(async () => {
  proxy = await startFaultProxy(services().glueEndpoint, 'glue');
  glue = new GlueClient(glueConfig());
  s3 = new S3Client(s3Config());
});
afterAll(async () => {
  glue.destroy();
  s3.destroy();
  await proxy.stop();
});

const newDatabase = async (): Promise<string> => {
  const name = uniqueName('ds_fn', 200).replaceAll('-', '_');
  const { CreateDatabaseCommand } = await import('@aws-sdk/client-glue');
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name } }));
  return name;
};

const glueColumns = async (database: string, name: string): Promise<string[]> =>
  (
    (await glue.send(new GetTableCommand({ DatabaseName: database, Name: name }))).Table?.StorageDescriptor?.Columns ??
    []
  ).map((c) => `${c.Name}:${c.Type}`);

let seq = 0;
/** Upload an NDJSON object and hand the handler the SQS message S3 would send. */
async function ingest(handler: ReturnType<typeof createIngestHandler>, landing: string, lines: object[]) {
  const key = `in/obj-${++seq}.ndjson`;
  const body = Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  await minio().putObject(landing, key, body, body.length);
  const head = await s3.send(new HeadObjectCommand({ Bucket: landing, Key: key }));
  const record = objectCreatedRecord({ bucket: landing, key, eTag: head.ETag!.replace(/"/g, ''), size: body.length });
  const res = (await handler({
    Records: [
      {
        messageId: `m-${seq}`,
        receiptHandle: `rh-${seq}`,
        body: JSON.stringify({ Records: [record] }),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'x',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ingest',
        awsRegion: 'us-east-1',
      },
    ],
  })) as { batchItemFailures: unknown[] };
  expect(res.batchItemFailures).toEqual([]);
}

function setup(landing: string, table: string, catalog?: RouteConfig['catalog']) {
  const opts = storageOptions('conditional', undefined, { AWS_ENDPOINT_URL_GLUE: proxy.endpoint });
  const metrics = new Metrics();
  const routes: RouteConfig[] = [
    { prefix: `s3://${landing}/in/`, table, schemaMode: 'merge', ...(catalog ? { catalog } : {}) },
  ];
  const handler = createIngestHandler({
    routes,
    clients: newClients(opts),
    storageOptions: opts,
    logger: quiet,
    metrics,
  });
  return { handler, metrics, opts };
}

describe('Glue sync from the functions', () => {
  test('ingest: registers on creation, no Glue call for appends, one update when an object adds a column', async () => {
    const [landing, t, database] = await Promise.all([
      newBucket('landing'),
      newS3Table('tables/orders'),
      newDatabase(),
    ]);
    const { handler } = setup(landing, t.uri, { database });

    let from = proxy.log.length;
    await ingest(handler, landing, [{ id: 1, item: 'a' }]);
    expect(proxy.log.slice(from).map((e) => e.op)).toEqual(['GetTable', 'GetDatabase', 'CreateTable']);
    expect(await glueColumns(database, 'orders')).toEqual(['id:bigint', 'item:string']);

    from = proxy.log.length;
    await ingest(handler, landing, [{ id: 2, item: 'b' }]);
    await ingest(handler, landing, [{ id: 3, item: 'c' }]);
    expect(proxy.log.slice(from)).toEqual([]);

    await ingest(handler, landing, [{ id: 4, item: 'd', qty: 2 }]);
    expect(proxy.log.slice(from).map((e) => e.op)).toEqual(['GetTable', 'UpdateTable']);
    expect(await glueColumns(database, 'orders')).toEqual(['id:bigint', 'item:string', 'qty:bigint']);
    await validateS3Table(t); // the table the handler wrote (schema evolved once)
  });

  test('ingest: a sync Glue refuses fails no message; it is counted and the commit stands', async () => {
    const [landing, t, database] = await Promise.all([
      newBucket('landing'),
      newS3Table('tables/denied'),
      newDatabase(),
    ]);
    const { handler, metrics } = setup(landing, t.uri, { database, name: 'denied_orders' });
    proxy.decide = (req) =>
      req.op === 'CreateTable' ? { kind: 'status', status: 400, code: 'AccessDeniedException', message: 'no' } : PASS;
    try {
      await ingest(handler, landing, [{ id: 1 }]);
    } finally {
      proxy.decide = () => PASS;
    }
    expect(metrics.sum('CatalogSyncFailed')).toBe(1);
    expect(metrics.sum('ObjectsIngested')).toBe(1);
    await validateS3Table(t);
  });

  test('maintenance: a table whose ingest added a column is brought back in sync, then left alone', async () => {
    const [landing, t, database] = await Promise.all([
      newBucket('landing'),
      newS3Table('tables/events'),
      newDatabase(),
    ]);
    const { handler, opts } = setup(landing, t.uri); // this route does not sync
    await ingest(handler, landing, [{ id: 1 }]);
    await syncCatalog(t.uri, { database, storageOptions: opts });
    await ingest(handler, landing, [{ id: 2, country: 'NZ' }]);
    expect(await glueColumns(database, 'events')).toEqual(['id:bigint']);

    const maintenance = createMaintenanceHandler({
      tables: [{ table: t.uri, catalog: { database }, optimize: false, vacuum: false }],
      clients: newClients(opts),
      storageOptions: opts,
      logger: quiet,
      metrics: new Metrics(),
    });
    const first = await maintenance();
    expect(first.tables[0]!.steps[0]).toMatchObject({
      step: 'catalog',
      outcome: expect.stringMatching(/^updated .*events \(version 1\): columns/),
    });
    expect(await glueColumns(database, 'events')).toEqual(['id:bigint', 'country:string']);

    const from = proxy.log.length;
    const second = await maintenance();
    expect(second.tables[0]!.steps[0]!.outcome).toMatch(/^unchanged /);
    expect(proxy.log.slice(from).map((e) => e.op)).toEqual(['GetTable']);
    await validateS3Table(t);
  });

  test('everything the functions called on Glue is within what infra grants them', () => {
    const called = new Set(proxy.log.map((e) => `glue:${e.op}`));
    expect(called.size).toBeGreaterThan(2);
    expect([...called].filter((a) => !CATALOG_SYNC_ACTIONS.includes(a))).toEqual([]);
  });
});
