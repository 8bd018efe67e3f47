/**
 * `merge <table> <source-file>... --on 't.id = s.id' [--when-matched update-all|delete|'update set
 * col = expr, ...'] [--when-not-matched insert-all] [--when-not-matched-by-source delete|'update
 * set ...'] [--format csv|ndjson|parquet]`: MERGE INTO the table (alias `t`) USING the files
 * (alias `s`, read once into memory, at most --max-source-bytes), with progress on long runs
 * and a summary of Spark's MERGE metrics.
 */
import { DeltaTable, InvalidArgumentError, type MergeResult, type DmlProgress } from '@delta-serverless/core';
import { parseSetClause } from '@delta-serverless/core/internal';
import type { InputFormat } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';
import { readInputFiles, tableArrowSchema } from './input-files.js';
import { counted, formatBytes } from '../output/format.js';
import { createProgress, type Progress } from '../output/progress.js';

export interface MergeCommandOptions extends CommonOptions {
  on?: string;
  whenMatched?: string;
  whenNotMatched?: string;
  whenNotMatchedBySource?: string;
  withSchemaEvolution?: boolean;
  format?: InputFormat;
  delimiter?: string;
  header?: boolean;
  maxSourceBytes?: string;
}

type Builder = ReturnType<DeltaTable['merge']>;

/** Split `a = 1, b = f(x, y)` at its top-level commas (not inside quotes or parentheses). */
export function splitAssignments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** `update set col = expr, ...` -> column -> SQL; undefined when the text is not an update. */
function updateSet(flag: string, text: string): Record<string, string> | undefined {
  const m = /^\s*update\s+set\s+([\s\S]+)$/i.exec(text);
  if (!m) return undefined;
  const set: Record<string, string> = {};
  for (const part of splitAssignments(m[1]!)) {
    const { column, expression } = parseSetClause(part);
    if (column in set) throw new InvalidArgumentError(`${flag} sets column ${column} twice`);
    set[column] = expression;
  }
  return set;
}

function addClauses(b: Builder, opts: MergeCommandOptions): void {
  const matched = opts.whenMatched?.trim();
  if (matched !== undefined) {
    const set = updateSet('--when-matched', matched);
    if (matched === 'update-all') b.whenMatchedUpdate('all');
    else if (matched === 'delete') b.whenMatchedDelete();
    else if (set) b.whenMatchedUpdate({ set });
    else
      throw new InvalidArgumentError(
        `--when-matched must be update-all, delete or 'update set col = expr, ...' (got ${JSON.stringify(matched)})`,
      );
  }
  const notMatched = opts.whenNotMatched?.trim();
  if (notMatched !== undefined) {
    if (notMatched !== 'insert-all')
      throw new InvalidArgumentError(`--when-not-matched must be insert-all (got ${JSON.stringify(notMatched)})`);
    b.whenNotMatchedInsert('all');
  }
  const bySource = opts.whenNotMatchedBySource?.trim();
  if (bySource !== undefined) {
    const set = updateSet('--when-not-matched-by-source', bySource);
    if (bySource === 'delete') b.whenNotMatchedBySourceDelete();
    else if (set) b.whenNotMatchedBySourceUpdate({ set });
    else
      throw new InvalidArgumentError(
        `--when-not-matched-by-source must be delete or 'update set col = expr, ...' (got ${JSON.stringify(bySource)})`,
      );
  }
  if (opts.withSchemaEvolution) b.withSchemaEvolution();
}

function checkOptions(files: readonly string[], opts: MergeCommandOptions): number | undefined {
  if (!opts.on || opts.on.trim() === '')
    throw new InvalidArgumentError("merge needs --on, e.g. --on 't.id = s.id' (t: the table, s: the source files)");
  if (files.length === 0) throw new InvalidArgumentError('merge needs at least one source file');
  if (opts.whenMatched === undefined && opts.whenNotMatched === undefined && opts.whenNotMatchedBySource === undefined)
    throw new InvalidArgumentError(
      'merge needs at least one of --when-matched, --when-not-matched and --when-not-matched-by-source',
    );
  if (opts.maxSourceBytes === undefined) return undefined;
  const n = Number(opts.maxSourceBytes);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new InvalidArgumentError(
      `--max-source-bytes must be a positive whole number of bytes (got ${opts.maxSourceBytes})`,
    );
  return n;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The end-of-run summary: Spark's MERGE metrics in words. */
export function formatMergeSummary(uri: string, r: MergeResult): string {
  const m = r.metrics;
  if (r.noop)
    return `MERGE into ${uri}: ${counted(m.numSourceRows, 'source row')}, no target row changed and none inserted; nothing committed (version ${r.version})\n`;
  const lines = [
    `MERGE into ${uri}: committed version ${r.version}`,
    `  source rows: ${m.numSourceRows}`,
    `  target rows inserted: ${m.numTargetRowsInserted}, ` +
      `updated: ${m.numTargetRowsUpdated} (matched ${m.numTargetRowsMatchedUpdated}, not matched by source ${m.numTargetRowsNotMatchedBySourceUpdated}), ` +
      `deleted: ${m.numTargetRowsDeleted} (matched ${m.numTargetRowsMatchedDeleted}, not matched by source ${m.numTargetRowsNotMatchedBySourceDeleted}), ` +
      `copied: ${m.numTargetRowsCopied}`,
    `  files removed: ${m.numTargetFilesRemoved} (${formatBytes(m.numTargetBytesRemoved)}), added: ${m.numTargetFilesAdded} (${formatBytes(m.numTargetBytesAdded)})`,
    `  files read: ${m.numTargetFilesAfterSkipping} of ${m.numTargetFilesBeforeSkipping} (${m.numTargetFilesBeforeSkipping - m.numTargetFilesAfterSkipping} skipped by partition values and statistics)`,
    `  deletion vectors added: ${m.numTargetDeletionVectorsAdded}, removed: ${m.numTargetDeletionVectorsRemoved}, updated: ${m.numTargetDeletionVectorsUpdated}`,
    `  change data files: ${m.numTargetChangeFilesAdded} (${formatBytes(m.numTargetChangeFileBytes)})`,
    `  time: scan ${secs(m.scanTimeMs)}, rewrite ${secs(m.rewriteTimeMs)}, total ${secs(m.executionTimeMs)}` +
      (r.conflictsRetried > 0 ? `; ${r.conflictsRetried} concurrent commit(s) retried over` : ''),
  ];
  return `${lines.join('\n')}\n`;
}

function onProgress(progress: Progress): (p: DmlProgress) => void {
  return (p) => {
    if (p.phase !== 'committing')
      progress.update({ phase: 'joining and rewriting target files', done: p.filesDone, total: p.filesTotal });
  };
}

export async function mergeCommand(
  uri: string,
  files: readonly string[],
  opts: MergeCommandOptions,
  out: (s: string) => void,
  tty = false,
): Promise<void> {
  const maxSourceBytes = checkOptions(files, opts);
  const open = openOptions(opts);
  const table = await DeltaTable.open(uri, open);
  const source = readInputFiles(files, open, {
    format: opts.format,
    delimiter: opts.delimiter,
    header: opts.header,
    // The table's types for parsing text; columns the files lack stay absent (not NULL), so
    // update-all / insert-all see exactly the source's columns.
    schema: await tableArrowSchema(uri, open),
    absentColumns: 'omit',
  });
  const progress = createProgress(out, tty);
  const builder = table.merge(source, {
    on: opts.on!,
    onProgress: onProgress(progress),
    ...(maxSourceBytes !== undefined ? { maxSourceBytes } : {}),
  });
  addClauses(builder, opts);
  let r: MergeResult;
  try {
    r = await builder.execute();
  } finally {
    progress.stop();
  }
  out(formatMergeSummary(table.uri, r));
}
