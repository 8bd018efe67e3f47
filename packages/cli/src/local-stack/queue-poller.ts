/**
 * What Lambda's SQS event source mapping does, for the local stack: long-poll the queue,
 * hand batches to the handler as an SQS event, delete the messages it did not report in
 * `batchItemFailures` (partial batch response), leave the rest to reappear after the
 * visibility timeout. The queue's redrive policy moves poison messages to the DLQ.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** A Lambda handler for SQS events, as the ingest handler is. */
export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  handler: SqsHandler;
  /** Messages per invocation (SQS allows 1-10 per receive). Default 10. */
  batchSize?: number;
  /** Invocations running at once (Lambda's maximum concurrency). Default 2. */
  concurrency?: number;
  /** Called after each invocation (logging). */
  onInvocation?: (info: { records: number; failed: number; ms: number; error?: unknown }) => void;
}

export interface QueuePoller {
  /** Invocations in flight right now. */
  readonly busy: number;
  /**
   * Stops polling at once (a waiting receive is aborted) and resolves when in-flight
   * invocations have finished, or after `graceMs` if given: messages of an invocation cut short
   * stay on the queue and come back after their visibility timeout, as on Lambda.
   */
  stop(graceMs?: number): Promise<void>;
}

function toRecord(m: Message, queueArn: string, region: string): SQSRecord {
  const attrs = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attrs['ApproximateReceiveCount'] ?? '1',
      SentTimestamp: attrs['SentTimestamp'] ?? String(Date.now()),
      SenderId: attrs['SenderId'] ?? 'local',
      ApproximateFirstReceiveTimestamp: attrs['ApproximateFirstReceiveTimestamp'] ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Starts `concurrency` polling loops; each receives a batch, invokes, deletes the successes. */
export function startQueuePoller(opts: QueuePollerOptions): QueuePoller {
  let running = true;
  let busy = 0;
  const abort = new AbortController();
  const loop = async (): Promise<void> => {
    while (running) {
      let messages: Message[];
      try {
        const out = await opts.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: opts.queueUrl,
            MaxNumberOfMessages: opts.batchSize ?? 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        messages = out.Messages ?? [];
      } catch (err) {
        if (!running) return;
        opts.onInvocation?.({ records: 0, failed: 0, ms: 0, error: err });
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (messages.length === 0) continue;
      busy++;
      const started = Date.now();
      let failedIds = new Set<string>(messages.map((m) => m.MessageId ?? ''));
      let error: unknown;
      try {
        const response = await opts.handler({ Records: messages.map((m) => toRecord(m, opts.queueArn, opts.region)) });
        failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (err) {
        error = err; // a thrown handler fails the whole batch, as on Lambda
      }
      const done = messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
      if (done.length > 0) {
        await opts.sqs
          .send(
            new DeleteMessageBatchCommand({
              QueueUrl: opts.queueUrl,
              Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
            }),
          )
          .catch((err: unknown) => (error ??= err));
      }
      busy--;
      opts.onInvocation?.({ records: messages.length, failed: failedIds.size, ms: Date.now() - started, error });
    }
  };
  const loops = Array.from({ length: opts.concurrency ?? 2 }, () => loop());
  return {
    get busy() {
      return busy;
    },
    stop: async (graceMs) => {
      running = false;
      abort.abort();
      const all = Promise.all(loops);
      if (graceMs === undefined) return void (await all);
      await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    },
  };
}
