/**
 * Ingestion input formats: source objects (an S3 upload, a local file) -> Arrow record
 * batches, streaming in bounded memory. CSV/TSV and NDJSON (optionally gzip) are read with
 * sequential ranged GETs; Parquet through the engine's ranged row-group reader.
 */
import type * as arrow from 'apache-arrow';
import { InputFormatError } from '../errors.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { readCsv, type CsvOptions } from './csv.js';
import type { AbsentColumns } from './target.js';
import { checkEncoding } from './encoding.js';
import { checkCellsPerBatch, checkMaxColumns } from './limits.js';
import { detectFormat, type InputFormat } from './detect.js';
import { gunzipChunks, sniffGzip } from './gzip.js';
import { readNdjson } from './ndjson.js';
import { readObjectChunks } from './object-stream.js';
import { readParquetInput } from './parquet.js';

export type { CsvOptions } from './csv.js';
export { TEXT_ENCODINGS, type TextEncoding } from './encoding.js';
export { detectFormat, type DetectedFormat, type InputFormat } from './detect.js';

export const DEFAULT_BATCH_ROWS = 65_536;

export interface ReadInputOptions {
  /** Default: detected from the key (.parquet, .csv/.tsv, .json/.jsonl/.ndjson; optional .gz). */
  format?: InputFormat;
  /** auto (default): gzip when the key ends in .gz or the data starts with the gzip magic bytes. */
  compression?: 'auto' | 'gzip' | 'none';
  /**
   * Target types (e.g. the table's schema): values are parsed/cast to these; target columns the
   * input lacks become null (an error when not nullable); extra input columns are kept.
   */
  schema?: arrow.Schema;
  /**
   * Target columns the input lacks: `null` (default) as above, `omit` to leave them out (CSV and
   * Parquet; an NDJSON key absent from every row reads as null).
   */
  absentColumns?: AbsentColumns;
  csv?: CsvOptions;
  /**
   * Text encoding of CSV and NDJSON input: `utf-8` (default; invalid bytes are an error naming
   * the line), `latin1` (ISO-8859-1) or `windows-1252`, converted to UTF-8.
   */
  encoding?: string;
  /** Maximum rows per batch (default 65536); CSV/NDJSON types are inferred from the first batch. */
  batchRows?: number;
  /**
   * Most columns an object may have (Parquet: leaf columns); default 10,000. A wider object is
   * refused before its data is read (formats/limits.ts).
   */
  maxColumns?: number;
  /**
   * Most values (rows x columns) per batch, default 1,048,576: wide objects get fewer than
   * `batchRows` rows per batch, so memory follows the data (formats/limits.ts).
   */
  cellsPerBatch?: number;
  /** Bytes per ranged GET when streaming from a store (default 8 MiB). */
  chunkBytes?: number;
  /** Name of the object in error messages (readInputStream; readInputObject uses the key). */
  key?: string;
}

/** Stream an object of the store as record batches. */
export async function* readInputObject(
  store: ObjectStore,
  key: string,
  options: ReadInputOptions = {},
): AsyncGenerator<arrow.RecordBatch> {
  const detected = detectFormat(key);
  const format = options.format ?? detected?.format;
  if (!format) {
    throw new InputFormatError(
      key,
      (say) =>
        `${key}: cannot tell the input format from the name; use a .parquet, .csv, .tsv, .json, .jsonl or .ndjson ` +
        `extension (optionally .gz), or pass ${say({ option: 'format' })}`,
    );
  }
  const batchRows = checkBatchRows(options.batchRows, key);
  const maxColumns = checkMaxColumns(options.maxColumns, key);
  const cellsPerBatch = checkCellsPerBatch(options.cellsPerBatch, key);
  if (format === 'parquet') {
    if (options.compression === 'gzip' || (options.compression !== 'none' && detected?.gzip)) {
      throw gzipParquet(key);
    }
    yield* readParquetInput(store, key, {
      schema: options.schema,
      absentColumns: options.absentColumns,
      batchRows,
      maxColumns,
      cellsPerBatch,
    });
    return;
  }
  const csv =
    detected?.delimiter && options.csv?.delimiter === undefined && format === 'csv'
      ? { ...options.csv, delimiter: detected.delimiter }
      : options.csv;
  const compression =
    options.compression === undefined || options.compression === 'auto'
      ? detected?.gzip
        ? 'gzip'
        : 'auto'
      : options.compression;
  yield* readInputStream(readObjectChunks(store, key, { chunkBytes: options.chunkBytes }), {
    ...options,
    csv,
    format,
    compression,
    key,
  });
}

/** Parse a stream of bytes as record batches (Parquet input is buffered whole: it needs random access). */
export async function* readInputStream(
  chunks: AsyncIterable<Uint8Array>,
  options: ReadInputOptions & { format: InputFormat },
): AsyncGenerator<arrow.RecordBatch> {
  const key = options.key ?? '<input stream>';
  const batchRows = checkBatchRows(options.batchRows, key);
  const maxColumns = checkMaxColumns(options.maxColumns, key);
  const cellsPerBatch = checkCellsPerBatch(options.cellsPerBatch, key);
  let source = chunks;
  let gzip = options.compression === 'gzip';
  if (options.compression === undefined || options.compression === 'auto') {
    const sniffed = await sniffGzip(chunks);
    source = sniffed.chunks;
    gzip = sniffed.gzip;
  }
  if (options.format === 'parquet') {
    if (gzip) throw gzipParquet(key);
    const store = await bufferStream(source, key);
    yield* readParquetInput(store, key, {
      schema: options.schema,
      absentColumns: options.absentColumns,
      batchRows,
      maxColumns,
      cellsPerBatch,
    });
    return;
  }
  if (gzip) source = gunzipChunks(source, key);
  const encoding = checkEncoding(options.encoding, key);
  const text = { key, schema: options.schema, batchRows, encoding, maxColumns, cellsPerBatch };
  if (options.format === 'csv')
    yield* readCsv(source, { ...text, absentColumns: options.absentColumns, csv: options.csv });
  else if (options.format === 'ndjson') yield* readNdjson(source, text);
  else
    throw new InputFormatError(
      key,
      `${key}: unknown input format ${String(options.format)}; use parquet, csv or ndjson`,
    );
}

function checkBatchRows(batchRows: number | undefined, key: string): number {
  const n = batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(n) || n <= 0) throw new InputFormatError(key, `batchRows must be a positive integer, got ${n}`);
  return n;
}

function gzipParquet(key: string): InputFormatError {
  return new InputFormatError(
    key,
    `${key}: gzip-compressed Parquet is not supported (Parquet compresses its pages itself); ` +
      'upload the .parquet file without gzip',
  );
}

async function bufferStream(chunks: AsyncIterable<Uint8Array>, key: string): Promise<MemoryStore> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  const store = new MemoryStore();
  await store.put(key, Buffer.concat(parts));
  return store;
}
