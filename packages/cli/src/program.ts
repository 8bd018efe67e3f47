/**
 * The `delta-serverless` command line: one subcommand per file under commands/, wired
 * here with commander. Errors from the engine are typed and already say what to do, so
 * they print as one line without a stack.
 */
import { Command, Option } from 'commander';
import { DeltaError } from '@delta-serverless/core';
import { demoCommand } from './commands/demo.js';
import { describeCommand } from './commands/describe.js';
import { historyCommand } from './commands/history.js';
import { scanCommand } from './commands/scan.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(io: Io = defaultIo): Command {
  const program = new Command('delta-serverless')
    .description('Delta Lake tables on local disk and S3: read, inspect, write and maintain')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const storage = () => new Option('--storage-option <key=value>', 'storage option (delta-rs names, e.g. AWS_REGION=eu-west-1); repeatable').argParser(collect);

  program
    .command('scan')
    .description('print the rows of a table')
    .argument('<table>', 'table path or URI')
    .option('--version <n>', 'read this version (time travel)')
    .option('--timestamp <t>', 'read the version current at this time (ISO-8601)')
    .option('--columns <a,b>', 'comma-separated columns to return')
    .option('--where <expr>', "row filter, e.g. \"id > 3 AND country = 'NZ'\"")
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'ndjson', 'csv']).default('table'))
    .option('--limit <n>', 'stop after n rows (default 20 for --format table)')
    .addOption(storage())
    .action((uri: string, opts) => scanCommand(uri, opts, io.out));

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

  program
    .command('demo')
    .description('run the end-to-end demo')
    .option('--table <path>', 'table to show (default: a table from the conformance corpus)')
    .action((opts) => demoCommand(opts, io.out));

  return program;
}

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const program = buildProgram(io);
  program.exitOverride();
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
