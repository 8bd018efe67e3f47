/**
 * `delete <table> --where EXPR` and `update <table> --set 'col = expr' [--set ...] [--where EXPR]`:
 * run the statement (deletion vectors when the table enables them), show progress on long
 * runs, then print what changed: rows, files removed and added, deletion vectors, bytes.
 */
import {
  DeltaTable,
  InvalidArgumentError,
  type DeleteResult,
  type DmlProgress,
  type UpdateResult,
} from '@delta-serverless/core';
import { parseSetClause } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';
import { createProgress, formatBytes, type Progress } from './progress.js';

export interface DeleteCommandOptions extends CommonOptions {
  where?: string;
}

export interface UpdateCommandOptions extends CommonOptions {
  set?: string[];
  where?: string;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function onProgress(progress: Progress): (p: DmlProgress) => void {
  return (p) => {
    if (p.phase !== 'committing')
      progress.update({ phase: 'scanning and rewriting files', done: p.filesDone, total: p.filesTotal });
  };
}

/** The end-of-run summary of a DELETE or UPDATE. */
export function formatDmlSummary(op: 'DELETE' | 'UPDATE', uri: string, r: DeleteResult | UpdateResult): string {
  const m = r.metrics;
  const rows = 'numDeletedRows' in m ? m.numDeletedRows : m.numUpdatedRows;
  const verb = op === 'DELETE' ? 'deleted' : 'updated';
  if (r.noop) return `${op} on ${uri}: no row matched; nothing committed (version ${r.version})\n`;
  const lines = [
    `${op} on ${uri}: committed version ${r.version}`,
    `  rows ${verb}: ${rows}, copied: ${m.numCopiedRows}`,
    `  files removed: ${m.numRemovedFiles} (${formatBytes(m.numRemovedBytes)}), added: ${m.numAddedFiles} (${formatBytes(m.numAddedBytes)})`,
    `  deletion vectors written: ${m.numDeletionVectorsAdded + m.numDeletionVectorsUpdated} ` +
      `(${m.numDeletionVectorsUpdated} merged with existing ones; ${m.numDeletionVectorFiles} file(s), ${formatBytes(m.deletionVectorBytes)}), ` +
      `removed: ${m.numDeletionVectorsRemoved}`,
    `  change data files: ${m.numAddedChangeFiles} (${formatBytes(m.changeFileBytes)})`,
    `  files scanned: ${m.numScannedFiles} of ${m.numFilesBeforeSkipping} (${m.numFilesBeforeSkipping - m.numFilesAfterSkipping} skipped by partition values and statistics), ` +
      `${formatBytes(m.bytesRead)} read`,
    `  time: scan ${secs(m.scanTimeMs)}, rewrite ${secs(m.rewriteTimeMs)}, commit ${secs(m.commitMs)}` +
      (r.conflictsRetried > 0 ? `; ${r.conflictsRetried} concurrent commit(s) retried over` : ''),
  ];
  return `${lines.join('\n')}\n`;
}

export async function deleteCommand(
  uri: string,
  opts: DeleteCommandOptions,
  out: (s: string) => void,
  tty = false,
): Promise<void> {
  if (opts.where === undefined || opts.where.trim() === '')
    throw new InvalidArgumentError("delete needs --where EXPR (use --where 'true' to delete every row)");
  const table = await DeltaTable.open(uri, openOptions(opts));
  const progress = createProgress(out, tty);
  let r: DeleteResult;
  try {
    r = await table.delete(opts.where, { onProgress: onProgress(progress) });
  } finally {
    progress.stop();
  }
  out(formatDmlSummary('DELETE', table.uri, r));
}

export async function updateCommand(
  uri: string,
  opts: UpdateCommandOptions,
  out: (s: string) => void,
  tty = false,
): Promise<void> {
  if (!opts.set || opts.set.length === 0)
    throw new InvalidArgumentError("update needs at least one --set 'column = expression'");
  const set: Record<string, string> = {};
  for (const clause of opts.set) {
    const { column, expression } = parseSetClause(clause);
    if (column in set) throw new InvalidArgumentError(`--set names column ${column} twice`);
    set[column] = expression;
  }
  const table = await DeltaTable.open(uri, openOptions(opts));
  const progress = createProgress(out, tty);
  let r: UpdateResult;
  try {
    r = await table.update({ where: opts.where, set }, { onProgress: onProgress(progress) });
  } finally {
    progress.stop();
  }
  out(formatDmlSummary('UPDATE', table.uri, r));
}
