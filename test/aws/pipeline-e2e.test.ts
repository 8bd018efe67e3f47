/**
 * The whole pipeline on the local stack (real HTTP to the embedded emulators): uploads ->
 * emulated S3 notifications -> SQS -> three concurrent pollers running the real ingest
 * handler -> Delta commits; redelivered notifications are committed once, the same bytes
 * uploaded again are a new upload (ingested again), a poison object ends in the DLQ while the
 * rest commits, and the maintenance handler compacts and vacuums.
 * Also runs the `demo` command (the README's first command) and checks what it reports.
 */
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { createIngestHandler, createMaintenanceHandler } from '@delta-serverless/lambda';
import { startLocalStack, type LocalStack } from '@delta-serverless/cli/local-stack';
import { demoCommand } from '../../packages/cli/src/commands/demo.js';
import { assertValidStoreTable } from '../support/validate-store.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const noMetrics = { addMetric() {}, publishStoredMetrics() {} };

let stack: LocalStack;
let table = '';
const storageOptions = () => ({ ...stack.env });

function lines(start: number, n: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ id: start + i, src: `f${start}` })).join('\n');
}

async function put(key: string, body: string | Uint8Array): Promise<void> {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `landing/events/${key}`, Body: body }));
}

/** The table's ids, after the independent validator has checked it (read through the table's S3 store). */
async function ids(): Promise<number[]> {
  const t = await DeltaTable.open(table, { storageOptions: storageOptions() });
  await assertValidStoreTable(t.store);
  const out: number[] = [];
  for (const b of (await t.toArrow({ columns: ['id'] })).batches)
    for (const v of b.getChild('id')!) out.push(Number(v));
  return out.sort((a, b) => a - b);
}

beforeAll(async () => {
  stack = await startLocalStack({ bucket: 'e2e', visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
  table = `s3://${stack.bucket}/tables/events`;
  const ingest = createIngestHandler({
    routes: [{ prefix: `s3://${stack.bucket}/landing/events/`, table }],
    storageOptions: storageOptions(),
    logger: quiet,
    metrics: noMetrics,
  });
  // Three pollers = three concurrent Lambda invocations on one table; small batches so they race.
  stack.startIngest(ingest, { batchSize: 3, concurrency: 3 });
});

afterAll(async () => {
  await stack?.stop();
});

test('uploads land exactly once under concurrency, duplicates and redeliveries included; a poison object goes to the DLQ', async () => {
  await put('seed.ndjson', lines(0, 10));
  await stack.idle(30_000); // the first object creates the table
  const uploads: Promise<void>[] = [];
  for (let f = 1; f <= 30; f++) {
    const body = lines(f * 100, 10);
    uploads.push(put(`f${f}.ndjson${f % 3 === 0 ? '.gz' : ''}`, f % 3 === 0 ? gzipSync(body) : body));
  }
  uploads.push(put('poison.ndjson.gz', 'not gzip at all'));
  await Promise.all(uploads);
  // The same bytes uploaded again: a new upload (its own S3 event), ingested again.
  await put('f1.ndjson', lines(100, 10));
  // f2's notification delivered twice more, as SQS may: committed once.
  await stack.idle(60_000);
  const redelivery = stack.lastNotification('landing/events/f2.ndjson')!;
  for (let i = 0; i < 2; i++) {
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: redelivery }));
  }
  await stack.idle(60_000);

  const expected = [...Array.from({ length: 10 }, (_, i) => i)];
  for (let f = 1; f <= 30; f++) for (let i = 0; i < 10; i++) expected.push(f * 100 + i);
  for (let i = 0; i < 10; i++) expected.push(100 + i); // f1's second upload
  expect(await ids()).toEqual(expected.sort((a, b) => a - b));
  expect(await stack.deadLetters()).toBe(1);
  // One txn per upload: 32 uploads (31 objects, f1 twice), no more.
  const t = await DeltaTable.open(table, { storageOptions: storageOptions() });
  const txns = t.snapshot.state.txns.size;
  expect(txns).toBe(32);
});

test('the maintenance handler compacts the small files and vacuums them', async () => {
  const before = await ids();
  const filesBefore = (await DeltaTable.open(table, { storageOptions: storageOptions() })).snapshot.numFiles;
  expect(filesBefore).toBeGreaterThan(10);
  const later = Date.now() + 8 * 24 * 3600_000;
  const maintenance = createMaintenanceHandler({
    tables: [table],
    storageOptions: storageOptions(),
    minStepMs: 0,
    now: () => later,
    logger: quiet,
    metrics: noMetrics,
  });
  const report = await maintenance({});
  expect(report.tables[0]!.status).toBe('ok');
  const t = await DeltaTable.open(table, { storageOptions: storageOptions() });
  expect(t.snapshot.numFiles).toBe(1);
  expect(await ids()).toEqual(before);
  const vacuumStep = report.tables[0]!.steps.find((s) => s.step === 'vacuum')!;
  expect(vacuumStep.metrics?.['numFilesDeleted']).toBe(filesBefore);
  expect((await t.history({ limit: 3 })).map((h) => h.operation)).toEqual(['VACUUM END', 'VACUUM START', 'OPTIMIZE']);
});

test('the demo runs end to end and reports exactly-once ingestion', { timeout: 120_000 }, async () => {
  let output = '';
  await demoCommand({}, (s) => (output += s));
  expect(output).toMatch(
    /rows before 2000, after 2000; versions before (\d+), after \1 \(exactly once: both skipped\)/,
  );
  expect(output).toContain('dead-letter queue: 1 message(s)');
  expect(output).toMatch(/optimize\s+committed version/);
  expect(output).toContain('would delete');
});
