/**
 * `changes <table> --from V [--to V] [--format table|ndjson|csv] [--limit N]`: the change data
 * feed of versions V..to, each row with `_change_type`, `_commit_version` and
 * `_commit_timestamp`, in the same value encoding as `scan`. Like scan, it stops quietly when
 * the reader of `out` is gone (`closed`, e.g. `| head`).
 */
import { DeltaTable, InvalidArgumentError, type StructField, type StructType } from '@delta-serverless/core';
import { parseCount, parseVersion } from '@delta-serverless/core/internal';
import { rowWriter, type RowFormat } from '../output/rows.js';
import { openOptions, type CommonOptions } from './common.js';

export interface ChangesCommandOptions extends CommonOptions {
  from?: string;
  to?: string;
  columns?: string;
  format: RowFormat;
  limit?: string;
}

const meta = (name: string, type: StructField['type']): StructField => ({ name, type, nullable: false, metadata: {} });

export async function changesCommand(
  uri: string,
  opts: ChangesCommandOptions,
  out: (s: string) => void,
  closed: () => boolean = () => false,
): Promise<void> {
  if (!['table', 'ndjson', 'csv'].includes(opts.format))
    throw new InvalidArgumentError(`--format must be table, ndjson or csv (got ${opts.format})`);
  if (opts.from === undefined) throw new InvalidArgumentError('changes needs --from V (the first version to read)');
  const startVersion = parseVersion(opts.from, '--from');
  const endVersion = opts.to !== undefined ? parseVersion(opts.to, '--to') : undefined;
  if (endVersion !== undefined && endVersion < startVersion)
    throw new InvalidArgumentError(`--to ${endVersion} is before --from ${startVersion}`);
  const limit = opts.limit !== undefined ? parseCount(opts.limit, '--limit') : opts.format === 'table' ? 20 : Infinity;
  const columns = opts.columns
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const table = await DeltaTable.open(uri, openOptions(opts));
  const data = (columns ?? table.snapshot.schema.fields.map((f) => f.name)).map((n) => {
    const f = table.snapshot.schema.fields.find((x) => x.name === n);
    if (!f) throw new InvalidArgumentError(`--columns: column "${n}" is not in the table`);
    return f;
  });
  const schema: StructType = {
    type: 'struct',
    fields: [
      ...data,
      meta('_change_type', { type: 'string' }),
      meta('_commit_version', { type: 'long' }),
      meta('_commit_timestamp', { type: 'timestamp' }),
    ],
  };
  const writer = rowWriter(opts.format, schema, out, limit);
  let seen = 0;
  for await (const batch of table.tableChanges({ startVersion, endVersion, columns: data.map((f) => f.name) })) {
    writer.write(batch);
    seen += batch.numRows;
    if (seen >= limit || closed()) break;
  }
  writer.end();
}
