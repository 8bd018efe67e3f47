/**
 * `append <table> <file>... --cdc dms|debezium --key col[,col] [--sequence col]`: apply
 * change files (AWS DMS CSV/Parquet, Debezium JSON lines) to a table by key through MERGE,
 * one commit per file, in the order given; the table is created from the first file when
 * absent. With `--sequence` (and always for Debezium, ordered by the envelope) a change
 * older than the row it would overwrite is dropped.
 */
import { InvalidArgumentError, storeForUri } from '@delta-serverless/core';
import {
  applyChangeFile,
  createEngine,
  parseIntervalMs,
  readChanges,
  type ApplyChangesResult,
  type CdcDeletes,
  type ChangeFormat,
  type InputFormat,
} from '@delta-serverless/core/internal';
import { parseProperties, type AppendCommandOptions } from './append.js';
import { openOptions } from './common.js';
import { locateFile, unescapeDelimiter } from './input-files.js';
import { counted } from '../output/format.js';

const CONFLICTING: [keyof AppendCommandOptions, string][] = [
  ['replaceWhere', '--replace-where'],
  ['partitionOverwrite', '--partition-overwrite'],
];

/** Check the flags of a change-file append; returns the parsed key columns. */
export function checkCdcFlags(opts: AppendCommandOptions): {
  cdc: ChangeFormat;
  keys: string[];
  deletes?: CdcDeletes;
  tombstoneRetention?: string;
} {
  if (opts.cdc === undefined)
    throw new InvalidArgumentError(
      '--key, --sequence, --deletes and --tombstone-retention apply only with --cdc dms|debezium',
    );
  if (opts.cdc !== 'dms' && opts.cdc !== 'debezium')
    throw new InvalidArgumentError(`--cdc must be dms or debezium (got ${opts.cdc})`);
  const keys = (opts.key ?? '').split(',').map((k) => k.trim());
  if (opts.key === undefined || keys.some((k) => k === ''))
    throw new InvalidArgumentError('--cdc needs --key col[,col]: the columns that name the row each change applies to');
  if (opts.mode !== undefined && opts.mode !== 'append')
    throw new InvalidArgumentError(`--mode ${opts.mode} cannot be combined with --cdc: changes are merged by key`);
  for (const [flag, name] of CONFLICTING)
    if (opts[flag] !== undefined)
      throw new InvalidArgumentError(`${name} cannot be combined with --cdc: changes are merged by key`);
  if (opts.schemaMode !== undefined && opts.schemaMode !== 'merge')
    throw new InvalidArgumentError(
      `--schema-mode ${opts.schemaMode} cannot be combined with --cdc (only merge: add the changes' new columns)`,
    );
  if (opts.sequence !== undefined && opts.sequence.trim() === '')
    throw new InvalidArgumentError('--sequence needs a column name');
  const deletes = opts.deletes;
  if (deletes !== undefined && deletes !== 'remove' && deletes !== 'tombstone')
    throw new InvalidArgumentError(`--deletes must be remove or tombstone (got ${deletes})`);
  if (deletes === 'tombstone' && opts.cdc === 'dms' && opts.sequence === undefined)
    throw new InvalidArgumentError(
      '--deletes tombstone needs --sequence with --cdc dms (DMS files carry no order of their own)',
    );
  if (opts.cdc === 'dms' && opts.format === 'ndjson')
    throw new InvalidArgumentError('--cdc dms reads CSV or Parquet: --format ndjson does not apply');
  if (opts.cdc === 'debezium' && opts.format !== undefined && opts.format !== 'ndjson')
    throw new InvalidArgumentError('--cdc debezium reads JSON lines: drop --format or use --format ndjson');
  const retention = checkRetention(opts.tombstoneRetention, deletes);
  return { cdc: opts.cdc, keys, ...(deletes ? { deletes } : {}), ...retention };
}

function checkRetention(retention: string | undefined, deletes: string | undefined): { tombstoneRetention?: string } {
  if (retention === undefined) return {};
  if (deletes === 'tombstone')
    throw new InvalidArgumentError('--tombstone-retention applies to --deletes remove only (tombstone rows stay)');
  try {
    parseIntervalMs(retention);
  } catch {
    throw new InvalidArgumentError(
      `--tombstone-retention must be an interval such as 'interval 30 days' (got ${retention})`,
    );
  }
  return { tombstoneRetention: retention };
}

function summary(file: string, r: ApplyChangesResult): string {
  const m = r.metrics;
  const n = (k: string) => m[k] ?? 0;
  return (
    `${file}: ${counted(r.changes, 'change')} to ${counted(r.keys, 'key')}: ` +
    `${n('numTargetRowsInserted')} inserted, ${n('numTargetRowsUpdated')} updated, ${n('numTargetRowsDeleted')} deleted` +
    (r.snapshot ? ` (version ${r.snapshot.version})` : ' (no table: the file holds no change)') +
    (r.conflictsRetried ? `; ${counted(r.conflictsRetried, 'concurrent commit')} retried` : '') +
    '\n'
  );
}

/** Apply each file in turn. */
export async function appendChangesCommand(
  uri: string,
  files: string[],
  opts: AppendCommandOptions,
  out: (s: string) => void,
): Promise<void> {
  if (files.length === 0) throw new InvalidArgumentError('append needs at least one input file');
  const flags = checkCdcFlags(opts);
  const open = openOptions(opts);
  const engine = createEngine(storeForUri(uri, open.storageOptions));
  const partitionBy = opts.partitionBy ? opts.partitionBy.split(',').map((s) => s.trim()) : undefined;
  for (const file of files) {
    const { store, key } = locateFile(file, open);
    const r = await applyChangeFile(engine, {
      ...flags,
      sequence: opts.sequence,
      key: file,
      partitionBy,
      schemaEvolution: opts.schemaMode === 'merge',
      properties: parseProperties(opts.property),
      read: (schema) =>
        readChanges(store, key, {
          cdc: flags.cdc,
          sequence: opts.sequence,
          schema,
          format: opts.format as InputFormat | undefined,
          encoding: opts.encoding,
          csv: {
            ...(opts.delimiter !== undefined ? { delimiter: unescapeDelimiter(opts.delimiter) } : {}),
            ...(opts.header === false ? { header: false } : {}),
          },
        }),
    });
    out(summary(file, r));
  }
}
