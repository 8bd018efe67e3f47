/** `checkpoint <table>` and `cleanup-logs <table> [--dry-run]`: log maintenance. */
import { DeltaTable } from '@delta-serverless/core';
import { cleanupExpiredLogs } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';
import { counted, formatBytes } from '../output/format.js';

export async function checkpointCommand(uri: string, opts: CommonOptions, out: (s: string) => void): Promise<void> {
  const table = await DeltaTable.open(uri, openOptions(opts));
  const r = await table.checkpoint();
  out(
    `checkpoint of version ${r.version} written: ${r.path} (${counted(r.size, 'action')}, ${formatBytes(r.sizeInBytes)}; ` +
      `${counted(r.numOfAddFiles, 'file')}, ${counted(r.numOfRemoveFiles, 'tombstone')})` +
      `${r.lastCheckpointUpdated ? '' : '; _last_checkpoint already names a newer checkpoint'}\n`,
  );
}

export interface CleanupLogsCommandOptions extends CommonOptions {
  dryRun?: boolean;
}

export async function cleanupLogsCommand(
  uri: string,
  opts: CleanupLogsCommandOptions,
  out: (s: string) => void,
): Promise<void> {
  const table = await DeltaTable.open(uri, openOptions(opts));
  const r = await cleanupExpiredLogs(table.engine, table.snapshot.state, { dryRun: !!opts.dryRun });
  const cutoff = new Date(r.cutoffTimestamp).toISOString();
  if (r.skipped === 'disabled') {
    out('log cleanup is disabled for this table (delta.enableExpiredLogCleanup=false); nothing deleted\n');
    return;
  }
  if (r.skipped === 'no-checkpoint-before-cutoff') {
    out(`no checkpoint at or before the cutoff ${cutoff}: nothing can be deleted yet (write a checkpoint first)\n`);
    return;
  }
  if (opts.dryRun) for (const p of r.deleted) out(`  ${p}\n`);
  out(
    `${opts.dryRun ? 'would delete' : 'deleted'} ${counted(r.deleted.length, 'expired log file')} older than ${cutoff}; ` +
      `the log now starts at the checkpoint of version ${r.checkpointVersion}\n`,
  );
}
