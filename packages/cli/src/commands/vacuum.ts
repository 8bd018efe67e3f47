/** `vacuum <table> [--retain 168h] [--dry-run] [--full] [--force]`. */
import { DeltaTable, InvalidArgumentError } from '@delta-serverless/core';
import { vacuum } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';
import { createProgress, formatBytes } from './progress.js';

export interface VacuumCommandOptions extends CommonOptions {
  retain?: string;
  dryRun?: boolean;
  full?: boolean;
  force?: boolean;
}

const HOURS: Record<string, number> = { m: 1 / 60, min: 1 / 60, h: 1, d: 24, w: 168 };

/** `168h`, `7d`, `1w`, `90m` or a bare number of hours -> hours. */
export function parseRetainHours(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)?\s*$/i.exec(text);
  if (!m) {
    throw new InvalidArgumentError(
      `--retain expects a duration like 168h, 7d, 1w or 90m (a bare number is hours), got ${JSON.stringify(text)}`,
    );
  }
  return Number(m[1]) * HOURS[(m[2] ?? 'h').toLowerCase()]!;
}

export async function vacuumCommand(
  uri: string,
  opts: VacuumCommandOptions,
  out: (s: string) => void,
  tty = false,
): Promise<void> {
  const retentionHours = opts.retain !== undefined ? parseRetainHours(opts.retain) : undefined;
  const table = await DeltaTable.open(uri, openOptions(opts));
  const progress = createProgress(out, tty);
  let r;
  try {
    r = await vacuum(table.snapshot, {
      retentionHours,
      enforceRetention: !opts.force,
      dryRun: !!opts.dryRun,
      mode: opts.full ? 'full' : 'lite',
      onProgress: (p) => progress.update({ ...p, phase: p.phase === 'list' ? 'listing' : 'deleting' }),
    });
  } finally {
    progress.stop();
  }
  const hours = Math.round((r.retentionMs / 3_600_000) * 1000) / 1000;
  out(
    `VACUUM ${r.mode}${r.dryRun ? ' (dry run)' : ''} of ${table.uri} at version ${r.readVersion}: ` +
      `retention ${hours}h, files removed before ${new Date(r.cutoffTimestamp).toISOString()} are eligible\n`,
  );
  const leftovers = r.numIncompleteWrites
    ? `; ${r.dryRun ? 'would discard' : 'discarded'} ${r.numIncompleteWrites} unfinished write(s) of killed writers (temp files, multipart uploads)`
    : '';
  if (r.dryRun) {
    for (const f of r.filesDeleted) out(`  ${f.path}  ${formatBytes(f.size)}\n`);
    if (r.filesDeletedTruncated) out(`  ... and ${r.numFilesDeleted - r.filesDeleted.length} more\n`);
    for (const w of r.incompleteWrites) out(`  ${w.path}  ${formatBytes(w.size)} (unfinished write)\n`);
    out(
      `would delete ${r.numFilesDeleted} file(s), ${formatBytes(r.bytesDeleted)} (${r.bytesDeleted} bytes)${leftovers}\n`,
    );
    return;
  }
  out(
    `deleted ${r.numFilesDeleted} file(s), ${formatBytes(r.bytesDeleted)} (${r.bytesDeleted} bytes) ` +
      `in ${r.numDirectoriesScanned ?? 0} director${r.numDirectoriesScanned === 1 ? 'y' : 'ies'}; ` +
      `commits: VACUUM START ${r.startVersion}, VACUUM END ${r.endVersion}${leftovers}\n`,
  );
}
