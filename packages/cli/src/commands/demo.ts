/**
 * `demo`: the serverless pipeline end to end on this machine, no setup beyond install. It
 * starts the local stack (embedded S3 + SQS + DynamoDB), runs the real ingest handler on the
 * queue, uploads a series of files — CSV, NDJSON, gzip, one uploaded twice, one redelivered by
 * SQS, one corrupt, one with a new column — then shows the commits, a filtered query, time
 * travel, the maintenance handler's OPTIMIZE and a VACUUM dry run, and stops.
 */
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DeltaTable } from '@delta-serverless/core';
import { createIngestHandler, createMaintenanceHandler } from '@delta-serverless/lambda';
import { startLocalStack, type LocalStack } from '../local-stack/index.js';
import { describeCommand } from './describe.js';
import { historyCommand } from './history.js';
import { scanCommand } from './scan.js';
import { vacuumCommand } from './vacuum.js';

export interface DemoOptions {
  /** Print the stack's own log lines (invocations, notifications). */
  verbose?: boolean;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const noMetrics = { addMetric() {}, publishStoredMetrics() {} };

function ndjson(day: string, start: number, n: number, extra?: (i: number) => Record<string, unknown>): string {
  const countries = ['NZ', 'AU', 'US', 'DE'];
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    return JSON.stringify({ id: i, day, country: countries[i % 4], amount: ((i * 37) % 1000) / 10, ...extra?.(i) });
  }).join('\n');
}

function csv(day: string, start: number, n: number): string {
  const countries = ['NZ', 'AU', 'US', 'DE'];
  const lines = Array.from({ length: n }, (_, k) => {
    const i = start + k;
    return `${i},${day},${countries[i % 4]},${((i * 37) % 1000) / 10}`;
  });
  return ['id,day,country,amount', ...lines].join('\n');
}

async function upload(s3: S3Client, stack: LocalStack, key: string, body: string | Uint8Array): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `${stack.landingPrefix}${key}`, Body: body }));
}

interface Demo {
  stack: LocalStack;
  table: string;
  out: (s: string) => void;
  step: (title: string) => void;
}

export async function demoCommand(opts: DemoOptions, out: (s: string) => void): Promise<void> {
  const started = Date.now();
  // The demo runs on Node 20 too; keep the AWS SDK's Node 22 notice out of its output.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const step = (title: string) => out(`\n== ${title}\n`);
  step('start the local stack: embedded S3 + SQS + DynamoDB on 127.0.0.1');
  const stack = await startLocalStack({
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: 2,
    log: opts.verbose ? (l) => out(`   [stack] ${l}\n`) : undefined,
  });
  // Every command below (and the handlers) reaches the stack through the standard variables.
  const savedEnv = { ...process.env };
  Object.assign(process.env, stack.env);
  const demo: Demo = { stack, table: `s3://${stack.bucket}/tables/sales`, out, step };
  try {
    out(`S3 + SQS ${stack.emulators.s3Endpoint}, DynamoDB ${stack.emulators.dynamoEndpoint}\n`);
    out(`bucket ${stack.bucket}, queue ${stack.queueUrl}, lock table ${stack.lockTable}\n`);
    await ingestUploads(demo);
    const rows = await duplicates(demo);
    await queries(demo, rows);
    await maintenance(demo);
    out(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  } finally {
    for (const k of Object.keys(stack.env)) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    await stack.stop();
  }
}

/** Start the ingest handler on the stack's queue and upload six files (one corrupt). */
async function ingestUploads({ stack, table, out, step }: Demo): Promise<void> {
  const ingest = createIngestHandler({
    routes: [
      {
        prefix: `s3://${stack.bucket}/${stack.landingPrefix}sales/`,
        table,
        partitionBy: ['day'],
        schemaMode: 'merge',
      },
    ],
    logger: quiet,
    metrics: noMetrics,
  });
  stack.startIngest(ingest, { batchSize: 10, concurrency: 2 });

  step('upload 6 files to s3://delta-local/landing/sales/ (S3 -> SQS -> ingest handler -> Delta commit)');
  const s3 = stack.s3;
  await upload(s3, stack, 'sales/2026-11-01.csv', csv('2026-11-01', 0, 500));
  await stack.idle(30_000); // the first file creates the table; later files are read with its schema
  await upload(s3, stack, 'sales/2026-11-02.ndjson', ndjson('2026-11-02', 500, 500));
  await upload(s3, stack, 'sales/2026-11-03.ndjson.gz', gzipSync(ndjson('2026-11-03', 1000, 500)));
  await upload(s3, stack, 'sales/2026-11-01 again.csv', csv('2026-11-01', 1500, 200));
  await upload(s3, stack, 'sales/broken.ndjson.gz', new TextEncoder().encode('this is not gzip'));
  await upload(
    s3,
    stack,
    'sales/2026-11-04 with channel.ndjson',
    ndjson('2026-11-04', 1700, 300, (i) => ({ channel: i % 2 ? 'web' : 'store' })),
  );
  await stack.idle(30_000);
  out('uploaded 2026-11-01.csv, 2026-11-02.ndjson, 2026-11-03.ndjson.gz, "2026-11-01 again.csv",\n');
  out('         broken.ndjson.gz (corrupt), "2026-11-04 with channel.ndjson" (a new column)\n');
}

/** Two old notifications delivered again (SQS delivers at least once): nothing is committed twice. Returns the rows. */
async function duplicates({ stack, table, out, step }: Demo): Promise<number> {
  step('duplicates: two old notifications delivered again (SQS delivers at least once)');
  const t = await DeltaTable.open(table);
  const before = t.version;
  const rowsBefore = (await t.toArrow({ columns: ['id'] })).numRows;
  for (const key of ['sales/2026-11-01.csv', 'sales/2026-11-02.ndjson']) {
    const body = stack.lastNotification(`${stack.landingPrefix}${key}`)!;
    await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: body }));
  }
  await stack.idle(30_000);
  await t.refresh();
  const rowsAfter = (await t.toArrow({ columns: ['id'] })).numRows;
  out(`rows before ${rowsBefore}, after ${rowsAfter}; versions before ${before}, after ${t.version}`);
  out(rowsAfter === rowsBefore ? ' (exactly once: both skipped)\n' : ' (UNEXPECTED: duplicates were written)\n');
  out(`dead-letter queue: ${await stack.deadLetters()} message(s) (broken.ndjson.gz, after 2 deliveries)\n`);
  return rowsAfter;
}

/** describe, history, a filtered scan with partition pruning, time travel. */
async function queries({ table, out, step }: Demo, rows: number): Promise<void> {
  const t = await DeltaTable.open(table);
  step(`describe ${table}`);
  await describeCommand(table, {}, out);
  step('history');
  await historyCommand(table, {}, out);
  step(`scan --where "country = 'NZ' AND amount > 95" --columns id,day,amount,channel`);
  await scanCommand(
    table,
    { format: 'table', where: "country = 'NZ' AND amount > 95", columns: 'id,day,amount,channel', limit: '6' },
    out,
  );
  const pruned = t.scan({ filter: "day = '2026-11-03'" });
  const n = (await pruned.toArrow()).numRows;
  out(`day = '2026-11-03': ${n} rows, read ${pruned.metrics!.filesRead} of ${pruned.metrics!.filesInSnapshot} files\n`);

  step('time travel: version 1 vs latest');
  const v1 = await t.toArrow({ version: 1, columns: ['id'] });
  out(`version 1 has ${v1.numRows} rows; version ${t.version} has ${rows}\n`);
}

/** The maintenance handler (checkpoint, OPTIMIZE, log cleanup), then a VACUUM dry run. */
async function maintenance({ table, out, step }: Demo): Promise<void> {
  step('maintenance handler: checkpoint if due, OPTIMIZE (bin-packing), log cleanup');
  const t = await DeltaTable.open(table);
  const filesBefore = t.snapshot.numFiles;
  const handler = createMaintenanceHandler({
    tables: [{ table, optimize: { minFilesPerBin: 2 }, vacuum: false }],
    minStepMs: 0,
    logger: quiet,
    metrics: noMetrics,
  });
  const report = await handler({});
  for (const s of report.tables[0]!.steps) out(`${s.step.padEnd(12)} ${s.outcome} (${s.ms} ms)\n`);
  out(
    `files: ${filesBefore} before, ${(await t.refresh()).numFiles} after; rows still ${(await t.toArrow({ columns: ['id'] })).numRows}\n`,
  );

  step('vacuum --dry-run --retain 0h --force (what VACUUM would delete now)');
  await vacuumCommand(table, { dryRun: true, retain: '0h', force: true }, out, false);
}
