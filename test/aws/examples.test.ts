/**
 * The handlers of examples/ against the test services' S3 (endpoints from the AWS_* variables
 * global-setup exports; the examples resolve `s3://` through the environment like a Lambda).
 * One table per file, written by the api-append example and read by the others.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DeltaTable } from '@delta-serverless/core';
import { clearTableCache } from '@delta-serverless/aws';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createApiAppendHandler } from '../../examples/api-append.js';
import { createReadFilterHandler } from '../../examples/read-filter.js';
import { createTimeTravelHandler } from '../../examples/time-travel.js';
import { createWarmCacheHandler } from '../../examples/warm-cache.js';
import { listKeys, newBucket } from '../services/index.js';
import { validateS3Table } from './support/tables.js';

let bucket: string;
let uri: string;

function apiEvent(opts: {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/events',
    rawQueryString: '',
    headers: opts.headers ?? {},
    queryStringParameters: opts.query,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: opts.method ?? 'POST',
        path: '/events',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 't',
      },
      requestId: `req-${Math.random()}`, // differs per attempt, like API Gateway's
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: Date.now(),
    },
  };
}

const bodyOf = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(r.body ?? 'null') as Record<string, unknown>;

const recs = (from: number, n: number, kind: string) =>
  Array.from({ length: n }, (_, i) => ({
    id: `e${from + i}`,
    ts: new Date(Date.UTC(2024, 4, 1, 12, 0, from + i)).toISOString(),
    kind,
    value: from + i,
  }));

beforeAll(async () => {
  bucket = await newBucket('examples');
  uri = `s3://${bucket}/tables/events`;
});

// The one table the examples write goes through the independent validator after every test
// (from the first, which creates it).
afterEach(async () => {
  await validateS3Table({ bucket, prefix: 'tables/events' });
});

describe('examples', () => {
  const append = () => createApiAppendHandler({ tableUri: uri });
  const post = (key: string, records: unknown) =>
    apiEvent({ headers: { 'idempotency-key': key, 'content-type': 'application/json' }, body: { records } });

  test('api-append: validates, creates the table, appends; the same request twice appends once', async () => {
    const handler = append();
    const bad = await handler(post('key-bad-0001', [{ id: '', ts: 'x', kind: 'click' }]));
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad).details).toEqual(['records[0].id must be a non-empty string']);
    const noKey = await handler(apiEvent({ body: { records: recs(0, 1, 'click') } }));
    expect(noKey.statusCode).toBe(400);
    expect(await listKeys(bucket)).toEqual([]); // nothing written for invalid requests

    const first = await handler(post('key-0000-0001', recs(0, 3, 'click')));
    expect(first.statusCode).toBe(200);
    expect(bodyOf(first)).toEqual({ version: 1, appended: 3, duplicate: false }); // v0 = create
    // The client retries (lost response): a new container, a new API Gateway requestId, same key.
    const retry = await append()(post('key-0000-0001', recs(0, 3, 'click')));
    expect(retry.statusCode).toBe(200);
    expect(bodyOf(retry)).toMatchObject({ appended: 0, duplicate: true });
    const second = await handler(
      post('key-0000-0002', [...recs(3, 2, 'view'), { ...recs(5, 1, 'click')[0], value: null }]),
    );
    expect(bodyOf(second)).toEqual({ version: 2, appended: 3, duplicate: false });

    const table = await DeltaTable.open(uri);
    expect(table.version).toBe(2);
    const ids = (await table.toArrow()).getChild('id')!.toArray() as string[];
    expect([...ids].sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
    expect(table.snapshot.txn('api:key-0000-0001')?.version).toBe(0);
  });

  test('api-append: concurrent duplicates commit once', async () => {
    const [a, b] = [append(), append()];
    const [ra, rb] = await Promise.all([
      a(post('key-0000-race', recs(10, 2, 'race'))),
      b(post('key-0000-race', recs(10, 2, 'race'))),
    ]);
    const results = [bodyOf(ra), bodyOf(rb)];
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    const table = await DeltaTable.open(uri);
    const kinds = (await table.toArrow({ filter: "kind = 'race'" })).numRows;
    expect(kinds).toBe(2);
  });

  test('read-filter: filter + projection as JSON rows', async () => {
    const handler = createReadFilterHandler({ tableUri: uri });
    const res = await handler(
      apiEvent({ method: 'GET', query: { kind: 'click', minValue: '1', columns: 'id,ts,value' } }),
    );
    expect(res.statusCode).toBe(200);
    const body = bodyOf(res);
    const rows = (body.rows as Record<string, unknown>[]).sort((x, y) => String(x.id).localeCompare(String(y.id)));
    expect(rows).toEqual([
      { id: 'e1', ts: '2024-05-01T12:00:01.000000Z', value: 1 },
      { id: 'e2', ts: '2024-05-01T12:00:02.000000Z', value: 2 },
    ]); // e5 has value null: not >= 1
    expect(body.truncated).toBe(false);
    expect(body.version).toBe(3);
    const bad = await handler(apiEvent({ method: 'GET', query: { columns: 'id,nope' } }));
    expect(bad.statusCode).toBe(400);
    const limited = bodyOf(await handler(apiEvent({ method: 'GET', query: { limit: '2' } })));
    expect((limited.rows as unknown[]).length).toBe(2);
    expect(limited.truncated).toBe(true);
  });

  test('time-travel: by version, by timestamp, history', async () => {
    const handler = createTimeTravelHandler({ tableUri: uri });
    const v1 = await handler({ version: 1 });
    expect(v1.version).toBe(1);
    expect(v1.rows.map((r) => r.id).sort()).toEqual(['e0', 'e1', 'e2']);
    expect(v1.rows.find((r) => r.id === 'e0')).toEqual({
      id: 'e0',
      ts: '2024-05-01T12:00:00.000000Z',
      kind: 'click',
      value: 0,
    });
    const latest = await handler({ historyLimit: 2 });
    expect(latest.version).toBe(3);
    expect(latest.rows).toHaveLength(8);
    expect(latest.history.map((h) => h.version)).toEqual([3, 2]);
    expect(latest.history[0]!.operation).toBe('WRITE');
    // The timestamp of version 2's commit reads version 2; one ms before version 1 reads version 0.
    const full = await handler({ historyLimit: 10 });
    const at = (v: number) => Date.parse(full.history.find((h) => h.version === v)!.timestamp);
    expect((await handler({ timestamp: new Date(at(2)).toISOString() })).version).toBe(2);
    const v0 = await handler({ timestamp: at(1) - 1 });
    expect(v0.version).toBe(0);
    expect(v0.rows).toEqual([]);
  });

  test('warm-cache: cold open, then warm refreshes with one LIST and only the new commits', async () => {
    clearTableCache();
    const handler = createWarmCacheHandler({ tableUri: uri });
    const cold = await handler({});
    expect(cold).toMatchObject({ cold: true, version: 3, rows: 8 });
    expect(cold.s3Requests['s3:ListObjectsV2']).toBeGreaterThanOrEqual(1);

    const idle = await handler({ kind: 'click' });
    expect(idle).toMatchObject({ cold: false, version: 3, newCommits: 0, rows: 4 });
    expect(idle.s3Requests).toEqual({ 's3:ListObjectsV2': 1 });

    const res = await append()(
      apiEvent({ headers: { 'idempotency-key': 'key-0000-warm' }, body: { records: recs(20, 5, 'click') } }),
    );
    expect(bodyOf(res).version).toBe(4);
    const warm = await handler({ kind: 'click' });
    expect(warm).toMatchObject({ cold: false, version: 4, newCommits: 1, rows: 9 });
    expect(warm.s3Requests).toEqual({ 's3:ListObjectsV2': 1, 's3:GetObject': 1 });
  });
});
