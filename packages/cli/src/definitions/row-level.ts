/** Row-level changes and the change data feed: DELETE, UPDATE, and reading what changed. */
import { Option, type Command } from 'commander';
import type { Io } from '../io.js';
import type { ChangesCommandOptions } from '../commands/changes.js';
import type { DeleteCommandOptions, UpdateCommandOptions } from '../commands/dml.js';
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
