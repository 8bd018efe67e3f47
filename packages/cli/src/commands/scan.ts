import { DeltaTable, InvalidArgumentError, type StructType } from '@delta-serverless/core';
import { parseCount, parseTimestamp, parseVersion } from '@delta-serverless/core/internal';
import { rowWriter, type RowFormat } from '../output/rows.js';
import { openOptions, type CommonOptions } from './common.js';

export interface ScanCommandOptions extends CommonOptions {
  version?: string;
  timestamp?: string;
  columns?: string;
  where?: string;
  format: RowFormat;
  limit?: string;
}

/** `closed` says the reader of `out` is gone (`| head`): the scan stops early, quietly. */
export async function scanCommand(
  uri: string,
  opts: ScanCommandOptions,
  out: (s: string) => void,
  closed: () => boolean = () => false,
): Promise<void> {
  if (!['table', 'ndjson', 'csv'].includes(opts.format))
    throw new InvalidArgumentError(`--format must be table, ndjson or csv (got ${opts.format})`);
  const table = await DeltaTable.open(uri, openOptions(opts));
  const columns = opts.columns
    ? opts.columns
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean)
    : undefined;
  const limit = opts.limit !== undefined ? parseCount(opts.limit, '--limit') : opts.format === 'table' ? 20 : Infinity;
  const scan = table.scan({
    columns,
    filter: opts.where,
    version: opts.version !== undefined ? parseVersion(opts.version, '--version') : undefined,
    timestamp: opts.timestamp !== undefined ? parseTimestamp(opts.timestamp, '--timestamp') : undefined,
  });
  const arrowSchema = await scan.schema();
  const snapshot = (await scan.prepare()).snapshot;
  const schema: StructType = {
    type: 'struct',
    fields: arrowSchema.fields.map((f) => snapshot.schema.fields.find((x) => x.name === f.name)!),
  };
  const writer = rowWriter(opts.format, schema, out, limit);
  let seen = 0;
  for await (const batch of scan) {
    writer.write(batch);
    seen += batch.numRows;
    if (seen >= limit || closed()) break;
  }
  writer.end();
}
