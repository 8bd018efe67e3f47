/**
 * `append <table> <file.parquet>...`: write Parquet files from any writer (Spark, DuckDB,
 * pyarrow) into a Delta table, creating it when absent. Foreign types are converted to
 * Delta's (INT96 and nanosecond timestamps -> microseconds, unsigned -> wider signed) or
 * refused with the column named.
 */
import * as path from 'node:path';
import {
  InvalidArgumentError,
  LocalStore,
  openParquetFile,
  writeDeltaTable,
  type SchemaMode,
  type WriteMode,
} from '@delta-serverless/core';
import type * as arrow from 'apache-arrow';
import { openOptions, type CommonOptions } from './common.js';

export interface AppendCommandOptions extends CommonOptions {
  mode?: string;
  partitionBy?: string;
  schemaMode?: string;
  replaceWhere?: string;
  partitionOverwrite?: string;
  property?: string[];
}

async function* readFiles(files: readonly string[]): AsyncGenerator<arrow.RecordBatch> {
  for (const file of files) {
    const abs = path.resolve(file);
    const store = new LocalStore(path.dirname(abs));
    const reader = await openParquetFile(store, path.basename(abs));
    try {
      yield* reader.readBatches({});
    } finally {
      reader.close();
    }
  }
}

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
): Promise<void> {
  if (files.length === 0) throw new InvalidArgumentError('append needs at least one input file');
  const mode = (opts.mode ?? 'append') as WriteMode;
  if (mode !== 'append' && mode !== 'overwrite')
    throw new InvalidArgumentError(`--mode must be append or overwrite (got ${opts.mode})`);
  const schemaMode = opts.schemaMode as SchemaMode | undefined;
  if (schemaMode !== undefined && schemaMode !== 'merge' && schemaMode !== 'overwrite') {
    throw new InvalidArgumentError(`--schema-mode must be merge or overwrite (got ${opts.schemaMode})`);
  }
  const result = await writeDeltaTable(uri, readFiles(files), {
    ...openOptions(opts),
    mode,
    schemaMode,
    partitionBy: opts.partitionBy ? opts.partitionBy.split(',').map((s) => s.trim()) : undefined,
    replaceWhere: opts.replaceWhere,
    partitionOverwrite: opts.partitionOverwrite === 'dynamic' ? 'dynamic' : undefined,
    properties: parseProperties(opts.property),
  });
  const m = result.metrics;
  out(
    `${result.created ? 'created' : 'committed'} version ${result.version}: ${m.numOutputRows} rows in ${m.numFiles} file(s), ${m.numOutputBytes} bytes` +
      (m.numRemovedFiles ? `; removed ${m.numRemovedFiles} file(s)` : '') +
      (result.conflictsRetried ? `; ${result.conflictsRetried} concurrent commit(s) retried` : '') +
      '\n',
  );
}
