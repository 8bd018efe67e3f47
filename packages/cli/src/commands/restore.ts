/** `restore <table> --version N | --timestamp T`. */
import { DeltaTable, InvalidArgumentError } from '@delta-serverless/core';
import { parseTimestamp, parseVersion } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';

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
    `restored to version ${r.restoredVersion} as version ${r.version}: ${m.numRestoredFiles} file(s) restored (${m.restoredFilesSize} bytes), ` +
      `${m.numRemovedFiles} removed (${m.removedFilesSize} bytes); table now has ${m.numOfFilesAfterRestore} file(s), ${m.tableSizeAfterRestore} bytes\n`,
  );
  if (r.postCommit?.manifestError) out(`warning: ${r.postCommit.manifestError.message}\n`);
}
