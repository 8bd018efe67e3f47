/**
 * AWS DMS's S3 target files -> change batches. CDC files (CSV or Parquet) start with the `Op`
 * column (`I`, `U`, `D`); full-load files have it only with `IncludeOpForFullLoad`, and without
 * it every row is an insert. CSV headers are optional (`AddColumnName`): with one, the columns
 * are named; without one, the layout is `[Op,] <the table's columns in order>`, so the table
 * must exist. DMS's commit-timestamp (`TimestampColumnName`) or a transaction-sequence column
 * (a transformation adding `$AR_H_CHANGE_SEQ`) are ordinary named columns: name one as the
 * `sequence` and it orders the changes (and is kept in the table).
 */
import * as arrow from 'apache-arrow';
import { parse } from 'csv-parse/sync';
import { InputFormatError } from '../../errors.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { detectFormat } from '../detect.js';
import { gunzipChunks, sniffGzip } from '../gzip.js';
import { readInputObject, readInputStream, type ReadInputOptions } from '../index.js';
import { readObjectChunks } from '../object-stream.js';
import { checkReserved, checkSequence, withOps } from './batch.js';
import { dmsOps } from './op-column.js';
import type { ChangeOp } from './types.js';

export const DMS_OP_COLUMN = 'Op';

export type DmsReadOptions = Omit<ReadInputOptions, 'key'> & { sequence?: string };

/** Stream a DMS change (or full-load) file as change batches. */
export async function* readDmsChanges(
  store: ObjectStore,
  key: string,
  options: DmsReadOptions = {},
): AsyncGenerator<arrow.RecordBatch> {
  const format = options.format ?? detectFormat(key)?.format;
  if (format === 'ndjson')
    throw new InputFormatError(
      key,
      `${key}: AWS DMS writes CSV or Parquet files, not NDJSON; is this a Debezium file?`,
    );
  let headerLines = 0;
  let batches: AsyncIterable<arrow.RecordBatch>;
  if (format === 'parquet') batches = readInputObject(store, key, { ...options, format });
  else {
    const csv = await csvInput(store, key, options);
    headerLines = csv.headerLines;
    batches = csv.batches;
  }
  const where = (row: number) => (format === 'parquet' ? `row ${row + 1}` : `line ${row + 1 + headerLines}`);
  let offset = 0;
  for await (const b of batches) {
    const at = (r: number) => where(offset + r);
    checkReserved(key, b.schema.names as string[]);
    const opIndex = b.schema.fields.findIndex((f) => f.name === DMS_OP_COLUMN);
    const ops: ChangeOp[] =
      opIndex < 0 ? new Array<ChangeOp>(b.numRows).fill('I') : dmsOps(key, b.getChildAt(opIndex)!, at);
    const out = withOps(b, opIndex, ops);
    checkSequence(key, out, options.sequence, at, 'sequence column');
    offset += b.numRows;
    yield out;
  }
}

/** The CSV's first record (to tell a header from data), and the whole text again. */
async function firstRecord(
  chunks: AsyncIterable<Uint8Array>,
  delimiter: string,
): Promise<{ fields: string[]; chunks: AsyncIterable<Uint8Array> }> {
  const it = chunks[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let done = false;
  let bytes = 0;
  while (bytes < 1 << 20 && !seen.some((c) => c.includes(0x0a))) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    seen.push(r.value);
    bytes += r.value.length;
  }
  const text = Buffer.concat(seen).toString('utf8');
  const line = text.split('\n', 1)[0]!.replace(/\r$/, '');
  let fields: string[] = [];
  try {
    fields = (parse(line, { delimiter, relax_quotes: true }) as string[][])[0] ?? [];
  } catch {
    fields = line.split(delimiter); // an unclosed quote spanning lines: the CSV reader reports it
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* seen;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { fields, chunks: all() };
}

/** Decide the CSV layout (header or not, Op or not) and start reading. */
async function csvInput(
  store: ObjectStore,
  key: string,
  options: DmsReadOptions,
): Promise<{ headerLines: number; batches: AsyncIterable<arrow.RecordBatch> }> {
  let chunks: AsyncIterable<Uint8Array> = readObjectChunks(store, key, { chunkBytes: options.chunkBytes });
  const sniffed = options.compression === 'none' ? undefined : await sniffGzip(chunks);
  if (sniffed) chunks = sniffed.gzip ? gunzipChunks(sniffed.chunks, key) : sniffed.chunks;
  const delimiter = options.csv?.delimiter ?? ',';
  const first = await firstRecord(chunks, delimiter);
  const header = options.csv?.header ?? isHeader(first.fields, options.schema);
  const base = { ...options, key, format: 'csv' as const, compression: 'none' as const };
  if (header) {
    return {
      headerLines: 1,
      batches: readInputStream(first.chunks, { ...base, csv: { ...options.csv, delimiter, header } }),
    };
  }
  const schema = headerlessSchema(key, first.fields, options.schema);
  return {
    headerLines: 0,
    batches: readInputStream(first.chunks, { ...base, schema, csv: { ...options.csv, delimiter, header: false } }),
  };
}

/** A first record is a header when it starts with `Op` or names exactly the table's columns. */
function isHeader(fields: readonly string[], schema: arrow.Schema | undefined): boolean {
  if (fields[0] === DMS_OP_COLUMN) return true;
  if (!schema || fields.length !== schema.fields.length) return false;
  const names = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  return fields.every((f) => names.has(f.toLowerCase()));
}

/** The positional layout of a headerless file: `Op` then the table's columns, or the table's columns alone. */
function headerlessSchema(key: string, fields: readonly string[], table: arrow.Schema | undefined): arrow.Schema {
  if (!table)
    throw new InputFormatError(
      key,
      `${key}: this DMS CSV file has no header, so its columns are known only from the table, which does not exist ` +
        'yet; set AddColumnName=true on the DMS endpoint (a header line) or create the table first',
    );
  const n = table.fields.length;
  if (fields.length === n + 1)
    return new arrow.Schema([new arrow.Field(DMS_OP_COLUMN, new arrow.Utf8(), true), ...table.fields]);
  if (fields.length === n) return table;
  throw new InputFormatError(
    key,
    `${key}: line 1 has ${fields.length} fields, but a headerless DMS file for this table has ${n + 1} ` +
      `(Op, ${table.fields.map((f) => f.name).join(', ')}) or ${n} (a full load without Op); ` +
      'set AddColumnName=true on the DMS endpoint so the columns are named',
  );
}
