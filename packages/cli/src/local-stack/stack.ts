/**
 * The local stack: the serverless pipeline on one machine. Embedded S3 + SQS + DynamoDB on
 * 127.0.0.1, a bucket with a landing prefix and a tables prefix, the ingest queue with its
 * DLQ, the lock table, S3 notifications -> queue (emulated: fauxqs has none), the ingest
 * handler fed by a queue poller as Lambda's event source mapping would, and the maintenance
 * handler on a timer. Handlers are passed in, so the same stack runs the real handlers
 * (`dev`, `demo`) and test doubles.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createLockTable, createClients, resolveAwsConfig } from '@delta-serverless/aws';
import { startEmulators, type Emulators, type S3NotificationRecord } from './emulators/index.js';
import { counted } from '../output/format.js';
import { lockDataDir } from './data-dir.js';
import { startQueuePoller, type QueuePoller, type SqsHandler } from './queue-poller.js';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'localsecret' } as const;
export const LOCAL_REGION = 'us-east-1';

export interface LocalStackOptions {
  /** The one bucket (landing/ and tables/ prefixes). Default `delta-local`. */
  bucket?: string;
  /** Uploads under this prefix are announced to the queue. Default `landing/`. */
  landingPrefix?: string;
  queueName?: string;
  lockTable?: string;
  /** Seconds before a failed message is delivered again. Default 2 (Lambda: 6x the timeout). */
  visibilityTimeoutSeconds?: number;
  /** Deliveries before a message moves to the DLQ. Default 3. */
  maxReceiveCount?: number;
  /** Log lines of the stack (invocations, notifications). */
  log?: (line: string) => void;
  /**
   * Keep objects, queued messages and DynamoDB items in this directory across restarts
   * (default: in memory). One stack at a time per directory.
   */
  dataDir?: string;
  /** S3 + SQS port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** DynamoDB port on 127.0.0.1 (default: a free one). */
  dynamoPort?: number;
}

/** Endpoints and names of a running stack, and the environment that points the AWS SDK at it. */
export interface LocalStack {
  bucket: string;
  landingPrefix: string;
  tablesPrefix: string;
  queueUrl: string;
  dlqUrl: string;
  lockTable: string;
  emulators: Emulators;
  /** AWS_* variables (endpoints, region, credentials) and the lock-table settings. */
  env: Record<string, string>;
  s3: S3Client;
  sqs: SQSClient;
  /** Starts feeding the queue to an SQS handler (the ingest handler). */
  startIngest(handler: SqsHandler, options?: { batchSize?: number; concurrency?: number }): void;
  /** Runs `task` every `intervalMs` (the scheduled maintenance), one run at a time. */
  startSchedule(task: () => Promise<unknown>, intervalMs: number): void;
  /** Resolves when notifications are delivered, the queue is empty and no invocation runs. */
  idle(timeoutMs?: number): Promise<void>;
  /** Messages waiting in the DLQ. */
  deadLetters(): Promise<number>;
  /** The body of the last notification sent for `key` (to deliver it again, as SQS may). */
  lastNotification(key: string): string | undefined;
  /** Objects and queued messages found in the data directory at start. */
  restored: { objects: number; messages: number };
  /**
   * Stops the pollers and the schedule and closes the emulators. Invocations in flight are
   * waited for, or for `graceMs` at most (their messages come back after a restart).
   */
  stop(graceMs?: number): Promise<void>;
}

async function queueCounts(sqs: SQSClient, url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const a = out.Attributes ?? {};
  return Number(a['ApproximateNumberOfMessages'] ?? 0) + Number(a['ApproximateNumberOfMessagesNotVisible'] ?? 0);
}

/** Starts the emulators and creates the bucket, queues and lock table (~0.5 s). */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const bucket = options.bucket ?? 'delta-local';
  const landingPrefix = options.landingPrefix ?? 'landing/';
  const lockTable = options.lockTable ?? 'delta_log';
  const log = options.log ?? (() => undefined);
  const notifications = new Notifications(bucket, landingPrefix, log);
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  let emulators: Emulators;
  try {
    emulators = await startEmulators({
      region: LOCAL_REGION,
      dataDir: options.dataDir,
      port: options.port,
      dynamoPort: options.dynamoPort,
      onObjectCreated: (record) => notifications.onObjectCreated(record),
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
    AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_S3_LOCKING_PROVIDER: 'dynamodb',
    DELTA_DYNAMO_TABLE_NAME: lockTable,
  };
  const client = { region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
  const s3 = new S3Client({ ...client, endpoint: emulators.s3Endpoint, forcePathStyle: true });
  const sqs = new SQSClient({ ...client, endpoint: emulators.sqsEndpoint });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const queues = await createQueues(sqs, options.queueName ?? 'delta-ingest', options);
    await createLockTable(await clientsFor(env).dynamo(), lockTable);
    const restored = { objects: emulators.objectsLoaded, messages: emulators.restoreQueues() };
    notifications.deliver = async (record) => {
      const body = JSON.stringify({ Records: [record] });
      notifications.sent.set(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')), body);
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: body }));
    };
    return new RunningStack(
      { bucket, landingPrefix, lockTable, emulators, env, s3, sqs, ...queues, restored, unlock },
      notifications,
      log,
    );
  } catch (err) {
    await emulators.stop();
    unlock();
    throw err;
  }
}

/** The ingest queue with its DLQ (redrive after `maxReceiveCount` deliveries). */
async function createQueues(
  sqs: SQSClient,
  queueName: string,
  options: LocalStackOptions,
): Promise<{ queueUrl: string; queueArn: string; dlqUrl: string }> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${queueName}-dlq` }));
  const dlqArn = `arn:aws:sqs:${LOCAL_REGION}:000000000000:${queueName}-dlq`;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: queueName,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 2),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 3 }),
      },
    }),
  );
  return {
    queueUrl: queue.QueueUrl!,
    queueArn: `arn:aws:sqs:${LOCAL_REGION}:000000000000:${queueName}`,
    dlqUrl: dlq.QueueUrl!,
  };
}

/** AWS clients for the stack's endpoints (the lock table is created with them). */
function clientsFor(env: Record<string, string>): ReturnType<typeof createClients> {
  return createClients(
    resolveAwsConfig({
      AWS_ENDPOINT_URL_S3: env['AWS_ENDPOINT_URL_S3']!,
      AWS_ENDPOINT_URL_DYNAMODB: env['AWS_ENDPOINT_URL_DYNAMODB']!,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    }),
  );
}

/** S3 notifications of uploads under the landing prefix, sent to the queue (tracked until sent). */
class Notifications {
  /** Notifications arrive before the queue exists only if someone uploads during start-up. */
  deliver: (record: S3NotificationRecord) => Promise<void> = async () => undefined;
  readonly pending = new Set<Promise<void>>();
  /** The body of the last notification sent per key. */
  readonly sent = new Map<string, string>();

  constructor(
    private readonly bucket: string,
    private readonly landingPrefix: string,
    private readonly log: (line: string) => void,
  ) {}

  onObjectCreated(record: S3NotificationRecord): void {
    if (record.s3.bucket.name !== this.bucket) return;
    if (!decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')).startsWith(this.landingPrefix)) return;
    const p = this.deliver(record)
      .catch((err: unknown) => this.log(`notification for ${record.s3.object.key} not delivered: ${String(err)}`))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}

type StackParts = Pick<
  LocalStack,
  'bucket' | 'landingPrefix' | 'lockTable' | 'emulators' | 'env' | 's3' | 'sqs' | 'queueUrl' | 'dlqUrl' | 'restored'
> & { queueArn: string; unlock: () => void };

class RunningStack implements LocalStack {
  readonly bucket: string;
  readonly landingPrefix: string;
  readonly tablesPrefix = 'tables/';
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly lockTable: string;
  readonly emulators: Emulators;
  readonly env: Record<string, string>;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly restored: { objects: number; messages: number };
  private readonly queueArn: string;
  private readonly unlock: () => void;
  private readonly pollers: QueuePoller[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly scheduled = new Set<Promise<unknown>>();

  constructor(
    parts: StackParts,
    private readonly notifications: Notifications,
    private readonly log: (line: string) => void,
  ) {
    this.bucket = parts.bucket;
    this.landingPrefix = parts.landingPrefix;
    this.queueUrl = parts.queueUrl;
    this.dlqUrl = parts.dlqUrl;
    this.lockTable = parts.lockTable;
    this.emulators = parts.emulators;
    this.env = parts.env;
    this.s3 = parts.s3;
    this.sqs = parts.sqs;
    this.queueArn = parts.queueArn;
    this.restored = parts.restored;
    this.unlock = parts.unlock;
  }

  startIngest(handler: SqsHandler, opts: { batchSize?: number; concurrency?: number } = {}): void {
    const log = this.log;
    this.pollers.push(
      startQueuePoller({
        sqs: this.sqs,
        queueUrl: this.queueUrl,
        queueArn: this.queueArn,
        region: LOCAL_REGION,
        handler,
        ...opts,
        onInvocation: (i) =>
          log(
            i.error
              ? `ingest: ${counted(i.records, 'record')}, handler failed: ${i.error instanceof Error ? i.error.message : String(i.error)}`
              : `ingest: ${counted(i.records, 'record')}, ${i.failed} failed (${i.ms} ms)`,
          ),
      }),
    );
  }

  startSchedule(task: () => Promise<unknown>, intervalMs: number): void {
    let running = false;
    this.timers.push(
      setInterval(() => {
        if (running) return; // one run at a time, as EventBridge Scheduler rarely overlaps
        running = true;
        const p = task()
          .catch((err: unknown) =>
            this.log(`scheduled task failed: ${err instanceof Error ? err.message : String(err)}`),
          )
          .finally(() => {
            running = false;
            this.scheduled.delete(p);
          });
        this.scheduled.add(p);
      }, intervalMs),
    );
  }

  async idle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = this.notifications.pending;
    for (;;) {
      await Promise.all([...pending]);
      const waiting = await queueCounts(this.sqs, this.queueUrl);
      if (waiting === 0 && pending.size === 0 && this.pollers.every((p) => p.busy === 0)) return;
      if (Date.now() > deadline)
        throw new Error(`local stack not idle after ${timeoutMs} ms: ${waiting} messages queued`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  deadLetters(): Promise<number> {
    return queueCounts(this.sqs, this.dlqUrl);
  }

  lastNotification(key: string): string | undefined {
    return this.notifications.sent.get(key);
  }

  async stop(graceMs?: number): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    const running = Promise.all([...this.pollers.map((p) => p.stop(graceMs)), ...this.scheduled]);
    if (graceMs === undefined) await running;
    else await Promise.race([running, new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.s3.destroy();
    this.sqs.destroy();
    await this.emulators.stop();
    this.unlock();
  }
}
