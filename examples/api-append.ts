/**
 * api-append: an API Gateway (HTTP API, payload v2) Lambda that appends JSON records to an
 * `s3://` Delta table, exactly once per client request.
 *
 *   POST /events   headers: idempotency-key: <client-generated id, reused on retries>
 *                  body:    { "records": [{ "id": "a1", "ts": "2024-05-01T12:00:00Z", "kind": "click", "value": 1.5 }] }
 *   -> 200 { "version": 7, "appended": 1, "duplicate": false }
 *
 * Idempotency: the key becomes a Delta `txn` (appId `api:<key>`, version 0) committed
 * atomically with the rows. A retry with the same key finds the txn in the table and commits
 * nothing (`duplicate: true`), even if the first attempt's response was lost or both attempts
 * race. API Gateway's own requestContext.requestId is NOT usable: it differs per attempt.
 * Every key stays in the table state until `delta.setTransactionRetentionDuration` expires it
 * at a checkpoint (set to 7 days below), so keys must be unique for at least that long.
 *
 * Configuration: TABLE_URI (e.g. s3://my-bucket/tables/events); AWS_* / DELTA_* storage
 * settings from the environment (AWS_S3_LOCKING_PROVIDER=dynamodb for the lock table,
 * otherwise S3 conditional writes).
 */
import '@delta-serverless/aws'; // registers s3:// with core (and creates SDK clients lazily, once per container)
import { DeltaTable } from '@delta-serverless/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as arrow from 'apache-arrow';

/** Table schema: an Arrow schema converts to the Delta schema on create. */
export const EVENTS_SCHEMA = new arrow.Schema([
  new arrow.Field('id', new arrow.Utf8(), false),
  new arrow.Field('ts', new arrow.TimestampMicrosecond('UTC'), false),
  new arrow.Field('kind', new arrow.Utf8(), false),
  new arrow.Field('value', new arrow.Float64(), true),
]);

const MAX_RECORDS = 10_000;
const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export interface ApiAppendOptions {
  tableUri: string;
}

type Result = APIGatewayProxyStructuredResultV2;

const json = (statusCode: number, body: unknown): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Validate the body; returns the columns or a list of problems (at most 10, for the 400). */
export function parseRecords(body: unknown): { columns: Columns } | { errors: string[] } {
  const records = Array.isArray(body) ? body : (body as { records?: unknown } | null)?.records;
  if (!Array.isArray(records) || records.length === 0)
    return { errors: ['body must be {"records": [...]} or an array, with at least one record'] };
  if (records.length > MAX_RECORDS) return { errors: [`at most ${MAX_RECORDS} records per request`] };
  const cols: Columns = { id: [], ts: new BigInt64Array(records.length), kind: [], value: [] };
  const errors: string[] = [];
  records.forEach((r: unknown, i) => {
    if (errors.length >= 10) return;
    const rec = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const { id, ts, kind, value } = rec;
    const ms = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) : NaN;
    if (typeof id !== 'string' || id === '') errors.push(`records[${i}].id must be a non-empty string`);
    else if (!Number.isFinite(ms)) errors.push(`records[${i}].ts must be an ISO-8601 string or epoch milliseconds`);
    else if (typeof kind !== 'string' || kind === '') errors.push(`records[${i}].kind must be a non-empty string`);
    else if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isFinite(value)))
      errors.push(`records[${i}].value must be a finite number or null`);
    else {
      cols.id.push(id);
      cols.ts[i] = BigInt(Math.trunc(ms)) * 1000n; // microseconds since the epoch, UTC
      cols.kind.push(kind);
      cols.value.push(typeof value === 'number' ? value : null);
    }
  });
  return errors.length > 0 ? { errors } : { columns: cols };
}

interface Columns {
  id: string[];
  ts: BigInt64Array;
  kind: string[];
  value: (number | null)[];
}

function toBatch(c: Columns): arrow.RecordBatch {
  const [id, ts, kind, value] = EVENTS_SCHEMA.fields;
  const n = c.id.length;
  const children = [
    arrow.vectorFromArray(c.id, id!.type as arrow.Utf8).data[0]!,
    arrow.makeData({ type: ts!.type as arrow.TimestampMicrosecond, length: n, nullCount: 0, data: c.ts }),
    arrow.vectorFromArray(c.kind, kind!.type as arrow.Utf8).data[0]!,
    arrow.vectorFromArray(c.value, value!.type as arrow.Float64).data[0]!,
  ];
  const struct = arrow.makeData({ type: new arrow.Struct(EVENTS_SCHEMA.fields), length: n, nullCount: 0, children });
  return new arrow.RecordBatch(EVENTS_SCHEMA, struct);
}

/** Build the handler. The table is opened (or created) once per container and reused. */
export function createApiAppendHandler(opts: ApiAppendOptions): (event: APIGatewayProxyEventV2) => Promise<Result> {
  // Module/closure scope survives between invocations of a warm container: the snapshot is
  // loaded once, and each append only lists the log after the held version when it commits.
  let table: Promise<DeltaTable> | undefined;
  const openTable = () =>
    (table ??= DeltaTable.create(opts.tableUri, {
      schema: EVENTS_SCHEMA,
      ifNotExists: true,
      properties: { 'delta.setTransactionRetentionDuration': 'interval 7 days' },
    }).catch((err: unknown) => {
      table = undefined; // a failed open is retried by the next invocation
      throw err;
    }));

  return async (event) => {
    if (event.requestContext.http.method !== 'POST') return json(405, { error: 'use POST' });
    const key = event.headers['idempotency-key'] ?? event.headers['x-request-id']; // HTTP API lowercases names
    if (!key || !KEY_PATTERN.test(key))
      return json(400, { error: 'send an idempotency-key header (8-128 of A-Z a-z 0-9 . _ : -), the same on retries' });
    let body: unknown;
    try {
      const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
      body = JSON.parse(text ?? '');
    } catch {
      return json(400, { error: 'body must be JSON' });
    }
    const parsed = parseRecords(body);
    if ('errors' in parsed) return json(400, { error: 'invalid records', details: parsed.errors });

    const t = await openTable();
    // A concurrent commit is retried inside append (blind appends never conflict logically);
    // if the same key committed meanwhile, the retry sees its txn and skips.
    const res = await t.append(toBatch(parsed.columns), { txn: { appId: `api:${key}`, version: 0 } });
    return json(200, {
      version: res.version,
      appended: res.skipped ? 0 : res.metrics.numOutputRows,
      duplicate: res.skipped,
    });
  };
}

/** Lambda entry point (TABLE_URI from the environment). */
export const handler = (event: APIGatewayProxyEventV2): Promise<Result> =>
  (handlerInstance ??= createApiAppendHandler({ tableUri: requiredEnv('TABLE_URI') }))(event);
let handlerInstance: ((event: APIGatewayProxyEventV2) => Promise<Result>) | undefined;

function requiredEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`set ${name} (e.g. s3://my-bucket/tables/events) in the function's environment`);
  return v;
}
