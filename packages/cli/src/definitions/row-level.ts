/** Row-level changes and the change data feed: DELETE, UPDATE, and reading what changed. */
import { Option, type Command } from 'commander';
import type { Io } from '../io.js';
import type { ChangesCommandOptions } from '../commands/changes.js';
import type { DeleteCommandOptions, UpdateCommandOptions } from '../commands/dml.js';
import type { MergeCommandOptions } from '../commands/merge.js';
import { collect, load, storageOption } from './shared.js';

export function defineRowLevelCommands(program: Command, io: Io): void {
  program
    .command('delete')
    .description('delete the rows matching a predicate (DELETE; deletion vectors when the table enables them)')
    .argument('<table>', 'table path or URI')
    .option('--where <expr>', 'rows to delete, e.g. "customer_id = 42" (\'true\' deletes every row)')
    .addOption(storageOption())
    .action(async (uri: string, opts: DeleteCommandOptions) =>
      (await load([uri], () => import('../commands/dml.js'))).deleteCommand(uri, opts, io.out, io.tty ?? false),
    );

  program
    .command('update')
    .description('set columns of the rows matching a predicate (UPDATE)')
    .argument('<table>', 'table path or URI')
    .option('--set <assignment>', "new value, e.g. 'price = price * 1.1' or \"country = 'NZ'\"; repeatable", collect)
    .option('--where <expr>', 'rows to update (default: every row)')
    .addOption(storageOption())
    .action(async (uri: string, opts: UpdateCommandOptions) =>
      (await load([uri], () => import('../commands/dml.js'))).updateCommand(uri, opts, io.out, io.tty ?? false),
    );

  defineMergeCommand(program, io);

  program
    .command('changes')
    .description('print the change data feed (rows with _change_type, _commit_version, _commit_timestamp)')
    .argument('<table>', 'table path or URI')
    .option('--from <v>', 'first version')
    .option('--to <v>', 'last version (default: the latest)')
    .option('--columns <a,b>', 'comma-separated data columns to return')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'ndjson', 'csv']).default('table'))
    .option('--limit <n>', 'stop after n rows (default 20 for --format table)')
    .addOption(storageOption())
    .action(async (uri: string, opts: ChangesCommandOptions) =>
      (await load([uri], () => import('../commands/changes.js'))).changesCommand(uri, opts, io.out, io.outClosed),
    );
}

/** `merge`: MERGE INTO the table from source files; clause flags repeat and take `if <condition>`. */
function defineMergeCommand(program: Command, io: Io): void {
  program
    .command('merge')
    .description('upsert / delete by key from source files (MERGE INTO <table> t USING <files> s ON ...)')
    .argument('<table>', 'table path or URI (alias t)')
    .argument(
      '<source-file...>',
      'source files (alias s): local paths or s3:// URIs (.parquet, .csv, .tsv, .json/.jsonl/.ndjson, + .gz)',
    )
    .requiredOption('--on <condition>', "join condition over t (the table) and s (the source), e.g. 't.id = s.id'")
    .option(
      '--when-matched <action>',
      "update-all, delete, or 'update set col = expr, ...' (expressions over t. and s.), optionally followed by " +
        "'if <condition>' (e.g. 'update-all if s.ts > t.ts'); repeatable: the first whose condition holds acts, " +
        'only the last may go without one',
      collect,
    )
    .option(
      '--when-not-matched <action>',
      "insert-all: insert the source rows no table row matched; optionally 'insert-all if <condition over s.>'; repeatable",
      collect,
    )
    .option(
      '--when-not-matched-by-source <action>',
      "delete, or 'update set col = expr, ...': table rows no source row matched; optionally followed by " +
        "'if <condition over t.>'; repeatable",
      collect,
    )
    .option(
      '--with-schema-evolution',
      'add source columns (and struct fields) the table lacks and widen types on a table with type widening (with update-all / insert-all)',
    )
    .addOption(
      new Option('--format <format>', 'source format (default: from each file extension)').choices([
        'csv',
        'ndjson',
        'parquet',
      ]),
    )
    .option('--delimiter <char>', 'CSV field delimiter (default: sniffed from the header)')
    .option('--no-header', 'CSV files have no header row (columns by position)')
    .option('--max-source-bytes <n>', 'most bytes of source held in memory (default 268435456, 256 MiB)')
    .addOption(storageOption())
    .action(async (uri: string, files: string[], opts: MergeCommandOptions) =>
      (await load([uri, ...files], () => import('../commands/merge.js'))).mergeCommand(
        uri,
        files,
        opts,
        io.out,
        io.tty ?? false,
      ),
    );
}
