/** Commands that write a table: append, create, convert, restore. */
import { Option, type Command } from 'commander';
import type { Io } from '../io.js';
import type { AppendCommandOptions } from '../commands/append.js';
import type { ConvertCommandOptions } from '../commands/convert.js';
import type { CreateCommandOptions } from '../commands/create.js';
import type { RestoreCommandOptions } from '../commands/restore.js';
import { collect, load, storageOption } from './shared.js';

function defineAppend(program: Command, io: Io): void {
  program
    .command('append')
    .description('append (or overwrite with) Parquet, CSV/TSV or NDJSON files (.gz too); creates the table if absent')
    .argument('<table>', 'table path or URI')
    .argument(
      '<files...>',
      'input files: local paths or s3:// URIs (.parquet, .csv, .tsv, .json/.jsonl/.ndjson, + .gz)',
    )
    .addOption(
      new Option('--format <format>', 'input format (default: from each file extension)').choices([
        'parquet',
        'csv',
        'ndjson',
      ]),
    )
    .option('--delimiter <char>', 'CSV field delimiter (default: , or, when the header has none, ; tab or |)')
    .option('--no-header', "CSV files have no header row (columns by position: the table's, else _c0, _c1, ...)")
    .option('--max-columns <n>', 'refuse input files with more columns than this (default 10000)')
    .option(
      '--encoding <name>',
      'text encoding of CSV/NDJSON files: utf-8 (default; invalid bytes are refused), latin1 or windows-1252 (converted)',
    )
    .addOption(new Option('--mode <mode>', 'append or overwrite').choices(['append', 'overwrite']).default('append'))
    .option('--partition-by <a,b>', 'partition columns (new tables)')
    .addOption(
      new Option(
        '--schema-mode <mode>',
        'merge: add new columns; overwrite: replace the schema (with --mode overwrite)',
      ).choices(['merge', 'overwrite']),
    )
    .option('--replace-where <expr>', 'with --mode overwrite: replace only rows matching this predicate')
    .addOption(
      new Option('--partition-overwrite <mode>', 'dynamic: replace only the partitions in the data').choices([
        'static',
        'dynamic',
      ]),
    )
    .option('--property <key=value>', 'table property for a new table; repeatable', collect)
    .addOption(
      new Option(
        '--cdc <format>',
        'the files are change files applied by key through MERGE: AWS DMS (CSV/Parquet, Op column) or Debezium (JSON lines)',
      ).choices(['dms', 'debezium']),
    )
    .option('--key <col,col>', 'with --cdc: the key columns each change applies to')
    .option(
      '--sequence <col>',
      'with --cdc: the column ordering changes to a key (kept in the table); older changes never overwrite newer rows',
    )
    .addOption(
      new Option(
        '--deletes <mode>',
        'with --cdc: remove deleted rows (default) or keep them as tombstones (_cdc_deleted = true)',
      ).choices(['remove', 'tombstone']),
    )
    .option(
      '--tombstone-retention <interval>',
      "with --cdc and --deletes remove: how long deletes are remembered so older changes stay deleted (e.g. 'interval 30 days')",
    )
    .addOption(storageOption())
    .action(async (uri: string, files: string[], opts: AppendCommandOptions) =>
      [opts.cdc, opts.key, opts.sequence, opts.deletes, opts.tombstoneRetention].some((v) => v !== undefined)
        ? (await load([uri, ...files], () => import('../commands/append-cdc.js'))).appendChangesCommand(
            uri,
            files,
            opts,
            io.out,
          )
        : (await load([uri, ...files], () => import('../commands/append.js'))).appendCommand(
            uri,
            files,
            opts,
            io.out,
            io.tty ?? false,
          ),
    );
}

export function defineWriteCommands(program: Command, io: Io): void {
  defineAppend(program, io);

  program
    .command('create')
    .description('create an empty table from a schema file')
    .argument('<table>', 'table path or URI')
    .requiredOption('--schema <file.json>', 'Delta JSON schema, or {"column": "type", ...}')
    .option('--partition-by <a,b>', 'partition columns')
    .option('--property <key=value>', 'table property; repeatable', collect)
    .option('--description <text>', 'table description')
    .option('--if-not-exists', 'succeed without change when the table exists')
    .addOption(storageOption())
    .action(async (uri: string, opts: CreateCommandOptions) =>
      (await load([uri], () => import('../commands/create.js'))).createCommand(uri, opts, io.out),
    );

  program
    .command('convert')
    .description('make a directory (or s3:// prefix) of Parquet files a Delta table in place (CONVERT TO DELTA)')
    .argument('<dir>', 'directory path or URI holding the Parquet files')
    .option('--partition-by <k:type,...>', 'partition columns of the k=v directories, in order (default: inferred)')
    .option('--property <key=value>', 'table property; repeatable', collect)
    .option('--name <name>', 'table name')
    .addOption(storageOption())
    .action(async (uri: string, opts: ConvertCommandOptions) =>
      (await load([uri], () => import('../commands/convert.js'))).convertCommand(uri, opts, io.out),
    );

  program
    .command('restore')
    .description("restore the table's data to an earlier version, as a new commit")
    .argument('<table>', 'table path or URI')
    .option('--version <n>', 'version to restore')
    .option(
      '--timestamp <t>',
      'restore the version current at this time (ISO-8601, UTC unless an offset is given, or epoch ms as 1714564800000ms)',
    )
    .addOption(storageOption())
    .action(async (uri: string, opts: RestoreCommandOptions) =>
      (await load([uri], () => import('../commands/restore.js'))).restoreCommand(uri, opts, io.out),
    );
}
