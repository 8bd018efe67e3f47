/**
 * `append <table> <file>...`: write Parquet (from any writer: Spark, DuckDB, pyarrow), CSV/TSV
 * or NDJSON files, optionally gzip, local or s3://, into a Delta table, creating it when absent.
 * Text input is parsed to the table's types when the table exists (else types are inferred);
 * foreign Parquet types are converted to Delta's or refused with the column named.
 */
import {
  InvalidArgumentError,
  storeForUri,
  writeDeltaTable,
  type WriteResult,
  type SchemaMode,
  type WriteMode,
} from '@delta-serverless/core';
import { parsePositiveCount, type InputFormat } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';
import { inputSize, readInputFiles, tableArrowSchema } from './input-files.js';
import { meteredStore } from './metered-store.js';
import { appendProgress } from '../output/append-progress.js';
import { counted, formatBytes } from '../output/format.js';

export interface AppendCommandOptions extends CommonOptions {
  mode?: string;
  partitionBy?: string;
  schemaMode?: string;
  replaceWhere?: string;
  partitionOverwrite?: string;
  property?: string[];
  /** Input format for every file (default: from each file's extension). */
  format?: string;
  delimiter?: string;
  /** false with --no-header. */
  header?: boolean;
  encoding?: string;
  maxColumns?: string;
  /** Change files: `dms` or `debezium` (append-cdc.ts). */
  cdc?: string;
  /** Key columns of --cdc, comma-separated. */
  key?: string;
  /** Sequence column of --cdc. */
  sequence?: string;
  /** --cdc deletes: remove (default) or tombstone. */
  deletes?: string;
  /** --cdc remove mode: how long deletes are remembered (an interval). */
  tombstoneRetention?: string;
}

const FORMATS = new Set(['parquet', 'csv', 'ndjson']);

export function parseProperties(list: readonly string[] | undefined): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`--property expects key=value (got ${kv})`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export async function appendCommand(
  uri: string,
  files: string[],
  opts: AppendCommandOptions,
  out: (s: string) => void,
  tty = false,
): Promise<void> {
  if (files.length === 0) throw new InvalidArgumentError('append needs at least one input file');
  const mode = (opts.mode ?? 'append') as WriteMode;
  if (mode !== 'append' && mode !== 'overwrite')
    throw new InvalidArgumentError(`--mode must be append or overwrite (got ${opts.mode})`);
  const schemaMode = opts.schemaMode as SchemaMode | undefined;
  if (schemaMode !== undefined && schemaMode !== 'merge' && schemaMode !== 'overwrite') {
    throw new InvalidArgumentError(`--schema-mode must be merge or overwrite (got ${opts.schemaMode})`);
  }
  if (opts.format !== undefined && !FORMATS.has(opts.format)) {
    throw new InvalidArgumentError(`--format must be parquet, csv or ndjson (got ${opts.format})`);
  }
  const open = openOptions(opts);
  // The table's types are the target of text parsing (an overwrite of the schema infers instead).
  const schema = schemaMode === 'overwrite' ? undefined : await tableArrowSchema(uri, open);
  const progress = appendProgress(out, tty, tty ? await inputSize(files, open) : undefined);
  const input = readInputFiles(files, open, {
    format: opts.format as InputFormat | undefined,
    delimiter: opts.delimiter,
    header: opts.header,
    encoding: opts.encoding,
    maxColumns: opts.maxColumns !== undefined ? parsePositiveCount(opts.maxColumns, '--max-columns') : undefined,
    schema,
    meter: tty ? progress : undefined,
  });
  const store = meteredStore(storeForUri(uri, open.storageOptions), {
    written: (path) => {
      if (!path.startsWith('_delta_log/')) progress.fileWritten();
    },
  });
  let result: WriteResult;
  try {
    result = await writeDeltaTable(store, input, {
      ...open,
      mode,
      schemaMode,
      partitionBy: opts.partitionBy ? opts.partitionBy.split(',').map((s) => s.trim()) : undefined,
      replaceWhere: opts.replaceWhere,
      partitionOverwrite: opts.partitionOverwrite === 'dynamic' ? 'dynamic' : undefined,
      properties: parseProperties(opts.property),
    });
  } finally {
    progress.stop();
  }
  const m = result.metrics;
  out(
    `${result.created ? 'created' : 'committed'} version ${result.version}: ${counted(m.numOutputRows, 'row')} in ${counted(m.numFiles, 'file')}, ${formatBytes(m.numOutputBytes)}` +
      (m.numRemovedFiles ? `; removed ${counted(m.numRemovedFiles, 'file')}` : '') +
      (result.conflictsRetried ? `; ${counted(result.conflictsRetried, 'concurrent commit')} retried` : '') +
      '\n',
  );
  if (result.postCommit?.manifestError) out(`warning: ${result.postCommit.manifestError.message}\n`);
}
