/**
 * Ingest benchmarks: small NDJSON objects and the SQS events S3 notifications produce for
 * them (one message per object, keys form-encoded), shared by cold-start and ingest-throughput.
 */

/** An uploaded object version, as a notification names it. */
export interface LandedObject {
  bucket: string;
  key: string;
  eTag: string;
  size: number;
}

/** `rows` NDJSON lines with ids from `first`: id int, ts ISO string, kind string, value double. */
export function ndjson(first: number, rows: number): string {
  const kinds = ['click', 'view', 'buy', 'scroll'];
  let out = '';
  for (let i = first; i < first + rows; i++) {
    const ts = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
    out += `{"id":${i},"ts":"${ts}","kind":"${kinds[i % 4]}","value":${(i % 1000) / 10}}\n`;
  }
  return out;
}

const formEncode = (key: string) =>
  key
    .split('/')
    .map((p) => encodeURIComponent(p).replace(/%20/g, '+'))
    .join('/');

/** The S3 notification body S3 sends to SQS for one ObjectCreated:Put. */
function notification(o: LandedObject): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: o.bucket, arn: `arn:aws:s3:::${o.bucket}` },
          object: { key: formEncode(o.key), size: o.size, eTag: o.eTag, sequencer: '0A1B2C3D4E5F678901' },
        },
      },
    ],
  });
}

let counter = 0;

/** An SQS event (Lambda event source mapping shape) with one message per object. */
export function sqsEvent(objects: readonly LandedObject[]): { Records: Record<string, unknown>[] } {
  const now = String(Date.now());
  return {
    Records: objects.map((o) => {
      const id = `m-${process.pid}-${++counter}`;
      return {
        messageId: id,
        receiptHandle: `rh-${id}`,
        body: notification(o),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: now,
          SenderId: 'AIDA',
          ApproximateFirstReceiveTimestamp: now,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ingest',
        awsRegion: 'us-east-1',
      };
    }),
  };
}
