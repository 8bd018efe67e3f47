/** The serverless pipeline on this machine: dev (until Ctrl-C) and demo. */
import type { Command } from 'commander';
import type { Io } from '../io.js';
import type { DemoOptions } from '../commands/demo.js';
import type { DevOptions } from '../commands/dev.js';

export function defineLocalCommands(program: Command, io: Io): void {
  program
    .command('demo')
    .description(
      'the serverless pipeline end to end on the local stack: uploads, exactly-once commits, queries, maintenance',
    )
    .option('--verbose', "print the local stack's log lines")
    .action(async (opts: DemoOptions) => (await import('../commands/demo.js')).demoCommand(opts, io.out));

  program
    .command('dev')
    .description(
      'run the local stack (embedded S3 + SQS + DynamoDB) with the ingest and maintenance handlers until Ctrl-C',
    )
    .option(
      '--data-dir <dir>',
      'keep objects, queued messages and lock items here across restarts',
      '.delta-serverless',
    )
    .option('--port <n>', 'S3 and SQS endpoint port on 127.0.0.1 (0: any free port)', '4566')
    .option('--dynamodb-port <n>', 'DynamoDB endpoint port on 127.0.0.1 (0: any free port)', '4567')
    .option('--routes <json>', 'ingest routes (JSON list); default landing/{events,sales,orders}/ -> tables/<name>')
    .option('--maintenance-every <duration>', 'run the maintenance handler this often, e.g. 60s or 5m', '5m')
    .action(async (opts: DevOptions) => (await import('../commands/dev.js')).devCommand(opts, io));
}
