/** AWS resources around tables: the Glue Data Catalog and the DynamoDB lock table. */
import type { Command } from 'commander';
import type { Io } from '../io.js';
import type { CatalogShowOptions, CatalogSyncOptions } from '../commands/catalog.js';
import type { LockTableCommandOptions } from '../commands/lock-table.js';
import { load, storageOption } from './shared.js';

export function defineAwsCommands(program: Command, io: Io): void {
  const catalog = program
    .command('catalog')
    .description('register the table in the AWS Glue Data Catalog (Athena, Trino, Spark/EMR find it by name)');
  const catalogTarget = (cmd: Command) =>
    cmd
      .argument('<table>', 'table URI (s3://bucket/path)')
      .requiredOption('--database <db>', 'Glue database')
      .option('--name <name>', "Glue table name (default: the table's name, else the last path segment)")
      .option('--catalog-id <id>', 'Data Catalog ID (account) when it is not your own')
      .addOption(storageOption());
  catalogTarget(catalog.command('sync'))
    .description('create or update the Glue table from the Delta log (no write when it already matches)')
    .option('--create-database', 'create the Glue database if it does not exist')
    .action(async (uri: string, opts: CatalogSyncOptions) =>
      (await load([uri], () => import('../commands/catalog.js'))).catalogSyncCommand(uri, opts, io.out),
    );
  catalogTarget(catalog.command('show'))
    .description('print the Glue table and whether it is in sync with the Delta log')
    .option('--json', 'print as JSON')
    .action(async (uri: string, opts: CatalogShowOptions) =>
      (await load([uri], () => import('../commands/catalog.js'))).catalogShowCommand(uri, opts, io.out),
    );

  program
    .command('create-lock-table')
    .description("create the DynamoDB lock table (Delta Spark's schema, on-demand, TTL on expireTime)")
    .option('--table-name <name>', 'lock table name (default: DELTA_DYNAMO_TABLE_NAME or delta_log)')
    .addOption(storageOption())
    .action(async (opts: LockTableCommandOptions) =>
      (await import('../commands/lock-table.js')).createLockTableCommand(opts, io.out),
    );
}
