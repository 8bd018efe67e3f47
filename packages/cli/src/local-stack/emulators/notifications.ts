/**
 * S3 event notifications for fauxqs, which has none: after a successful object write
 * (PutObject, CopyObject, CompleteMultipartUpload) the callback receives the record S3 would
 * send (event version 2.1, key form-encoded like S3's: spaces as `+`). Delivery is the
 * caller's job (the local stack sends it to SQS), after the response like S3's own.
 */
import type { buildApp } from 'fauxqs';

type FauxqsApp = ReturnType<typeof buildApp>;

/** The fields of an S3 notification record that consumers read. */
export interface S3NotificationRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  s3: {
    s3SchemaVersion: '1.0';
    bucket: { name: string; arn: string };
    object: { key: string; size: number; eTag: string; sequencer: string };
  };
}

interface HeadableStore {
  headObject(bucket: string, key: string): { etag: string; contentLength: number };
}

/** S3's key encoding in notifications: URL form encoding (space -> '+', '+' -> '%2B'). */
export function formEncodeKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A sequencer as S3 gives one per write of a key: hex, growing, never repeated — also across
 * restarts of the local stack (a repeated sequencer would read as a redelivery of an old upload).
 */
let lastSequence = 0;
export function nextSequencer(): string {
  lastSequence = Math.max(lastSequence + 1, Date.now() * 1000);
  return lastSequence.toString(16).toUpperCase().padStart(16, '0');
}

/** The notification record S3 sends for a created object (`key` as stored; it is form-encoded here). */
export function objectCreatedRecord(o: {
  bucket: string;
  key: string;
  size: number;
  eTag: string;
  region?: string;
  eventName?: string;
  sequencer?: string;
}): S3NotificationRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: o.region ?? 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName: o.eventName ?? 'ObjectCreated:Put',
    s3: {
      s3SchemaVersion: '1.0',
      bucket: { name: o.bucket, arn: `arn:aws:s3:::${o.bucket}` },
      object: {
        key: formEncodeKey(o.key),
        size: o.size,
        eTag: o.eTag.replace(/"/g, ''),
        sequencer: o.sequencer ?? nextSequencer(),
      },
    },
  };
}

function eventName(method: string, query: Record<string, string | undefined>, copy: boolean): string | undefined {
  if (method === 'PUT' && !(query['uploadId'] && query['partNumber']))
    return copy ? 'ObjectCreated:Copy' : 'ObjectCreated:Put';
  if (method === 'POST' && query['uploadId'] !== undefined) return 'ObjectCreated:CompleteMultipartUpload';
  return undefined;
}

/** Calls `onCreated` for every object write fauxqs completed with a 2xx status. */
export function addObjectCreatedNotifications(
  app: FauxqsApp,
  store: HeadableStore,
  region: string,
  onCreated: (record: S3NotificationRecord) => void,
): void {
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 200 || reply.statusCode >= 300 || request.routeOptions.url !== '/:bucket/*') return;
    const params = request.params as Record<string, string | undefined>;
    const query = (request.query ?? {}) as Record<string, string | undefined>;
    const name = eventName(request.method, query, request.headers['x-amz-copy-source'] !== undefined);
    const bucket = params['bucket'];
    const key = params['*'];
    if (!name || !bucket || !key) return;
    let head: { etag: string; contentLength: number };
    try {
      head = store.headObject(bucket, key);
    } catch {
      return; // deleted again before we looked: S3 would still notify, but there is nothing to ingest
    }
    onCreated(
      objectCreatedRecord({
        bucket,
        key,
        size: head.contentLength,
        eTag: head.etag,
        region,
        eventName: name,
        sequencer: nextSequencer(),
      }),
    );
  });
}
