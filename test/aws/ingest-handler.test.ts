/**
 * The ingest Lambda end to end on the test services (real HTTP, no SDK mocks): objects are
 * uploaded to a landing bucket (MinIO client), the handler gets the SQS event S3 would send
 * (keys form-encoded), and the table is read back through a fresh reader. Both commit
 * coordinators. Logs and EMF metrics are captured by injected doubles.
 */
import { gzipSync } from 'node:zlib';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { writeParquet } from '@delta-serverless/core/internal';
import { createIngestHandler, type RouteConfig } from '@delta-serverless/lambda';
import { listKeys, newBucket } from '../services/index.js';
import { csv, failures, notification, Recorder, sqsEvent, upload, type Uploaded } from './support/ingest.js';
import {
  logVersions,
  newClients,
  newS3Table,
  openStore,
  rawCommit,
  storageOptions,
  type Mode,
  validateS3Table,
  type S3Table,
} from './support/tables.js';

interface Setup {
  landing: string;
  t: S3Table;
  rec: Recorder;
  handler: ReturnType<typeof createIngestHandler>;
  newHandler: (rec?: Recorder, routes?: RouteConfig[]) => ReturnType<typeof createIngestHandler>;
}

async function setup(mode: Mode, routeExtra: Partial<RouteConfig> = {}): Promise<Setup> {
  const [landing, t] = await Promise.all([newBucket('landing'), newS3Table('tables/events')]);
  const opts = storageOptions(mode, t.lockTable);
  const routes: RouteConfig[] = [{ prefix: `s3://${landing}/in/`, table: t.uri, ...routeExtra }];
  const newHandler = (r = new Recorder(), rs = routes) =>
    createIngestHandler({ routes: rs, clients: newClients(opts), storageOptions: opts, logger: r, metrics: r });
  const rec = new Recorder();
  return { landing, t, rec, handler: newHandler(rec), newHandler };
}

/** The table's rows, after the independent validator has checked the table (every test reads through here). */
async function rows(t: S3Table, mode: Mode, columns?: string[]): Promise<Record<string, unknown>[]> {
  await validateS3Table(t);
  const table = await DeltaTable.open(t.uri, { store: openStore(t, mode) });
  const out: Record<string, unknown>[] = [];
  for (const b of (await table.toArrow(columns ? { columns } : {})).batches)
    for (const r of b)
      out.push(
        Object.fromEntries(Object.entries(r!.toJSON()).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
      );
  return out.sort((a, b) => Number(a['id']) - Number(b['id']));
}

const ids = (rs: Record<string, unknown>[]) => rs.map((r) => Number(r['id']));

const ndjson = (from: number, n: number, extra = '') =>
  Array.from({ length: n }, (_, i) => `{"id":${from + i},"name":"n${from + i}","amount":${from + i}.5${extra}}`).join(
    '\n',
  ) + '\n';
async function parquet(from: number, n: number): Promise<Uint8Array> {
  const range = Array.from({ length: n }, (_, i) => from + i);
  return writeParquet(
    new arrow.Table({
      id: arrow.vectorFromArray(range.map(BigInt), new arrow.Int64()),
      name: arrow.vectorFromArray(
        range.map((i) => `n${i}`),
        new arrow.Utf8(),
      ),
      amount: arrow.vectorFromArray(
        range.map((i) => i + 0.5),
        new arrow.Float64(),
      ),
    }),
  );
}

describe.each(['conditional', 'dynamodb'] as const)('ingest handler (%s)', (mode) => {
  test('CSV, NDJSON, gzip NDJSON and Parquet objects -> one commit with every row, one txn per object', async () => {
    const { landing, t, rec, handler } = await setup(mode);
    const objs = [
      await upload(landing, 'in/a.csv', csv(0, 3)),
      await upload(landing, 'in/b.json', ndjson(3, 3)),
      await upload(landing, 'in/c.ndjson.gz', gzipSync(ndjson(6, 3))),
      await upload(landing, 'in/d.parquet', await parquet(9, 3)),
    ];
    // Two objects in one message body, two in separate messages.
    const { event } = sqsEvent([notification(objs.slice(0, 2)), notification([objs[2]!]), notification([objs[3]!])]);
    const res = await handler(event, { awsRequestId: 'req-1' });
    expect(failures(res)).toEqual([]);
    expect(await logVersions(t)).toEqual([0]);
    const got = await rows(t, mode);
    expect(ids(got)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(got[4]).toEqual({ id: 4, name: 'n4', amount: 4.5 });

    const commit = await rawCommit(t, 0);
    expect(commit.filter((a) => a['txn'])).toHaveLength(4);
    expect(commit.filter((a) => a['txn']).every((a) => /^ingest:[0-9a-f]{40}$/.test(String(a['txn']!['appId'])))).toBe(
      true,
    );
    const meta = commit.find((a) => a['metaData'])!['metaData'] as { configuration: Record<string, string> };
    expect(meta.configuration['delta.setTransactionRetentionDuration']).toBe('interval 30 days');
    const info = commit.find((a) => a['commitInfo'])!['commitInfo'] as Record<string, unknown>;
    expect(info['operation']).toBe('WRITE');
    expect(JSON.parse(String(info['userMetadata']))).toEqual({ ingest: { objects: 4, invocation: 'req-1' } });
    // Each object wrote its own data file(s).
    expect(commit.filter((a) => a['add'])).toHaveLength(4);
    expect(rec.sum('RowsIngested')).toBe(12);
    expect(rec.sum('FilesWritten')).toBe(4);
    expect(rec.sum('BytesWritten')).toBeGreaterThan(0);
    expect(rec.metrics.some((m) => m.name === 'CommitLatency')).toBe(true);
    expect(rec.sum('ObjectsFailed')).toBe(0);
  });

  test('the same event delivered twice commits its rows once (DuplicatesSkipped)', async () => {
    const { landing, t, handler, newHandler } = await setup(mode);
    const objs = [await upload(landing, 'in/a.csv', csv(0, 2)), await upload(landing, 'in/b.csv', csv(2, 2))];
    const { event } = sqsEvent([notification(objs)]);
    expect(failures(await handler(event))).toEqual([]);
    // Redelivery to the same warm handler, and to a fresh (cold) one.
    const again = new Recorder();
    expect(failures(await handler(event))).toEqual([]);
    expect(failures(await newHandler(again)(event))).toEqual([]);
    expect(again.sum('DuplicatesSkipped')).toBe(2);
    expect(again.sum('RowsIngested')).toBe(0);
    expect(await logVersions(t)).toEqual([0]);
    expect(ids(await rows(t, mode))).toEqual([0, 1, 2, 3]);
  });

  test('overlapping batches in concurrent invocations: every object exactly once', async () => {
    const { landing, t, newHandler } = await setup(mode);
    const objs: Uploaded[] = [];
    for (let i = 0; i < 8; i++) objs.push(await upload(landing, `in/o${i}.csv`, csv(i * 10, 2)));
    // Create the table first so both invocations race on appends (creation races are covered below).
    expect(failures(await newHandler()(sqsEvent([notification([objs[0]!])]).event))).toEqual([]);
    const recs = [new Recorder(), new Recorder(), new Recorder()];
    const batches = [objs.slice(0, 6), objs.slice(2, 8), objs.slice(1, 7)];
    const results = await Promise.all(
      batches.map((b, i) => newHandler(recs[i])(sqsEvent(b.map((o) => notification([o]))).event)),
    );
    for (const r of results) expect(failures(r)).toEqual([]);
    const expected = objs.flatMap((_, i) => [i * 10, i * 10 + 1]);
    expect(ids(await rows(t, mode))).toEqual(expected);
    const committed = recs.reduce((n, r) => n + r.sum('ObjectsIngested'), 0);
    const skipped = recs.reduce((n, r) => n + r.sum('DuplicatesSkipped'), 0);
    expect(committed).toBe(7);
    expect(committed + skipped).toBe(18);
    // No stray data files: every Parquet file under the table is referenced by the log.
    const table = await DeltaTable.open(t.uri, { store: openStore(t, mode) });
    const live = new Set(table.snapshot.files().map((f) => decodeURIComponent(f.path)));
    const onDisk = (await listKeys(t.bucket, `${t.prefix}/`))
      .filter((k) => k.endsWith('.parquet') && !k.includes('_delta_log'))
      .map((k) => k.slice(t.prefix.length + 1));
    expect(onDisk.sort()).toEqual([...live].sort());
  });

  test('a cold handler on a table with version checksums reads commit N and N.crc, not the log before it', async () => {
    const { landing, t } = await setup(mode);
    const opts = storageOptions(mode, t.lockTable);
    const routes: RouteConfig[] = [{ prefix: `s3://${landing}/in/`, table: t.uri }];
    const coldIngest = async (name: string, from: number) => {
      const clients = newClients(opts);
      const r = new Recorder();
      const h = createIngestHandler({ routes, clients, storageOptions: opts, logger: r, metrics: r });
      const obj = await upload(landing, `in/${name}.csv`, csv(from, 2));
      expect(failures(await h(sqsEvent([notification([obj])]).event))).toEqual([]);
      return clients.counter.snapshot();
    };
    for (let i = 0; i < 6; i++) await coldIngest(`w${i}`, 10 * i); // versions 0-5, each with its N.crc
    const withCrc = await coldIngest('with-crc', 60); // commits version 6 on 5.crc
    // Without checksums (another writer that writes none): the cold handler replays commits 0-6.
    const store = openStore(t, mode);
    await store.deleteMany(Array.from({ length: 7 }, (_, v) => `_delta_log/${String(v).padStart(20, '0')}.crc`));
    const without = await coldIngest('without-crc', 70);
    // GETs: the landing object, _last_checkpoint, then N.crc + commit N against commits 0..N.
    expect(withCrc['s3:GetObject']).toBe(4);
    expect(without['s3:GetObject']).toBe(2 + 7);
    expect(withCrc['s3:ListObjectsV2']).toBe(without['s3:ListObjectsV2']);
    expect(ids(await rows(t, mode))).toEqual([0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 60, 61, 70, 71]);
  });

  test('concurrent first writes create the table once and keep every object exactly once', async () => {
    const { landing, t, newHandler } = await setup(mode);
    const objs: Uploaded[] = [];
    for (let i = 0; i < 4; i++) objs.push(await upload(landing, `in/c${i}.csv`, csv(i * 10, 2)));
    const results = await Promise.all([
      newHandler()(sqsEvent(objs.slice(0, 3).map((o) => notification([o]))).event),
      newHandler()(sqsEvent(objs.slice(1, 4).map((o) => notification([o]))).event),
    ]);
    for (const r of results) expect(failures(r)).toEqual([]);
    expect(ids(await rows(t, mode))).toEqual([0, 1, 10, 11, 20, 21, 30, 31]);
  });

  test('a poison object fails only its message; the rest of the batch commits', async () => {
    const { landing, t, rec, handler } = await setup(mode);
    const good1 = await upload(landing, 'in/good1.csv', csv(0, 2));
    const corrupt = await upload(landing, 'in/corrupt.csv.gz', Buffer.concat([gzipSync(csv(100, 50)).subarray(0, 30)]));
    const wrong = await upload(landing, 'in/wrong.json', '{"id":"not-a-number","name":5,"amount":"x","extra":1}\n');
    const good2 = await upload(landing, 'in/good2.json', ndjson(2, 2));
    const { event, ids: msgIds } = sqsEvent([good1, corrupt, wrong, good2].map((o) => notification([o])));
    const res = await handler(event);
    expect(failures(res).sort()).toEqual([msgIds[1]!, msgIds[2]!].sort());
    expect(ids(await rows(t, mode))).toEqual([0, 1, 2, 3]);
    const commit = await rawCommit(t, 0);
    expect(commit.filter((a) => a['txn'])).toHaveLength(2);
    expect(rec.sum('ObjectsFailed')).toBe(2);
    const errors = rec.logs.filter((l) => l.level === 'error');
    expect(errors.map((e) => e.extra['key']).sort()).toEqual(['in/corrupt.csv.gz', 'in/wrong.json']);
    expect(errors.find((e) => e.extra['key'] === 'in/corrupt.csv.gz')!.extra['messageId']).toBe(msgIds[1]);
    expect(errors.every((e) => typeof e.extra['reason'] === 'string' && e.extra['table'] === t.uri)).toBe(true);
    // Nothing of the failed objects was left behind.
    const parquetFiles = (await listKeys(t.bucket, `${t.prefix}/`)).filter((k) => k.endsWith('.parquet'));
    expect(parquetFiles).toHaveLength(2);
  });

  test("schemaMode 'merge' evolves the schema with a new column; strict fails that object", async () => {
    const merge = await setup(mode, { schemaMode: 'merge' });
    const base = await upload(merge.landing, 'in/a.json', ndjson(0, 2));
    expect(failures(await merge.handler(sqsEvent([notification([base])]).event))).toEqual([]);
    const wider = await upload(merge.landing, 'in/b.json', ndjson(2, 2, ',"country":"NL"'));
    expect(failures(await merge.handler(sqsEvent([notification([wider])]).event))).toEqual([]);
    const got = await rows(merge.t, mode);
    expect(got.map((r) => r['country'])).toEqual([null, null, 'NL', 'NL']);

    const strict = await setup(mode);
    const s1 = await upload(strict.landing, 'in/a.json', ndjson(0, 2));
    const s2 = await upload(strict.landing, 'in/b.json', ndjson(2, 2, ',"country":"NL"'));
    const { event, ids: msgIds } = sqsEvent([notification([s1]), notification([s2])]);
    expect(failures(await strict.handler(event))).toEqual([msgIds[1]]);
    expect(ids(await rows(strict.t, mode))).toEqual([0, 1]);
  });

  test('keys with spaces, + and unicode are decoded; s3:TestEvent and unrouted objects are acknowledged', async () => {
    const { landing, t, rec, handler } = await setup(mode, {
      timePartition: { column: 'date', from: 'ts', granularity: 'day' },
    });
    const weird = await upload(landing, 'in/my file+v1 café €.json', '{"id":1,"ts":"2024-03-04T05:06:07Z"}\n');
    const unrouted = await upload(landing, 'elsewhere/x.csv', csv(0, 1));
    const test = JSON.stringify({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: new Date().toISOString(),
      Bucket: landing,
    });
    const { event } = sqsEvent([test, notification([weird]), notification([unrouted])]);
    expect(failures(await handler(event))).toEqual([]);
    const got = await rows(t, mode);
    expect(got).toHaveLength(1);
    expect(new Date(got[0]!['date'] as number).toISOString().slice(0, 10)).toBe('2024-03-04');
    const table = await DeltaTable.open(t.uri, { store: openStore(t, mode) });
    expect(table.snapshot.partitionColumns).toEqual(['date']);
    expect(rec.logs.some((l) => l.level === 'warn' && l.extra['key'] === 'elsewhere/x.csv')).toBe(true);
  });

  test("EventBridge events and mode 'reference': a Parquet object under the table root is added as it is", async () => {
    const t = await newS3Table('tables/ref');
    const opts = storageOptions(mode, t.lockTable);
    const rec = new Recorder();
    const handler = createIngestHandler({
      routes: [{ prefix: `s3://${t.bucket}/tables/ref/incoming/`, table: t.uri, mode: 'reference' }],
      clients: newClients(opts),
      storageOptions: opts,
      logger: rec,
      metrics: rec,
    });
    const obj = await upload(t.bucket, 'tables/ref/incoming/part 1.parquet', await parquet(0, 5));
    const event = {
      version: '0',
      id: 'eb-evt-1',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: {
        version: '0',
        bucket: { name: obj.bucket },
        object: { key: obj.key, size: obj.size, etag: obj.eTag, sequencer: '00AB' },
        reason: 'PutObject',
      },
    };
    await handler(event);
    await handler(event); // a retry: skipped, and the referenced file is not deleted
    expect(await logVersions(t)).toEqual([0]);
    const adds = (await rawCommit(t, 0)).filter((a) => a['add']).map((a) => a['add']!['path']);
    expect(adds).toEqual(['incoming/part%201.parquet']);
    expect(ids(await rows(t, mode))).toEqual([0, 1, 2, 3, 4]);
    expect(rec.sum('DuplicatesSkipped')).toBe(1);
    expect(await listKeys(t.bucket, 'tables/ref/incoming/')).toEqual(['tables/ref/incoming/part 1.parquet']);

    // A direct event whose object cannot be ingested throws (Lambda retries it).
    const missing = {
      ...event,
      detail: { ...event.detail, object: { ...event.detail.object, key: 'tables/ref/incoming/gone.parquet' } },
    };
    await expect(handler(missing)).rejects.toThrow(/gone\.parquet/);
  });
});
