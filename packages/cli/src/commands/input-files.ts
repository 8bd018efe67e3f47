/**
 * Input files for `append`: local paths or object URIs (s3://...), read as Parquet, CSV/TSV or
 * NDJSON (optionally gzip) through the core's streaming readers, converted to the table's
 * types when the table exists.
 */
import * as path from 'node:path';
// Registers s3:// and s3a:// for file URIs.
import '@delta-serverless/aws';
import {
  DeltaTable,
  deltaSchemaToArrow,
  LocalStore,
  storeForUri,
  TableNotFoundError,
  type ObjectStore,
  type OpenOptions,
} from '@delta-serverless/core';
import { readInputObject, uriScheme, type InputFormat, type ReadInputOptions } from '@delta-serverless/core/internal';
import type * as arrow from 'apache-arrow';
import { meteredStore } from './metered-store.js';

export interface InputFileOptions {
  format?: InputFormat;
  delimiter?: string;
  /** commander's `--no-header` sets this to false. */
  header?: boolean;
  /** Text encoding of CSV/NDJSON files (default utf-8). */
  encoding?: string;
  /** Most columns an input file may have (default 10,000). */
  maxColumns?: number;
  schema?: arrow.Schema;
  /** Target columns the files lack: null columns (default) or left out (merge's source). */
  absentColumns?: 'null' | 'omit';
  /** Told the bytes read from the files and the rows decoded (progress). */
  meter?: { read(bytes: number): void; rows(n: number): void };
}

/** A file argument as a store plus the key of the file in it. */
export function locateFile(file: string, open: OpenOptions): { store: ObjectStore; key: string } {
  if (uriScheme(file) !== undefined) {
    const slash = file.lastIndexOf('/');
    return { store: storeForUri(file.slice(0, slash), open.storageOptions), key: file.slice(slash + 1) };
  }
  const abs = path.resolve(file);
  return { store: new LocalStore(path.dirname(abs)), key: path.basename(abs) };
}

/** The Arrow schema of the table at `uri`, or undefined when there is no table yet. */
export async function tableArrowSchema(uri: string, open: OpenOptions): Promise<arrow.Schema | undefined> {
  try {
    const table = await DeltaTable.open(uri, open);
    return deltaSchemaToArrow(table.snapshot.schema);
  } catch (err) {
    if (err instanceof TableNotFoundError) return undefined;
    throw err;
  }
}

/** All files' batches, one file after the other. */
export async function* readInputFiles(
  files: readonly string[],
  open: OpenOptions,
  opts: InputFileOptions,
): AsyncGenerator<arrow.RecordBatch> {
  const read: ReadInputOptions = {
    format: opts.format,
    schema: opts.schema,
    absentColumns: opts.absentColumns,
    encoding: opts.encoding,
    maxColumns: opts.maxColumns,
    csv: {
      ...(opts.delimiter !== undefined ? { delimiter: unescapeDelimiter(opts.delimiter) } : {}),
      ...(opts.header === false ? { header: false } : {}),
    },
  };
  for (const file of files) {
    const { store, key } = locateFile(file, open);
    const meter = opts.meter;
    if (!meter) {
      yield* readInputObject(store, key, read);
      continue;
    }
    for await (const batch of readInputObject(meteredStore(store, meter), key, read)) {
      meter.rows(batch.numRows);
      yield batch;
    }
  }
}

/** The files' total size in bytes (one HEAD per file), or undefined when one cannot be read. */
export async function inputSize(files: readonly string[], open: OpenOptions): Promise<number | undefined> {
  try {
    let total = 0;
    for (const file of files) {
      const { store, key } = locateFile(file, open);
      total += (await store.head(key)).size;
    }
    return total;
  } catch {
    return undefined; // the read reports the missing file with its own error
  }
}

/** `\t` and `tab` on the command line mean a tab. */
export function unescapeDelimiter(d: string): string {
  return d === '\\t' || d.toLowerCase() === 'tab' ? '\t' : d;
}
