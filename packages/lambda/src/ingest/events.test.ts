import { describe, expect, test } from 'vitest';
import { decodeS3Key, parseEvent } from './events.js';
import { MalformedEventError } from '../errors.js';

const s3Record = (key: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  eventName: 'ObjectCreated:Put',
  eventTime: '2026-01-02T03:04:05.678Z',
  s3: {
    bucket: { name: 'landing' },
    object: { key, size: 12, eTag: 'abc123', sequencer: '0055AED6DCD90281E5', ...extra },
  },
});
const sqs = (bodies: string[]) => ({
  Records: bodies.map((body, i) => ({ messageId: `m${i}`, eventSource: 'aws:sqs', body })),
});

describe('decodeS3Key', () => {
  test('form decoding: + is a space, then %XX as UTF-8', () => {
    expect(decodeS3Key('events/red+flower.csv')).toBe('events/red flower.csv');
    expect(decodeS3Key('a%2Bb%20c.csv')).toBe('a+b c.csv');
    expect(decodeS3Key('caf%C3%A9/%E2%82%AC+1.json')).toBe('café/€ 1.json');
    expect(() => decodeS3Key('bad%E2')).toThrow(MalformedEventError);
  });
});

describe('parseEvent', () => {
  test('SQS bodies with several S3 records, keys decoded, fields kept', () => {
    const body = JSON.stringify({
      Records: [s3Record('events/a+b.csv', { versionId: 'v1' }), s3Record('events/c%2B.csv')],
    });
    const parsed = parseEvent(sqs([body]));
    expect(parsed.kind).toBe('sqs');
    expect(parsed.messages).toHaveLength(1);
    expect(parsed.messages[0]!.objects).toEqual([
      {
        bucket: 'landing',
        key: 'events/a b.csv',
        size: 12,
        eTag: 'abc123',
        versionId: 'v1',
        sequencer: '0055AED6DCD90281E5',
        eventTime: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
      },
      {
        bucket: 'landing',
        key: 'events/c+.csv',
        size: 12,
        eTag: 'abc123',
        versionId: undefined,
        sequencer: '0055AED6DCD90281E5',
        eventTime: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
      },
    ]);
  });

  test('s3:TestEvent is ignored, a malformed body fails only its message', () => {
    const parsed = parseEvent(
      sqs([
        JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'landing' }),
        'not json',
        JSON.stringify({ hello: 1 }),
        JSON.stringify({ Records: [s3Record('x.csv')] }),
      ]),
    );
    const [test, bad, other, ok] = parsed.messages;
    expect(test!.ignored).toBe('s3:TestEvent');
    expect(test!.objects).toEqual([]);
    expect(bad!.error).toBeInstanceOf(MalformedEventError);
    expect(bad!.error!.message).toMatch(/not JSON/);
    expect(other!.error!.message).toMatch(/not an S3 event notification/);
    expect(ok!.error).toBeUndefined();
    expect(ok!.objects.map((o) => o.key)).toEqual(['x.csv']);
  });

  test('non-create S3 events are acknowledged without objects', () => {
    const rec = { ...s3Record('x.csv'), eventName: 'ObjectRemoved:Delete' };
    const [m] = parseEvent(sqs([JSON.stringify({ Records: [rec] })])).messages;
    expect(m!.objects).toEqual([]);
    expect(m!.ignored).toMatch(/ObjectRemoved/);
  });

  test('SNS-wrapped notifications and EventBridge events (direct and via SQS)', () => {
    const sns = JSON.stringify({ Type: 'Notification', Message: JSON.stringify({ Records: [s3Record('s+n.csv')] }) });
    const eb = {
      version: '0',
      id: 'eb-1',
      time: '2026-03-04T05:06:07Z',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: {
        bucket: { name: 'landing' },
        object: { key: 'raw key+.csv', size: 5, etag: 'e1', 'version-id': 'v9', sequencer: '01' },
      },
    };
    const viaSqs = parseEvent(sqs([sns, JSON.stringify(eb)]));
    expect(viaSqs.messages[0]!.objects[0]!.key).toBe('s n.csv');
    expect(viaSqs.messages[1]!.objects[0]).toEqual({
      bucket: 'landing',
      key: 'raw key+.csv',
      size: 5,
      eTag: 'e1',
      versionId: 'v9',
      sequencer: '01',
      eventTime: Date.UTC(2026, 2, 4, 5, 6, 7),
    });
    const direct = parseEvent(eb);
    expect(direct.kind).toBe('eventbridge');
    expect(direct.messages[0]!.messageId).toBe('eb-1');
    const s3 = parseEvent({ Records: [s3Record('d+1.csv')] });
    expect(s3.kind).toBe('s3');
    expect(s3.messages[0]!.objects[0]!.key).toBe('d 1.csv');
  });

  test('unsupported events are refused', () => {
    expect(() => parseEvent({ foo: 1 })).toThrow(MalformedEventError);
  });
});
