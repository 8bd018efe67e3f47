/**
 * The exactly-once edges of docs/exactly-once-ingest.md, each decided on purpose and run
 * through the real handler (embedded S3, real HTTP):
 * - one upload, one ingest: the same bytes uploaded again to the same key are a new upload
 *   (a new sequencer) and are ingested again; a redelivered event is skipped;
 * - the same bytes uploaded with another multipart layout (another ETag) are another upload
 *   too; on an unversioned bucket an upload overwritten before it was read is superseded;
 * - an event older than the table's txn retention is refused, not ingested a second time.
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { createIngestHandler } from '@delta-serverless/lambda';
import { newBucket, s3Config } from '../services/index.js';
import {
  csv,
  eTagOf,
  failures,
  nextSequencer,
  notification,
  Recorder,
  sqsEvent,
  upload,
  type Uploaded,
} from './support/ingest.js';
import {
  batch,
  logVersions,
  newClients,
  newS3Table,
  openStore,
  rawCommit,
  storageOptions,
  validateS3Table,
  type S3Table,
} from './support/tables.js';

const DAY = 24 * 3600_000;
let s3: S3Client;

beforeAll(() => {
  s3 = new S3Client(s3Config());
});

async function setup() {
  const [landing, t] = await Promise.all([newBucket('landing'), newS3Table('tables/edges')]);
  const opts = storageOptions('conditional');
  const rec = new Recorder();
  const handler = createIngestHandler({
    routes: [{ prefix: `s3://${landing}/in/`, table: t.uri }],
    clients: newClients(opts),
    storageOptions: opts,
    logger: rec,
    metrics: rec,
  });
  const deliver = async (objs: Uploaded[], extra: { eventTime?: string } = {}) => {
    const { event, ids } = sqsEvent(objs.map((o) => notification([o], extra)));
    return { failed: failures(await handler(event)), ids };
  };
  return { landing, t, rec, deliver };
}

/** The same bytes as one multipart upload of a single part: an ETag of the form `<md5>-1`. */
async function uploadMultipart(bucket: string, key: string, body: string): Promise<Uploaded> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const part = await s3.send(
    new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.from(body) }),
  );
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    }),
  );
  const eTag = await eTagOf(bucket, key);
  return { bucket, key, eTag, size: Buffer.byteLength(body), sequencer: nextSequencer() };
}

/** The table's ids, after the independent validator has checked the table. */
async function ids(t: S3Table): Promise<number[]> {
  await validateS3Table(t);
  const table = await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') });
  const out: number[] = [];
  for (const b of (await table.toArrow({ columns: ['id'] })).batches)
    for (const v of b.getChild('id')!) out.push(Number(v));
  return out.sort((a, b) => a - b);
}

/** `txn` actions in the whole log (read as raw JSON). */
async function txnCount(t: S3Table): Promise<number> {
  let n = 0;
  for (const v of await logVersions(t)) n += (await rawCommit(t, v)).filter((a) => a['txn']).length;
  return n;
}

describe('one upload, one ingest', () => {
  test('identical bytes uploaded again to the same key are ingested again; redeliveries are not', async () => {
    const { landing, t, rec, deliver } = await setup();
    const first = await upload(landing, 'in/same.csv', csv(0, 2));
    expect((await deliver([first])).failed).toEqual([]);
    const again = await upload(landing, 'in/same.csv', csv(0, 2));
    expect(again.eTag).toBe(first.eTag); // same bytes, same ETag: only the sequencer tells them apart
    expect((await deliver([again])).failed).toEqual([]);
    expect(await ids(t)).toEqual([0, 0, 1, 1]);
    // Both events come back (SQS redelivery, a duplicate S3 notification): nothing more.
    expect((await deliver([first, again])).failed).toEqual([]);
    expect(await ids(t)).toEqual([0, 0, 1, 1]);
    expect(rec.sum('DuplicatesSkipped')).toBe(2);
    expect(await txnCount(t)).toBe(2);
  });

  test('the same bytes with another multipart layout are another upload, ingested once each', async () => {
    const { landing, t, deliver } = await setup();
    const put = await upload(landing, 'in/parts.csv', csv(10, 2));
    expect((await deliver([put])).failed).toEqual([]);
    const multi = await uploadMultipart(landing, 'in/parts.csv', csv(10, 2));
    expect(multi.eTag).not.toBe(put.eTag);
    expect((await deliver([multi])).failed).toEqual([]);
    expect(await ids(t)).toEqual([10, 10, 11, 11]);
    expect((await deliver([put, multi])).failed).toEqual([]);
    expect(await ids(t)).toEqual([10, 10, 11, 11]);
  });

  test('unversioned: an upload overwritten before it was read is superseded; its successor is ingested', async () => {
    const { landing, t, rec, deliver } = await setup();
    const put = await upload(landing, 'in/over.csv', csv(20, 2));
    const multi = await uploadMultipart(landing, 'in/over.csv', csv(20, 2)); // overwrites before ingest
    expect((await deliver([put, multi])).failed).toEqual([]);
    expect(rec.sum('ObjectsSuperseded')).toBe(1);
    expect(await ids(t)).toEqual([20, 21]);
  });
});

describe('events older than the txn retention', () => {
  test('refused with the reason, nothing committed; a recent event of the same table commits', async () => {
    const { landing, t, rec, deliver } = await setup();
    const fresh = await upload(landing, 'in/fresh.csv', csv(0, 1));
    expect((await deliver([fresh])).failed).toEqual([]); // creates the table (txn retention 30 days)
    const old = await upload(landing, 'in/old.csv', csv(100, 1));
    const stale = await deliver([old], { eventTime: new Date(Date.now() - 31 * DAY).toISOString() });
    expect(stale.failed).toEqual(stale.ids);
    const refused = rec.logs.find((l) => l.level === 'error' && l.extra['key'] === 'in/old.csv')!;
    expect(refused.extra['errorName']).toBe('StaleEventError');
    expect(String(refused.extra['reason'])).toMatch(/older than the table's delta\.setTransactionRetentionDuration/);
    // Just inside the retention (less the 1-hour clock margin): ingested.
    const inside = await deliver([old], { eventTime: new Date(Date.now() - 29 * DAY).toISOString() });
    expect(inside.failed).toEqual([]);
    expect(await ids(t)).toEqual([0, 100]);
  });

  test('a table that keeps txns forever (no retention property) ingests old events', async () => {
    const { landing, t, deliver } = await setup();
    await writeDeltaTable(t.uri, batch([1]), { storageOptions: storageOptions('conditional') });
    const table = await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') });
    expect(table.snapshot.properties['delta.setTransactionRetentionDuration']).toBeUndefined();
    const old = await upload(landing, 'in/ancient.csv', 'id\n7\n');
    const r = await deliver([old], { eventTime: new Date(Date.now() - 400 * DAY).toISOString() });
    expect(r.failed).toEqual([]);
  });
});
