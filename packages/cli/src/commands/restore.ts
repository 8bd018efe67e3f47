/** `restore <table> --version N | --timestamp T`. */
import { DeltaTable, InvalidArgumentError } from '@delta-serverless/core';
import { parseTimestamp, parseVersion } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';
import { counted, formatBytes, formatCount } from '../output/format.js';

export interface RestoreCommandOptions extends CommonOptions {
  version?: string;
  timestamp?: string;
}

export async function restoreCommand(
  uri: string,
  opts: RestoreCommandOptions,
  out: (s: string) => void,
): Promise<void> {
  if ((opts.version === undefined) === (opts.timestamp === undefined))
    throw new InvalidArgumentError('restore needs exactly one of --version or --timestamp');
  const table = await DeltaTable.open(uri, openOptions(opts));
  const r = await table.restore(
    opts.version !== undefined
      ? { version: parseVersion(opts.version, '--version') }
      : { timestamp: parseTimestamp(opts.timestamp!, '--timestamp') },
  );
  const m = r.metrics;
  out(
    `restored to version ${r.restoredVersion} as version ${r.version}: ${counted(m.numRestoredFiles, 'file')} restored (${formatBytes(m.restoredFilesSize)}), ` +
      `${formatCount(m.numRemovedFiles)} removed (${formatBytes(m.removedFilesSize)}); the table now has ${counted(m.numOfFilesAfterRestore, 'file')}, ${formatBytes(m.tableSizeAfterRestore)}\n`,
  );
  if (r.postCommit?.manifestError) out(`warning: ${r.postCommit.manifestError.message}\n`);
}
