/**
 * The `delta-serverless` command line: one subcommand per file under commands/, wired
 * here with commander. Errors from the engine are typed and already say what to do, so
 * they print as one line without a stack.
 */
import { Command, Option } from 'commander';
// Registers s3:// and s3a:// so every command works on S3 tables.
import '@delta-serverless/aws';
import { DeltaError } from '@delta-serverless/core';
import { appendCommand } from './commands/append.js';
import { convertCommand } from './commands/convert.js';
import { createCommand } from './commands/create.js';
import { createLockTableCommand } from './commands/lock-table.js';
import { demoCommand } from './commands/demo.js';
import { devCommand } from './commands/dev.js';
import { restoreCommand } from './commands/restore.js';
import { checkpointCommand, cleanupLogsCommand } from './commands/checkpoint.js';
import { vacuumCommand } from './commands/vacuum.js';
import { optimizeCommand } from './commands/optimize.js';
import { describeCommand } from './commands/describe.js';
import { historyCommand } from './commands/history.js';
import { scanCommand } from './commands/scan.js';
import { changesCommand } from './commands/changes.js';
import { deleteCommand, updateCommand } from './commands/dml.js';
import { safeSink } from './output/stdio.js';
import { catalogShowCommand, catalogSyncCommand } from './commands/catalog.js';
import { generateManifestCommand } from './commands/generate-manifest.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stdout is a terminal: draw progress bars (else progress prints as plain lines). */
  tty?: boolean;
  /** The reader of `out` went away (a closed pipe): commands that only print may stop. */
  outClosed?: () => boolean;
}

/** Created on first use: a test importing the program must not hook the process's streams. */
let stdio: Io | undefined;
function processIo(): Io {
  if (!stdio) {
    const stdout = safeSink(process.stdout);
    const stderr = safeSink(process.stderr);
    stdio = { out: stdout.write, err: stderr.write, tty: process.stdout.isTTY === true, outClosed: stdout.closed };
  }
  return stdio;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const storage = () =>
  new Option(
    '--storage-option <key=value>',
    'storage option (delta-rs names, e.g. AWS_REGION=eu-west-1); repeatable',
  ).argParser(collect);

export function buildProgram(io: Io = processIo()): Command {
  const program = new Command('delta-serverless')
    .description('Delta Lake tables on local disk and S3: read, inspect, write and maintain')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  addReadCommands(program, io);
  addWriteCommands(program, io);
  addRowLevelCommands(program, io);
  addMaintenanceCommands(program, io);
  addLocalStackCommands(program, io);
  return program;
}

/** Commands that read a table. */
function addReadCommands(program: Command, io: Io): void {
  program
    .command('scan')
    .description('print the rows of a table')
    .argument('<table>', 'table path or URI')
    .option('--version <n>', 'read this version (time travel)')
    .option(
      '--timestamp <t>',
      'read the version current at this time (ISO-8601, UTC unless an offset is given, or epoch ms as 1714564800000ms)',
    )
    .option('--columns <a,b>', 'comma-separated columns to return')
    .option('--where <expr>', 'row filter, e.g. "id > 3 AND country = \'NZ\'"')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'ndjson', 'csv']).default('table'))
    .option('--limit <n>', 'stop after n rows (default 20 for --format table)')
    .addOption(storage())
    .action((uri: string, opts) => scanCommand(uri, opts, io.out, io.outClosed));

  program
    .command('history')
    .description('list the commits of a table, newest first')
    .argument('<table>', 'table path or URI')
    .option('--limit <n>', 'at most n entries')
    .option('--json', 'one JSON object per commit')
    .addOption(storage())
    .action((uri: string, opts) => historyCommand(uri, opts, io.out));

  program
    .command('describe')
    .description('protocol, features, schema, partitioning, files, size and properties')
    .argument('<table>', 'table path or URI')
    .option('--version <n>', 'describe this version')
    .option('--json', 'machine-readable output')
    .addOption(storage())
    .action((uri: string, opts) => describeCommand(uri, opts, io.out));
}

/** Commands that write data or create, convert and restore tables. */
function addWriteCommands(program: Command, io: Io): void {
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
    .option('--delimiter <char>', 'CSV field delimiter (default , ; tab for .tsv; "\\t" or tab for a tab)')
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
    .addOption(storage())
    .action((uri: string, files: string[], opts) => appendCommand(uri, files, opts, io.out));

  program
    .command('convert')
    .description('make a directory (or s3:// prefix) of Parquet files a Delta table in place (CONVERT TO DELTA)')
    .argument('<dir>', 'directory path or URI holding the Parquet files')
    .option('--partition-by <k:type,...>', 'partition columns of the k=v directories, in order (default: inferred)')
    .option('--property <key=value>', 'table property; repeatable', collect)
    .option('--name <name>', 'table name')
    .addOption(storage())
    .action((uri: string, opts) => convertCommand(uri, opts, io.out));

  program
    .command('create')
    .description('create an empty table from a schema file')
    .argument('<table>', 'table path or URI')
    .requiredOption('--schema <file.json>', 'Delta JSON schema, or {"column": "type", ...}')
    .option('--partition-by <a,b>', 'partition columns')
    .option('--property <key=value>', 'table property; repeatable', collect)
    .option('--description <text>', 'table description')
    .option('--if-not-exists', 'succeed without change when the table exists')
    .addOption(storage())
    .action((uri: string, opts) => createCommand(uri, opts, io.out));

  program
    .command('restore')
    .description("restore the table's data to an earlier version, as a new commit")
    .argument('<table>', 'table path or URI')
    .option('--version <n>', 'version to restore')
    .option(
      '--timestamp <t>',
      'restore the version current at this time (ISO-8601, UTC unless an offset is given, or epoch ms as 1714564800000ms)',
    )
    .addOption(storage())
    .action((uri: string, opts) => restoreCommand(uri, opts, io.out));
}

/** Row-level changes and the change data feed: DELETE, UPDATE, and reading what changed. */
function addRowLevelCommands(program: Command, io: Io): void {
  program
    .command('delete')
    .description('delete the rows matching a predicate (DELETE; deletion vectors when the table enables them)')
    .argument('<table>', 'table path or URI')
    .option('--where <expr>', 'rows to delete, e.g. "customer_id = 42" (\'true\' deletes every row)')
    .addOption(storage())
    .action((uri: string, opts) => deleteCommand(uri, opts, io.out, io.tty ?? false));

  program
    .command('update')
    .description('set columns of the rows matching a predicate (UPDATE)')
    .argument('<table>', 'table path or URI')
    .option('--set <assignment>', "new value, e.g. 'price = price * 1.1' or \"country = 'NZ'\"; repeatable", collect)
    .option('--where <expr>', 'rows to update (default: every row)')
    .addOption(storage())
    .action((uri: string, opts) => updateCommand(uri, opts, io.out, io.tty ?? false));

  program
    .command('changes')
    .description('print the change data feed (rows with _change_type, _commit_version, _commit_timestamp)')
    .argument('<table>', 'table path or URI')
    .option('--from <v>', 'first version')
    .option('--to <v>', 'last version (default: the latest)')
    .option('--columns <a,b>', 'comma-separated data columns to return')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'ndjson', 'csv']).default('table'))
    .option('--limit <n>', 'stop after n rows (default 20 for --format table)')
    .addOption(storage())
    .action((uri: string, opts) => changesCommand(uri, opts, io.out, io.outClosed));
}

/** Maintenance: VACUUM, OPTIMIZE, checkpoints, log cleanup, the lock table. */
function addMaintenanceCommands(program: Command, io: Io): void {
  program
    .command('vacuum')
    .description('delete files no version inside the retention window references (VACUUM)')
    .argument('<table>', 'table path or URI')
    .option(
      '--retain <duration>',
      "keep files removed within this long, e.g. 168h, 7d (default: the table's delta.deletedFileRetentionDuration, 1 week)",
    )
    .option('--dry-run', 'list the files that would be deleted; delete and commit nothing')
    .option('--full', 'also list the table directory and delete untracked files older than the retention')
    .option('--force', "allow a retention shorter than the table's (unsafe with concurrent readers or writers)")
    .addOption(storage())
    .action((uri: string, opts) => vacuumCommand(uri, opts, io.out, io.tty ?? false));

  program
    .command('optimize')
    .description('compact small files into larger ones, optionally Z-ordered (OPTIMIZE)')
    .argument('<table>', 'table path or URI')
    .option('--where <expr>', 'only partitions matching this predicate on partition columns')
    .option(
      '--target-size <size>',
      "output file size, e.g. 128MB, 1GiB (default: the table's delta.targetFileSize, else 128MB)",
    )
    .option('--zorder <a,b>', 'Z-order (cluster) the rewritten data by these columns')
    .option('--max-bins <n>', 'rewrite at most n bins (groups of files); run again to continue')
    .option('--time-budget <duration>', 'start no bin that would end after this long, e.g. 10m; commit what is done')
    .addOption(storage())
    .action((uri: string, opts) => optimizeCommand(uri, opts, io.out, io.tty ?? false));

  program
    .command('checkpoint')
    .description('write a checkpoint of the latest version')
    .argument('<table>', 'table path or URI')
    .addOption(storage())
    .action((uri: string, opts) => checkpointCommand(uri, opts, io.out));

  program
    .command('cleanup-logs')
    .description('delete log files older than delta.logRetentionDuration that no retained version needs')
    .argument('<table>', 'table path or URI')
    .option('--dry-run', 'list the log files that would be deleted')
    .addOption(storage())
    .action((uri: string, opts) => cleanupLogsCommand(uri, opts, io.out));

  program
    .command('generate-manifest')
    .description(
      'write _symlink_format_manifest/ (one manifest of live files per partition) for Presto / Redshift Spectrum',
    )
    .argument('<table>', 'table path or URI')
    .addOption(storage())
    .action((uri: string, opts) => generateManifestCommand(uri, opts, io.out));

  const catalog = program
    .command('catalog')
    .description('register the table in the AWS Glue Data Catalog (Athena, Trino, Spark/EMR find it by name)');
  const catalogTarget = (cmd: Command) =>
    cmd
      .argument('<table>', 'table URI (s3://bucket/path)')
      .requiredOption('--database <db>', 'Glue database')
      .option('--name <name>', "Glue table name (default: the table's name, else the last path segment)")
      .option('--catalog-id <id>', 'Data Catalog ID (account) when it is not your own')
      .addOption(storage());
  catalogTarget(catalog.command('sync'))
    .description('create or update the Glue table from the Delta log (no write when it already matches)')
    .option('--create-database', 'create the Glue database if it does not exist')
    .action((uri: string, opts) => catalogSyncCommand(uri, opts, io.out));
  catalogTarget(catalog.command('show'))
    .description('print the Glue table and whether it is in sync with the Delta log')
    .option('--json', 'print as JSON')
    .action((uri: string, opts) => catalogShowCommand(uri, opts, io.out));

  program
    .command('create-lock-table')
    .description("create the DynamoDB lock table (Delta Spark's schema, on-demand, TTL on expireTime)")
    .option('--table-name <name>', 'lock table name (default: DELTA_DYNAMO_TABLE_NAME or delta_log)')
    .addOption(storage())
    .action((opts) => createLockTableCommand(opts, io.out));
}

/** The local stack: the demo and `dev`. */
function addLocalStackCommands(program: Command, io: Io): void {
  program
    .command('demo')
    .description(
      'the serverless pipeline end to end on the local stack: uploads, exactly-once commits, queries, maintenance',
    )
    .option('--verbose', "print the local stack's log lines")
    .action((opts) => demoCommand(opts, io.out));

  program
    .command('dev')
    .description(
      'run the local stack (embedded S3 + SQS + DynamoDB) with the ingest and maintenance handlers until Ctrl-C',
    )
    .option('--routes <json>', 'ingest routes (JSON list); default landing/{events,sales,orders}/ -> tables/<name>')
    .option('--maintenance-every <duration>', 'run the maintenance handler this often, e.g. 60s or 5m', '5m')
    .action((opts) =>
      devCommand(
        opts,
        io.out,
        new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        }),
      ),
    );
}

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  // Subcommands copy settings when created, so each needs the override too (else commander
  // calls process.exit(1) on a bad subcommand flag instead of letting us return 2).
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help' ? 0 : 2;
    }
    if (err instanceof DeltaError) {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    io.err(`unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
