/**
 * Hostile objects through the ingest Lambda (real handler, embedded S3 over HTTP), each beside
 * a good object in the same batch: only the bad object's message fails, with the error the CLI
 * and the SDK give for the same bytes, and the rest of the batch commits.
 * - a damaged Parquet object (its decode traps parquet-wasm): the warm handler carries on;
 * - CSV with invalid UTF-8: refused naming the line, unless the route declares its encoding;
 * - a small CSV with 20,000 columns: refused before its data is read, naming the column limit.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, expect, test } from 'vitest';
import { createIngestHandler, type RouteConfig } from '@delta-serverless/lambda';
import { objectCreatedRecord } from '@delta-serverless/cli/local-stack';
import { sampleParquet, trappingFlip } from '../../packages/core/test/support/parquet-damage.js';
import { listKeys, minio, newBucket, s3Config } from '../services/index.js';
import { wideCsv } from '../support/wide-inputs.js';
import { newClients, newS3Table, openStore, readIds, storageOptions, validateS3Table } from './support/tables.js';
import { DeltaTable } from '@delta-serverless/core';

let s3: S3Client;
beforeAll(() => {
  s3 = new S3Client(s3Config());
});

async function upload(bucket: string, key: string, body: Uint8Array | string) {
  const buf = Buffer.from(body);
  await minio().putObject(bucket, key, buf, buf.length);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return { bucket, key, eTag: head.ETag!.replace(/"/g, ''), size: buf.length };
}

function sqsEvent(bodies: string[], tag: string) {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `${tag}-${i}`,
      receiptHandle: `rh-${tag}-${i}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ingest',
      awsRegion: 'us-east-1',
    })),
  };
}

const notify = (o: Awaited<ReturnType<typeof upload>>) => JSON.stringify({ Records: [objectCreatedRecord(o)] });
const failed = (res: unknown) =>
  ((res as { batchItemFailures?: { itemIdentifier: string }[] }).batchItemFailures ?? []).map((f) => f.itemIdentifier);

async function setup(route: Partial<RouteConfig> = {}) {
  const [landing, t] = await Promise.all([newBucket('landing'), newS3Table('tables/hostile')]);
  const opts = storageOptions('conditional');
  const errors: Record<string, unknown>[] = [];
  const quiet = () => undefined;
  const logger = {
    debug: quiet,
    info: quiet,
    warn: quiet,
    error: (_m: string, e: Record<string, unknown>) => errors.push(e),
  };
  const metrics = { addMetric: quiet, publishStoredMetrics: quiet };
  const handler = createIngestHandler({
    routes: [{ prefix: `s3://${landing}/in/`, table: t.uri, ...route }],
    clients: newClients(opts),
    storageOptions: opts,
    logger,
    metrics,
  });
  return { landing, t, errors, handler };
}

const reason = (e: Record<string, unknown>) => String(e['reason'] ?? e['message']);

test('[bad.parquet, good.csv]: only the damaged object fails; good.csv commits; the handler carries on', async () => {
  const { landing, t, errors, handler } = await setup();
  const bad = await upload(landing, 'in/bad.parquet', await trappingFlip(await sampleParquet(5_000)));
  const good = await upload(landing, 'in/good.csv', 'id,name,amount\n1,a,1.5\n2,b,2.5\n');
  const started = Date.now();
  const res = await handler(sqsEvent([notify(bad), notify(good)], 'b1'), { awsRequestId: 'r1' });
  expect(Date.now() - started).toBeLessThan(20_000); // it answers (the trap used to hang it)
  expect(failed(res)).toEqual(['b1-0']);
  expect(errors).toHaveLength(1);
  expect(errors[0]!['key']).toBe('in/bad.parquet');
  expect(reason(errors[0]!)).toMatch(/bad\.parquet: the decoder trapped on it/);
  const table = await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') });
  expect(await readIds(table)).toEqual([1, 2]);
  // Nothing of the damaged object was left behind: one data file, good.csv's.
  const dataFiles = (await listKeys(t.bucket, `${t.prefix}/`)).filter((k) => k.endsWith('.parquet'));
  expect(dataFiles).toHaveLength(1);
  // The warm handler (same process, replaced wasm instance) ingests the next batch.
  const next = await upload(landing, 'in/next.parquet', await sampleParquet(3));
  expect(failed(await handler(sqsEvent([notify(next)], 'b2'), { awsRequestId: 'r2' }))).toEqual([]);
  expect((await readIds(await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') }))).length).toBe(5);
  await validateS3Table(t);
});

const LATIN1_CSV = Buffer.from('id,name,amount\n1,caf\xe9,1.5\n', 'latin1');

test('CSV with invalid UTF-8 fails only its message, naming the line; good objects commit', async () => {
  const { landing, t, errors, handler } = await setup();
  const bad = await upload(landing, 'in/latin1.csv', LATIN1_CSV);
  const good = await upload(landing, 'in/good.csv', 'id,name,amount\n2,b,2.5\n');
  const res = await handler(sqsEvent([notify(bad), notify(good)], 'u1'), { awsRequestId: 'u1' });
  expect(failed(res)).toEqual(['u1-0']);
  expect(reason(errors[0]!)).toMatch(/in\/latin1\.csv: line 2: the CSV text is not valid UTF-8/);
  expect(await readIds(await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') }))).toEqual([2]);
  await validateS3Table(t);
});

test('a route declaring encoding latin1 converts the same object', async () => {
  const { landing, t, handler } = await setup({ encoding: 'latin1' });
  const obj = await upload(landing, 'in/latin1.csv', LATIN1_CSV);
  expect(failed(await handler(sqsEvent([notify(obj)], 'l1'), { awsRequestId: 'l1' }))).toEqual([]);
  const rows = (await (await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') })).toArrow()).toArray();
  expect(rows.map((r) => r!.toJSON())).toEqual([{ id: 1n, name: 'café', amount: 1.5 }]);
  await validateS3Table(t);
});

test('a small CSV with 20,000 columns fails only its message, naming the column limit', async () => {
  const { landing, t, errors, handler } = await setup();
  const wide = await upload(landing, 'in/wide.csv', wideCsv(20_000, 2));
  const good = await upload(landing, 'in/good.csv', 'id,name,amount\n7,g,7.5\n');
  const res = await handler(sqsEvent([notify(wide), notify(good)], 'w1'), { awsRequestId: 'w1' });
  expect(failed(res)).toEqual(['w1-0']);
  expect(reason(errors[0]!)).toMatch(/in\/wide\.csv: the object has 20000 columns, more than the limit of 10000/);
  expect(await readIds(await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') }))).toEqual([7]);
  await validateS3Table(t);
});

test('concurrent invocations of one warm handler keep their own failures (one process, as the local stack runs pollers)', async () => {
  const { landing, t, handler } = await setup();
  const bad = await upload(landing, 'in/bad.csv', LATIN1_CSV);
  const goods = await Promise.all(
    [1, 2, 3].map((i) => upload(landing, `in/good-${i}.csv`, `id,name,amount\n${i},g,${i}.5\n`)),
  );
  // The failing batch and three clean ones at once: only the failing batch reports a failure.
  const [badRes, ...goodRes] = await Promise.all([
    handler(sqsEvent([notify(bad)], 'c0'), { awsRequestId: 'c0' }),
    ...goods.map((g, i) => handler(sqsEvent([notify(g)], `c${i + 1}`), { awsRequestId: `c${i + 1}` })),
  ]);
  expect(failed(badRes)).toEqual(['c0-0']);
  for (const res of goodRes) expect(failed(res)).toEqual([]);
  expect(await readIds(await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') }))).toEqual([1, 2, 3]);
  await validateS3Table(t);
});
