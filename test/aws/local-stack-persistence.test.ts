/**
 * The local stack with a data directory, as `dev` runs it: objects (with their ETags and
 * times), queued messages and DynamoDB lock items survive a stop and a start on the same
 * directory; one stack at a time per directory. And `dev` itself in a child process: fixed
 * ports, state kept across a restart, Ctrl-C stops at once and says so, JSON logs off a terminal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import '@delta-serverless/aws';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalStack } from '@delta-serverless/cli/local-stack';
import { freePort } from '../services/net.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-dev-'));
  temps.push(d);
  return d;
}

async function lockItems(endpoint: string): Promise<number> {
  const ddb = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } });
  try {
    return (await ddb.send(new ScanCommand({ TableName: 'delta_log' }))).Count ?? 0;
  } finally {
    ddb.destroy();
  }
}

describe('startLocalStack({ dataDir })', () => {
  test('objects, queued messages and lock items are back after a restart', async () => {
    const dataDir = tempDir();
    const first = await startLocalStack({ dataDir, bucket: 'keep' });
    const table = 's3://keep/tables/t';
    const storageOptions = first.env;
    await writeDeltaTable(table, arrow.tableFromArrays({ id: Int32Array.from([1, 2, 3]) }), { storageOptions });
    await writeDeltaTable(table, arrow.tableFromArrays({ id: Int32Array.from([4]) }), { storageOptions });
    await first.s3.send(new PutObjectCommand({ Bucket: 'keep', Key: 'other/a b.txt', Body: 'hello' }));
    const head = await first.s3.send(new HeadObjectCommand({ Bucket: 'keep', Key: 'other/a b.txt' }));
    // A message nobody consumed before the stop (no poller runs on this stack).
    await first.sqs.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: 'waiting' }));
    const items = await lockItems(first.emulators.dynamoEndpoint);
    expect(items).toBeGreaterThanOrEqual(2);
    await first.stop();

    const second = await startLocalStack({ dataDir, bucket: 'keep' });
    try {
      expect(second.restored.messages).toBe(1);
      expect(second.restored.objects).toBeGreaterThanOrEqual(5);
      const t = await DeltaTable.open(table, { storageOptions: second.env });
      expect(t.version).toBe(1);
      expect((await t.toArrow()).numRows).toBe(4);
      const again = await second.s3.send(new HeadObjectCommand({ Bucket: 'keep', Key: 'other/a b.txt' }));
      expect(again.ETag).toBe(head.ETag);
      expect(again.LastModified?.getTime()).toBe(head.LastModified?.getTime());
      const body = await second.s3.send(new GetObjectCommand({ Bucket: 'keep', Key: 'other/a b.txt' }));
      expect(await body.Body!.transformToString()).toBe('hello');
      expect(await lockItems(second.emulators.dynamoEndpoint)).toBe(items);
      // The waiting message is delivered to the ingest handler of the new stack.
      const seen: SQSEvent[] = [];
      second.startIngest(async (e) => void seen.push(e));
      await second.idle(30_000);
      expect(seen.flatMap((e) => e.Records.map((r) => r.body))).toEqual(['waiting']);
      // A second stack on the same directory is refused while this one runs.
      await expect(startLocalStack({ dataDir })).rejects.toThrow(/in use by another local stack \(process \d+\)/);
    } finally {
      await second.stop();
    }
    // Without a data directory nothing is kept (a fresh stack on free ports).
    const memory = await startLocalStack({ bucket: 'keep' });
    try {
      await expect(DeltaTable.open(table, { storageOptions: memory.env })).rejects.toThrow(/no Delta table/);
    } finally {
      await memory.stop();
    }
  });
});

/** `dev` from the sources, as a user runs it (stdout not a terminal: JSON log lines). */
function startDev(dir: string, port: number, dynamoPort: number): { child: ChildProcess; output: () => string } {
  const env = { ...process.env };
  delete env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      import.meta.resolve('tsx'),
      path.join(REPO, 'packages/cli/src/bin.ts'),
      'dev',
      '--port',
      String(port),
      '--dynamodb-port',
      String(dynamoPort),
      '--maintenance-every',
      '1s',
    ],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function interrupt(dev: {
  child: ChildProcess;
  output: () => string;
}): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => dev.child.once('exit', (code) => resolve(code)));
  dev.child.kill('SIGINT');
  const code = await exited;
  return { code, ms: Date.now() - started };
}

describe('dev', () => {
  test('keeps its state in .delta-serverless/ across a restart, stops at Ctrl-C and says so', async () => {
    const dir = tempDir();
    const [port, dynamoPort] = [await freePort(), await freePort()];
    const endpoint = `http://127.0.0.1:${port}`;
    const env = {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamoPort}`,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_S3_LOCKING_PROVIDER: 'dynamodb',
    };
    const dev = startDev(dir, port, dynamoPort);
    await until('dev to start', () => dev.output().includes('Ctrl-C stops.'));
    // The printed exports name the fixed ports.
    expect(dev.output()).toContain(`export AWS_ENDPOINT_URL_S3=${endpoint}\n`);
    const s3 = new S3Client({
      endpoint,
      region: LOCAL_REGION,
      forcePathStyle: true,
      credentials: { ...LOCAL_CREDENTIALS },
    });
    await s3.send(
      new PutObjectCommand({ Bucket: 'delta-local', Key: 'landing/events/a.csv', Body: 'id,n\n1,x\n2,y\n' }),
    );
    const table = 's3://delta-local/tables/events';
    await until('the upload to be committed', async () => {
      try {
        return (await DeltaTable.open(table, { storageOptions: env })).version === 0;
      } catch {
        return false;
      }
    });
    s3.destroy();
    const stop = await interrupt(dev);
    expect(stop.code).toBe(0);
    const out = dev.output();
    // A handler still finishing may log between the two lines; the last line says it stopped.
    expect(out).toContain('\nstopping (Ctrl-C again to stop at once)...\n');
    expect(out).toMatch(/\nstopped in (\d+) ms; state kept in .*\.delta-serverless\n$/);
    expect(out.indexOf('\nstopping (')).toBeLessThan(out.lastIndexOf('\nstopped in '));
    expect(Number(/stopped in (\d+) ms/.exec(out)![1])).toBeLessThan(1000);
    // Off a terminal, log lines are JSON; a commit is logged with its table and version.
    const logs = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; message: string; service: string; version?: number });
    expect(logs.some((l) => l.service === 'ingest' && l.message === 'committed' && l.version === 0)).toBe(true);
    // The AWS SDK's Node version notice is not printed.
    expect(out).not.toContain('NodeVersionSupportWarning');
    expect(fs.existsSync(path.join(dir, '.delta-serverless', 's3'))).toBe(true);

    const again = startDev(dir, port, dynamoPort);
    try {
      await until('dev to start again', () => again.output().includes('Ctrl-C stops.'));
      expect(again.output()).toMatch(/found \d+ objects, 0 queued messages/);
      const t = await DeltaTable.open(table, { storageOptions: env });
      expect(t.version).toBe(0);
      expect((await t.toArrow()).numRows).toBe(2);
    } finally {
      expect((await interrupt(again)).code).toBe(0);
    }
  });
});
