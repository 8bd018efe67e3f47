/**
 * read-filter: a Lambda (API Gateway HTTP API, payload v2) that reads an `s3://` Delta table
 * with a row filter and a column projection and returns the rows as JSON.
 *
 *   GET /events?kind=click&minValue=10&columns=id,ts,value&limit=100
 *   -> 200 { "version": 7, "rows": [{ "id": "a1", "ts": "2024-05-01T12:00:00.000000Z", "value": 12.5 }], "truncated": false,
 *            "filesRead": 1, "filesSkipped": 41 }
 *
 * The filter is built with the expression builder from parsed, typed values, never by pasting
 * user input into filter text (that would be an injection hole). Files whose min/max stats
 * cannot match are skipped without being read; only the projected columns are decoded.
 * `batchToObjects` turns Arrow batches into JSON-safe objects (int64 -> number or string,
 * timestamps -> ISO strings) using the table's Delta schema.
 *
 * Configuration: TABLE_URI; AWS_* settings from the environment.
 */
import '@delta-serverless/aws';
import {
  and,
  batchToObjects,
  col,
  DeltaTable,
  type Expression,
  type JsonValue,
  type StructType,
} from '@delta-serverless/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const MAX_ROWS = 1_000;

type Result = APIGatewayProxyStructuredResultV2;
const json = (statusCode: number, body: unknown): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export interface ReadFilterOptions {
  tableUri: string;
}

/** Build the handler; the table is held across warm invocations and refreshed per request. */
export function createReadFilterHandler(opts: ReadFilterOptions): (event: APIGatewayProxyEventV2) => Promise<Result> {
  let table: Promise<DeltaTable> | undefined;

  return async (event) => {
    const q = event.queryStringParameters ?? {};
    const conditions: Expression[] = [];
    if (q['kind']) conditions.push(col('kind').eq(q['kind']));
    if (q['minValue'] !== undefined) {
      const min = Number(q['minValue']);
      if (!Number.isFinite(min)) return json(400, { error: 'minValue must be a number' });
      conditions.push(col('value').ge(min));
    }
    if (q['since'] !== undefined) {
      const since = new Date(q['since']);
      if (Number.isNaN(since.getTime())) return json(400, { error: 'since must be an ISO-8601 timestamp' });
      conditions.push(col('ts').ge(since));
    }
    const limit = Math.min(Number(q['limit'] ?? MAX_ROWS) || MAX_ROWS, MAX_ROWS);

    let t: DeltaTable;
    try {
      t = await (table ??= DeltaTable.open(opts.tableUri));
      await t.refresh(); // warm: one LIST after the held version + the new commits
    } catch (err) {
      table = undefined;
      throw err;
    }
    const fields = t.snapshot.schema.fields.map((f) => f.name);
    const columns = q['columns'] ? q['columns'].split(',').map((c) => c.trim()) : fields;
    const unknown = columns.filter((c) => !fields.includes(c));
    if (unknown.length > 0)
      return json(400, { error: `unknown columns ${unknown.join(', ')}; table has ${fields.join(', ')}` });

    // batchToObjects matches the Delta fields to the batch's columns: give it the projected ones.
    const projected: StructType = {
      type: 'struct',
      fields: columns.map((c) => t.snapshot.schema.fields.find((f) => f.name === c)!),
    };
    const scan = t.scan({ columns, ...(conditions.length > 0 ? { filter: and(...conditions) } : {}) });
    const rows: Record<string, JsonValue>[] = [];
    for await (const batch of scan) {
      // The Delta schema keeps Delta's types (e.g. timestamp vs timestamp_ntz) in the encoding.
      for (const row of batchToObjects(batch, projected)) {
        if (rows.length === limit) break;
        rows.push(row);
      }
      if (rows.length === limit) break; // stop reading further files
    }
    const m = scan.metrics;
    return json(200, {
      version: t.version,
      rows,
      truncated: rows.length === limit,
      filesRead: m?.filesRead,
      filesSkipped: m ? m.filesSkippedByStats + m.filesSkippedByPartition : undefined,
    });
  };
}

/** Lambda entry point (TABLE_URI from the environment). */
export const handler = (event: APIGatewayProxyEventV2): Promise<Result> =>
  (instance ??= createReadFilterHandler({ tableUri: process.env['TABLE_URI'] ?? '' }))(event);
let instance: ((event: APIGatewayProxyEventV2) => Promise<Result>) | undefined;
