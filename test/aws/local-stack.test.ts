/**
 * The local stack's plumbing with a recording handler: an upload under the landing prefix
 * becomes an S3 notification on the queue, the poller invokes the handler with a Lambda-shaped
 * SQS event, a partial batch failure is redelivered and then dead-lettered, and uploads
 * outside the prefix are not announced.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLocalStack, type LocalStack } from '@delta-serverless/cli/local-stack';

let stack: LocalStack;
const events: SQSEvent[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ bucket: 'ls-test', visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
  stack.startIngest(async (event) => {
    events.push(event);
    const failures = event.Records.filter((r) => r.body.includes('poison')).map((r) => ({
      itemIdentifier: r.messageId,
    }));
    return { batchItemFailures: failures };
  });
});

afterAll(async () => {
  await stack?.stop();
});

test('uploads become notifications, partial failures are redelivered then dead-lettered', async () => {
  const put = (key: string) => stack.s3.send(new PutObjectCommand({ Bucket: 'ls-test', Key: key, Body: 'x' }));
  await put('landing/a b+c.csv');
  await put('landing/poison.csv');
  await put('elsewhere/ignored.csv');
  await stack.idle(30_000);

  const bodies = events.flatMap((e) =>
    e.Records.map(
      (r) => JSON.parse(r.body) as { Records: { s3: { object: { key: string; size: number } }; eventName: string }[] },
    ),
  );
  const keys = bodies.map((b) => b.Records[0]!.s3.object.key);
  // S3 form-encodes keys in notifications: a space is '+', a '+' is '%2B'.
  expect(keys.filter((k) => k === 'landing/a+b%2Bc.csv')).toHaveLength(1);
  // The poison message: first delivery + one redelivery (maxReceiveCount 2), then the DLQ.
  expect(keys.filter((k) => k === 'landing/poison.csv')).toHaveLength(2);
  expect(keys.some((k) => k.startsWith('elsewhere/'))).toBe(false);
  expect(bodies[0]!.Records[0]!.eventName).toBe('ObjectCreated:Put');
  expect(events[0]!.Records[0]!.eventSource).toBe('aws:sqs');
  expect(await stack.deadLetters()).toBe(1);
});
