/**
 * The ingest Lambda given a damaged Parquet object beside a good one in the same batch (real
 * handler, embedded S3 over HTTP): the damaged object's decode traps parquet-wasm; only its
 * message fails, with an error naming it, the good object commits, and the warm handler ingests
 * the next batch normally.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, expect, test } from 'vitest';
import { createIngestHandler } from '@delta-serverless/lambda';
import { objectCreatedRecord } from '@delta-serverless/cli/local-stack';
import { sampleParquet, trappingFlip } from '../../packages/core/src/parquet/test-fixtures.js';
import { listKeys, minio, newBucket, s3Config } from '../services/index.js';
import { newClients, newS3Table, openStore, readIds, storageOptions } from './support/tables.js';
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

test('[bad.parquet, good.csv]: only the damaged object fails; good.csv commits; the handler carries on', async () => {
  const [landing, t] = await Promise.all([newBucket('landing'), newS3Table('tables/corrupt')]);
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
    routes: [{ prefix: `s3://${landing}/in/`, table: t.uri }],
    clients: newClients(opts),
    storageOptions: opts,
    logger,
    metrics,
  });
  const bad = await upload(landing, 'in/bad.parquet', await trappingFlip(await sampleParquet(5_000)));
  const good = await upload(landing, 'in/good.csv', 'id,name,amount\n1,a,1.5\n2,b,2.5\n');
  const started = Date.now();
  const res = await handler(sqsEvent([notify(bad), notify(good)], 'b1'), { awsRequestId: 'r1' });
  expect(Date.now() - started).toBeLessThan(20_000); // it answers (the trap used to hang it)
  expect(failed(res)).toEqual(['b1-0']);
  expect(errors).toHaveLength(1);
  expect(errors[0]!['key']).toBe('in/bad.parquet');
  expect(String(errors[0]!['reason'] ?? errors[0]!['message'])).toMatch(/bad\.parquet: the decoder trapped on it/);
  const table = await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') });
  expect(await readIds(table)).toEqual([1, 2]);
  // Nothing of the damaged object was left behind: one data file, good.csv's.
  const dataFiles = (await listKeys(t.bucket, `${t.prefix}/`)).filter((k) => k.endsWith('.parquet'));
  expect(dataFiles).toHaveLength(1);
  // The warm handler (same process, replaced wasm instance) ingests the next batch.
  const next = await upload(landing, 'in/next.parquet', await sampleParquet(3));
  expect(failed(await handler(sqsEvent([notify(next)], 'b2'), { awsRequestId: 'r2' }))).toEqual([]);
  expect((await readIds(await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') }))).length).toBe(5);
});
