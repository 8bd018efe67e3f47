/** `optimize <table> [--where EXPR] [--target-size 128MB] [--zorder a,b] [--max-bins N] [--time-budget 10m]`. */
import { DeltaTable, InvalidArgumentError, type OptimizeResult } from '@delta-serverless/core';
import { parsePositiveCount } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';
import { createProgress, formatBytes } from './progress.js';

export interface OptimizeCommandOptions extends CommonOptions {
  where?: string;
  targetSize?: string;
  zorder?: string;
  maxBins?: string;
  timeBudget?: string;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** `128MB`, `1GiB`, `512k` or bare bytes -> bytes (binary units, as delta.targetFileSize). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = SIZE_UNITS[(m?.[2] || 'b').toLowerCase()];
  const bytes = m && unit ? Math.round(Number(m[1]) * unit) : NaN;
  if (!(bytes >= 1)) {
    throw new InvalidArgumentError(
      `--target-size expects a size like 128MB, 1GiB or 134217728 (bytes), got ${JSON.stringify(text)}`,
    );
  }
  return bytes;
}

const MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `10m`, `90s`, `1h`, `500ms` or bare seconds -> milliseconds. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(text);
  if (!m || !(Number(m[1]) > 0)) {
    throw new InvalidArgumentError(
      `--time-budget expects a duration like 10m, 90s or 1h (a bare number is seconds), got ${JSON.stringify(text)}`,
    );
  }
  return Number(m[1]) * MS[(m[2] ?? 's').toLowerCase()]!;
}

function parseMaxBins(text: string): number {
  return parsePositiveCount(text, '--max-bins');
}

const secs = (msec: number) => `${(msec / 1000).toFixed(1)}s`;

/** The end-of-run summary: what was rewritten, sizes before/after, time per phase. */
export function formatSummary(uri: string, r: OptimizeResult): string {
  const m = r.metrics;
  if (r.noop) {
    return (
      `OPTIMIZE of ${uri}: nothing to do at version ${r.version} ` +
      `(${m.totalConsideredFiles} file(s) considered, ${m.totalFilesSkipped} already large enough or alone in their partition)\n`
    );
  }
  const lines = [
    `OPTIMIZE of ${uri}: committed version ${r.version}${r.partial ? ' (partial: run again to continue)' : ''}`,
    `  files removed: ${m.numFilesRemoved} (${formatBytes(m.filesRemoved.totalSize)}, avg ${formatBytes(Math.round(m.filesRemoved.avg))})`,
    `  files added:   ${m.numFilesAdded} (${formatBytes(m.filesAdded.totalSize)}, avg ${formatBytes(Math.round(m.filesAdded.avg))})`,
    `  partitions optimized: ${m.partitionsOptimized}; bins: ${m.numBins} run of ${m.binsPlanned} planned` +
      (m.binsNotRun > 0 ? `, ${m.binsNotRun} left for a rerun` : ''),
    `  rows: ${m.rowsRead} read, ${m.rowsWritten} written` +
      (m.rowsDeletedByDv > 0 ? `, ${m.rowsDeletedByDv} dropped by deletion vectors` : ''),
    `  files considered: ${m.totalConsideredFiles}, skipped: ${m.totalFilesSkipped}`,
    `  time: planning ${secs(m.planningMs)}, rewrite ${secs(m.rewriteMs)}, commit ${secs(m.commitMs)}` +
      (r.conflictsRetried > 0 ? `; ${r.conflictsRetried} commit conflict(s) retried` : ''),
  ];
  return `${lines.join('\n')}\n`;
}

export async function optimizeCommand(
  uri: string,
  opts: OptimizeCommandOptions,
  out: (s: string) => void,
  tty = false,
): Promise<void> {
  const targetSize = opts.targetSize !== undefined ? parseSize(opts.targetSize) : undefined;
  const timeBudgetMs = opts.timeBudget !== undefined ? parseDurationMs(opts.timeBudget) : undefined;
  const maxBins = opts.maxBins !== undefined ? parseMaxBins(opts.maxBins) : undefined;
  const zOrderBy = opts.zorder
    ?.split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const table = await DeltaTable.open(uri, openOptions(opts));
  const progress = createProgress(out, tty);
  let r: OptimizeResult;
  try {
    r = await table.optimize({
      where: opts.where,
      targetSize,
      zOrderBy,
      maxBins,
      timeBudgetMs,
      onProgress: (p) => progress.update({ phase: 'rewriting bins', done: p.binsDone, total: p.binsTotal }),
    });
  } finally {
    progress.stop();
  }
  out(formatSummary(table.uri, r));
}
