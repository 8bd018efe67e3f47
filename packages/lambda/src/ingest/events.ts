/**
 * Incoming events -> source objects. Three shapes reach the ingest handler: SQS batches
 * whose bodies are S3 notifications (possibly SNS-wrapped, possibly several records per
 * body), direct S3 notifications, and EventBridge "Object Created" events (direct or via
 * SQS). S3 notification keys are form-encoded (`+` is a space, then `%XX`).
 */
import { MalformedEventError } from '../errors.js';

/** One uploaded object version, as the event described it. */
export interface SourceObject {
  bucket: string;
  /** Decoded key. */
  key: string;
  size?: number;
  /** Without quotes. */
  eTag?: string;
  versionId?: string;
  /** S3's per-key write order (hex); unique per upload of a key, repeated by redeliveries. */
  sequencer?: string;
  /** When S3 recorded the upload (epoch ms), from the event. */
  eventTime?: number;
}

/** One unit of acknowledgement: an SQS record, or the whole event for direct invocations. */
export interface EventMessage {
  /** SQS messageId (or a synthetic id for direct events). */
  messageId: string;
  objects: SourceObject[];
  /** The body could not be parsed: this message alone fails. */
  error?: MalformedEventError;
  /** Why the message carries nothing to ingest (s3:TestEvent, non-create events). */
  ignored?: string;
}

export type EventKind = 'sqs' | 's3' | 'eventbridge';

export interface ParsedEvent {
  kind: EventKind;
  messages: EventMessage[];
}

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Decode an S3 notification key: form encoding, so `+` is a space, then `%XX` escapes (UTF-8). */
export function decodeS3Key(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new MalformedEventError(`S3 object key ${JSON.stringify(raw)} is not valid form encoding`);
  }
}

const unquote = (etag: unknown): string | undefined =>
  typeof etag === 'string' && etag !== '' ? etag.replace(/^"|"$/g, '') : undefined;

const optString = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
const optNumber = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
/** An ISO-8601 event time as epoch ms (undefined when absent or unparsable). */
const optTime = (x: unknown): number | undefined => {
  const ms = typeof x === 'string' ? Date.parse(x) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
};

/** Source objects of an S3 notification document (`{Records: [...]}`); `ignored` when it has none to ingest. */
function fromS3Notification(doc: Json): { objects: SourceObject[]; ignored?: string } {
  if (doc['Event'] === 's3:TestEvent') return { objects: [], ignored: 's3:TestEvent' };
  const records = doc['Records'];
  if (!Array.isArray(records)) throw new MalformedEventError('S3 notification has no Records array');
  const objects: SourceObject[] = [];
  const skipped: string[] = [];
  for (const [i, r] of records.entries()) {
    if (!isObject(r) || !isObject(r['s3']))
      throw new MalformedEventError(`S3 notification record ${i} has no s3 section`);
    const eventName = String(r['eventName'] ?? '');
    if (!eventName.startsWith('ObjectCreated:') && !eventName.startsWith('s3:ObjectCreated:')) {
      skipped.push(eventName || '(no eventName)');
      continue;
    }
    const s3 = r['s3'];
    const bucket = isObject(s3['bucket']) ? optString(s3['bucket']['name']) : undefined;
    const obj = isObject(s3['object']) ? s3['object'] : undefined;
    const rawKey = obj ? optString(obj['key']) : undefined;
    if (!bucket || !obj || rawKey === undefined)
      throw new MalformedEventError(`S3 notification record ${i} lacks s3.bucket.name or s3.object.key`);
    objects.push({
      bucket,
      key: decodeS3Key(rawKey),
      size: optNumber(obj['size']),
      eTag: unquote(obj['eTag']),
      versionId: optString(obj['versionId']),
      sequencer: optString(obj['sequencer']),
      eventTime: optTime(r['eventTime']),
    });
  }
  return objects.length === 0 && skipped.length > 0
    ? { objects, ignored: `events ${skipped.join(', ')}` }
    : { objects };
}

/** An EventBridge S3 event (`detail-type` "Object Created"); its keys are not form-encoded. */
function fromEventBridge(doc: Json): { objects: SourceObject[]; ignored?: string } {
  if (doc['detail-type'] !== 'Object Created')
    return { objects: [], ignored: `detail-type ${String(doc['detail-type'])}` };
  const detail = doc['detail'];
  const bucket = isObject(detail) && isObject(detail['bucket']) ? optString(detail['bucket']['name']) : undefined;
  const obj = isObject(detail) && isObject(detail['object']) ? detail['object'] : undefined;
  const key = obj ? optString(obj['key']) : undefined;
  if (!bucket || !obj || key === undefined)
    throw new MalformedEventError('EventBridge "Object Created" event lacks detail.bucket.name or detail.object.key');
  return {
    objects: [
      {
        bucket,
        key,
        size: optNumber(obj['size']),
        eTag: unquote(obj['etag']),
        versionId: optString(obj['version-id']),
        sequencer: optString(obj['sequencer']),
        eventTime: optTime(doc['time']),
      },
    ],
  };
}

const isEventBridge = (doc: Json) => doc['source'] === 'aws.s3' && 'detail-type' in doc;

/** Parse an SQS message body: S3 notification, S3 test event, SNS envelope or EventBridge event. */
export function parseBody(body: string): { objects: SourceObject[]; ignored?: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    throw new MalformedEventError(
      `message body is not JSON (${(err as Error).message}); expected an S3 event notification: ${body.slice(0, 120)}`,
    );
  }
  if (!isObject(doc))
    throw new MalformedEventError('message body is not a JSON object; expected an S3 event notification');
  if (doc['Type'] === 'Notification' && typeof doc['Message'] === 'string') return parseBody(doc['Message']);
  if (isEventBridge(doc)) return fromEventBridge(doc);
  if ('Records' in doc || doc['Event'] === 's3:TestEvent') return fromS3Notification(doc);
  throw new MalformedEventError(
    `message body is not an S3 event notification (keys: ${Object.keys(doc).slice(0, 8).join(', ')})`,
  );
}

/** Split an invocation event into messages (SQS records, or one message for a direct event). */
export function parseEvent(event: unknown): ParsedEvent {
  if (!isObject(event)) throw new MalformedEventError('the event is not an object');
  const records = event['Records'];
  if (Array.isArray(records) && records.length > 0 && isObject(records[0]) && records[0]['eventSource'] === 'aws:sqs') {
    return {
      kind: 'sqs',
      messages: records.map((r, i): EventMessage => {
        const rec = isObject(r) ? r : {};
        const messageId = optString(rec['messageId']) ?? `record-${i}`;
        try {
          return { messageId, ...parseBody(String(rec['body'] ?? '')) };
        } catch (err) {
          if (!(err instanceof MalformedEventError)) throw err;
          return { messageId, objects: [], error: err };
        }
      }),
    };
  }
  if (isEventBridge(event)) {
    return {
      kind: 'eventbridge',
      messages: [{ messageId: optString(event['id']) ?? 'eventbridge', ...fromEventBridge(event) }],
    };
  }
  if (Array.isArray(records))
    return { kind: 's3', messages: [{ messageId: 's3-event', ...fromS3Notification(event) }] };
  throw new MalformedEventError(
    'unsupported event: expected an SQS batch of S3 notifications, an S3 notification or an EventBridge "Object Created" event',
  );
}
