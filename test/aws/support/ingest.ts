/**
 * Helpers of the ingest handler tests: uploads through the MinIO client (an SDK independent of
 * the engine's), the S3 notification records and SQS events S3 and Lambda would send, and a
 * logger/metrics double that records what the handler reported.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { IngestLogger, IngestMetrics } from '@delta-serverless/lambda';
import { objectCreatedRecord } from '@delta-serverless/cli/local-stack';
import { minio, s3Config } from '../../services/index.js';

export class Recorder implements IngestLogger, IngestMetrics {
  readonly logs: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  readonly metrics: { name: string; value: number }[] = [];
  debug = (message: string, extra: Record<string, unknown>) => void this.logs.push({ level: 'debug', message, extra });
  info = (message: string, extra: Record<string, unknown>) => void this.logs.push({ level: 'info', message, extra });
  warn = (message: string, extra: Record<string, unknown>) => void this.logs.push({ level: 'warn', message, extra });
  error = (message: string, extra: Record<string, unknown>) => void this.logs.push({ level: 'error', message, extra });
  addMetric(name: string, _unit: unknown, value: number): void {
    this.metrics.push({ name, value });
  }
  publishStoredMetrics(): void {}
  sum(name: string): number {
    return this.metrics.filter((m) => m.name === name).reduce((n, m) => n + m.value, 0);
  }
}

export interface Uploaded {
  bucket: string;
  key: string;
  eTag: string;
  size: number;
  /** S3's id of this write in its notifications: fixed at upload, repeated by every redelivery. */
  sequencer: string;
}

let uploads = 0;
/** A sequencer for one write, as S3 hands out: unique, growing. */
export const nextSequencer = (): string => (++uploads).toString(16).toUpperCase().padStart(16, '0');

let s3: S3Client | undefined;
/** The engine-independent view of an object's ETag. */
export async function eTagOf(bucket: string, key: string): Promise<string> {
  s3 ??= new S3Client(s3Config());
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return head.ETag!.replace(/"/g, '');
}

/** Upload with one PUT (MinIO client) and describe the write as its S3 event would. */
export async function upload(bucket: string, key: string, body: Uint8Array | string): Promise<Uploaded> {
  const buf = Buffer.from(body);
  await minio().putObject(bucket, key, buf, buf.length);
  return { bucket, key, eTag: await eTagOf(bucket, key), size: buf.length, sequencer: nextSequencer() };
}

/** The body S3 sends to SQS for these writes (keys form-encoded), built by the local stack's emulation. */
export const notification = (objs: Uploaded[], extra: { eventTime?: string } = {}): string =>
  JSON.stringify({ Records: objs.map((o) => ({ ...objectCreatedRecord(o), ...extra })) });

let msgCounter = 0;
/** An SQS event with one message per body; returns it with the messageIds. */
export function sqsEvent(bodies: string[]): { event: unknown; ids: string[] } {
  const ids = bodies.map(() => `msg-${++msgCounter}`);
  return {
    ids,
    event: {
      Records: bodies.map((body, i) => ({
        messageId: ids[i],
        receiptHandle: `rh-${ids[i]}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDA',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ingest',
        awsRegion: 'us-east-1',
      })),
    },
  };
}

/** The messageIds a partial-batch response reports as failed. */
export const failures = (res: unknown): string[] =>
  ((res as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures ?? []).map((f) => f.itemIdentifier);

/** A CSV object of `n` rows with ids from `from`. */
export const csv = (from: number, n: number): string =>
  'id,name,amount\n' + Array.from({ length: n }, (_, i) => `${from + i},n${from + i},${from + i}.5`).join('\n') + '\n';
