/** Commands that read a table: scan, history, describe. */
import { Option, type Command } from 'commander';
import type { Io } from '../io.js';
import type { DescribeCommandOptions } from '../commands/describe.js';
import type { HistoryCommandOptions } from '../commands/history.js';
import type { ScanCommandOptions } from '../commands/scan.js';
import { load, storageOption } from './shared.js';

export function defineReadCommands(program: Command, io: Io): void {
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
    .addOption(storageOption())
    .action(async (uri: string, opts: ScanCommandOptions) =>
      (await load([uri], () => import('../commands/scan.js'))).scanCommand(uri, opts, io.out, io.outClosed),
    );

  program
    .command('history')
    .description('list the commits of a table, newest first')
    .argument('<table>', 'table path or URI')
    .option('--limit <n>', 'at most n entries')
    .option('--json', 'one JSON object per commit')
    .addOption(storageOption())
    .action(async (uri: string, opts: HistoryCommandOptions) =>
      (await load([uri], () => import('../commands/history.js'))).historyCommand(uri, opts, io.out),
    );

  program
    .command('describe')
    .description('protocol, features, schema, constraints, partitioning, files, size and properties')
    .argument('<table>', 'table path or URI')
    .option('--version <n>', 'describe this version')
    .option('--json', 'machine-readable output')
    .addOption(storageOption())
    .action(async (uri: string, opts: DescribeCommandOptions) =>
      (await load([uri], () => import('../commands/describe.js'))).describeCommand(uri, opts, io.out),
    );
}
