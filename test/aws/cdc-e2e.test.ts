/**
 * Change streams end to end on the local stack (real HTTP to the embedded S3 and SQS): a
 * seeded random history of inserts, updates and deletes on 1,000 keys, written as AWS DMS
 * files (CSV, gzip CSV, Parquet written by DuckDB) for one table and as Debezium files
 * (wrapped and bare envelopes, some gzip) for another, uploaded in shuffled order with the
 * oldest files held back to the end, duplicate notifications, SQS redeliveries of messages
 * whose object did commit (the handler "crashes" after the commit), the same bytes uploaded
 * again, and three concurrent pollers. Deletes remove rows (remove mode: the deletes'
 * sequences are remembered beside the table, so the late older files cannot bring rows back).
 * Both tables end equal to the plain replay of the history, row for row, and each upload's
 * txn is committed exactly once.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { TOMBSTONE_MARK } from '@delta-serverless/core/internal';
import { createIngestHandler } from '@delta-serverless/lambda';
import { startLocalStack, type LocalStack } from '@delta-serverless/cli/local-stack';
import { rng } from '../dml/oracle-support.js';
import { debeziumLines, dmsCsv, dmsSequence, randomHistory, splitRuns, type Change } from './support/cdc-history.js';
import { Recorder } from './support/ingest.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const SEED = 20261207;

let stack: LocalStack;
let scratch = '';
const rec = new Recorder();
const tables = { dms: '', debezium: '' };
const history = randomHistory(SEED, 1_000, 2_000);

function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const next = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A DMS Parquet file with DuckDB (not our writer) from the same rows as the CSV. */
async function dmsParquet(changes: readonly Change[], name: string): Promise<Uint8Array> {
  const csv = join(scratch, `${name}.csv`);
  const out = join(scratch, `${name}.parquet`);
  writeFileSync(csv, dmsCsv(changes));
  const duck = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await duck.connect();
  await c.run(
    `COPY (SELECT * FROM read_csv('${csv}', header = true, columns = {'Op': 'VARCHAR', 'id': 'BIGINT', ` +
      `'name': 'VARCHAR', 'amount': 'DOUBLE', 'seq': 'VARCHAR'})) TO '${out}' (FORMAT parquet)`,
  );
  c.closeSync();
  duck.closeSync();
  return readFileSync(out);
}

interface Upload {
  key: string;
  body: Uint8Array | string;
}

async function dmsUploads(): Promise<Upload[]> {
  const runs = splitRuns(history.changes, SEED + 1, 100, 200);
  return Promise.all(
    runs.map(async (run, i) => {
      const stamp = `20261207-${String(i).padStart(6, '0')}`;
      if (i % 3 === 0) return { key: `landing/dms/shop/orders/${stamp}.parquet`, body: await dmsParquet(run, stamp) };
      if (i % 3 === 1) return { key: `landing/dms/shop/orders/${stamp}.csv.gz`, body: gzipSync(dmsCsv(run)) };
      return { key: `landing/dms/shop/orders/${stamp}.csv`, body: dmsCsv(run) };
    }),
  );
}

function debeziumUploads(): Upload[] {
  return splitRuns(history.changes, SEED + 2, 100, 200).map((run, i) => {
    const text = debeziumLines(run, i % 2 === 0, SEED + i);
    const key = `landing/debezium/shop.public.orders/part-${String(i).padStart(5, '0')}.json`;
    return i % 4 === 3 ? { key: `${key}.gz`, body: gzipSync(text) } : { key, body: text };
  });
}

async function put(u: Upload): Promise<void> {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: u.key, Body: u.body }));
}

/** Every row of the table as the source's columns, by id (remove mode: deleted rows are gone). */
async function tableRows(uri: string): Promise<Record<string, unknown>[]> {
  const t = await DeltaTable.open(uri, { storageOptions: { ...stack.env } });
  expect(t.snapshot.schema.fields.map((f) => f.name)).not.toContain('_cdc_deleted');
  return (await t.toArrow())
    .toArray()
    .map((r) => r.toJSON() as Record<string, unknown>)
    .map((r) => ({ id: Number(r['id']), name: r['name'], amount: r['amount'] }))
    .sort((a, b) => a.id - b.id);
}

/** appId -> the versions whose commit holds its txn, read from the raw log. */
async function txnCommits(uri: string): Promise<Map<string, number[]>> {
  const prefix = `${uri.replace(`s3://${stack.bucket}/`, '')}/_delta_log/`;
  const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: prefix }));
  const out = new Map<string, number[]>();
  for (const o of listed.Contents ?? []) {
    if (!/\d{20}\.json$/.test(o.Key!)) continue;
    const body = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: o.Key! }));
    const text = await body.Body!.transformToString();
    const version = Number(o.Key!.slice(-25, -5));
    for (const line of text.split('\n').filter(Boolean)) {
      const txn = (JSON.parse(line) as { txn?: { appId: string } }).txn;
      // The remembered deletes' mark is not an upload's txn.
      if (txn && txn.appId !== TOMBSTONE_MARK) out.set(txn.appId, [...(out.get(txn.appId) ?? []), version]);
    }
  }
  return out;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cdc-e2e-'));
  stack = await startLocalStack({ bucket: 'cdc', visibilityTimeoutSeconds: 5, maxReceiveCount: 10 });
  tables.dms = `s3://${stack.bucket}/tables/orders_dms`;
  tables.debezium = `s3://${stack.bucket}/tables/orders_debezium`;
  const ingest = createIngestHandler({
    routes: [
      {
        prefix: `s3://${stack.bucket}/landing/dms/`,
        table: tables.dms,
        cdc: { format: 'dms', keys: ['id'], sequence: 'seq' },
      },
      {
        prefix: `s3://${stack.bucket}/landing/debezium/`,
        table: tables.debezium,
        cdc: { format: 'debezium', keys: ['id'] },
      },
    ],
    storageOptions: { ...stack.env },
    logger: quiet,
    metrics: rec,
  });
  // Every fifth object's message is reported failed once after its commit (a crash between
  // the commit and the SQS delete): SQS delivers it again and the txn must make it a no-op.
  const crashed = new Set<string>();
  const crashy = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const got = (await ingest(event)) as SQSBatchResponse | undefined;
    const res: SQSBatchResponse = { batchItemFailures: [...(got?.batchItemFailures ?? [])] };
    for (const r of event.Records) {
      const key = decodeURIComponent(JSON.parse(r.body).Records[0].s3.object.key as string);
      const n = Number(/(\d+)\.(csv|json|parquet)/.exec(key)?.[1] ?? -1);
      if (n % 5 === 2 && !crashed.has(key)) {
        crashed.add(key);
        res.batchItemFailures.push({ itemIdentifier: r.messageId });
      }
    }
    return res;
  };
  stack.startIngest(crashy, { batchSize: 3, concurrency: 3 });
});

afterAll(async () => {
  await stack?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test(
  'DMS and Debezium change files land exactly once and the tables equal the source of truth',
  { timeout: 120_000 },
  async () => {
    const dms = await dmsUploads();
    const dbz = debeziumUploads();
    // The three oldest files of each stream arrive last; the rest in random order.
    const late = [...dms.slice(0, 3), ...dbz.slice(0, 3)];
    await Promise.all(shuffle([...dms.slice(3), ...dbz.slice(3)], SEED).map(put));
    await stack.idle(90_000);
    await Promise.all(late.map(put));
    // Duplicate notifications of four files, twice each (SQS at-least-once, S3 repeats).
    for (const u of [dms[4]!, dms[7]!, dbz[5]!, dbz[8]!]) {
      const body = stack.lastNotification(u.key)!;
      for (let i = 0; i < 2; i++)
        await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: body }));
    }
    // The same bytes uploaded again: a new upload, applied again, changing nothing.
    await Promise.all([put(dms[1]!), put(dbz[1]!)]);
    await stack.idle(90_000);

    const truth = [...history.truth.values()].sort((a, b) => a.id - b.id);
    expect(truth.length).toBeGreaterThan(200);
    expect(history.changes.filter((c) => c.op === 'D').length).toBeGreaterThan(200);
    expect(await tableRows(tables.dms)).toEqual(truth);
    expect(await tableRows(tables.debezium)).toEqual(truth);
    // Each upload's txn in exactly one commit: files + the one re-upload per table.
    for (const [uri, files] of [
      [tables.dms, dms.length],
      [tables.debezium, dbz.length],
    ] as const) {
      const txns = await txnCommits(uri);
      expect(txns.size).toBe(files + 1);
      expect([...txns.values()].filter((v) => v.length !== 1)).toEqual([]);
    }
    expect(rec.sum('DuplicatesSkipped')).toBeGreaterThanOrEqual(8);
    // The deletes are remembered beside each table, in a Delta table of their own.
    for (const uri of [tables.dms, tables.debezium]) {
      const side = await DeltaTable.open(`${uri}/_cdc_tombstones`, { storageOptions: { ...stack.env } });
      expect((await side.toArrow()).numRows).toBeGreaterThan(100);
    }
    expect(await stack.deadLetters()).toBe(0);
    // The sequence column kept in the DMS table is the newest change of each live row.
    const last = new Map<number, number>();
    for (const c of history.changes) last.set(c.row.id, c.seq);
    const t = await DeltaTable.open(tables.dms, { storageOptions: { ...stack.env } });
    for (const r of (await t.toArrow()).toArray().map((x) => x.toJSON() as Record<string, unknown>))
      expect(r['seq']).toBe(dmsSequence(last.get(Number(r['id']))!));
  },
);
