/** Table maintenance: optimize, vacuum, checkpoint, cleanup-logs, generate-manifest. */
import type { Command } from 'commander';
import type { Io } from '../io.js';
import type { CleanupLogsCommandOptions } from '../commands/checkpoint.js';
import type { CommonOptions } from '../commands/common.js';
import type { OptimizeCommandOptions } from '../commands/optimize.js';
import type { VacuumCommandOptions } from '../commands/vacuum.js';
import { load, storageOption } from './shared.js';

function defineOptimizeVacuum(program: Command, io: Io): void {
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
    .addOption(storageOption())
    .action(async (uri: string, opts: OptimizeCommandOptions) =>
      (await load([uri], () => import('../commands/optimize.js'))).optimizeCommand(uri, opts, io.out, io.tty ?? false),
    );

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
    .addOption(storageOption())
    .action(async (uri: string, opts: VacuumCommandOptions) =>
      (await load([uri], () => import('../commands/vacuum.js'))).vacuumCommand(uri, opts, io.out, io.tty ?? false),
    );
}

export function defineMaintenanceCommands(program: Command, io: Io): void {
  defineOptimizeVacuum(program, io);

  program
    .command('checkpoint')
    .description('write a checkpoint of the latest version')
    .argument('<table>', 'table path or URI')
    .addOption(storageOption())
    .action(async (uri: string, opts: CommonOptions) =>
      (await load([uri], () => import('../commands/checkpoint.js'))).checkpointCommand(uri, opts, io.out),
    );

  program
    .command('cleanup-logs')
    .description('delete log files older than delta.logRetentionDuration that no retained version needs')
    .argument('<table>', 'table path or URI')
    .option('--dry-run', 'list the log files that would be deleted')
    .addOption(storageOption())
    .action(async (uri: string, opts: CleanupLogsCommandOptions) =>
      (await load([uri], () => import('../commands/checkpoint.js'))).cleanupLogsCommand(uri, opts, io.out),
    );

  program
    .command('generate-manifest')
    .description(
      'write _symlink_format_manifest/ (one manifest of live files per partition) for Presto / Redshift Spectrum',
    )
    .argument('<table>', 'table path or URI')
    .addOption(storageOption())
    .action(async (uri: string, opts: CommonOptions) =>
      (await load([uri], () => import('../commands/generate-manifest.js'))).generateManifestCommand(uri, opts, io.out),
    );
}
