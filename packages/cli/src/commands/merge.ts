/**
 * `merge <table> <source-file>... --on 't.id = s.id' [--when-matched update-all|delete|'update set
 * col = expr, ...'] [--when-not-matched insert-all] [--when-not-matched-by-source delete|'update
 * set ...'] [--format csv|ndjson|parquet]`: MERGE INTO the table (alias `t`) USING the files
 * (alias `s`, read once into memory, at most --max-source-bytes), with progress on long runs
 * and a summary of Spark's MERGE metrics. A clause value may end in `if <condition>` (Delta's
 * `WHEN MATCHED AND <condition>`), and each clause flag repeats: clauses of one kind are tried
 * in the order given.
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
  /** Clause flags are repeatable (commander collects them); each value may end in `if <condition>`. */
  whenMatched?: string | string[];
  whenNotMatched?: string | string[];
  whenNotMatchedBySource?: string | string[];
  withSchemaEvolution?: boolean;
  format?: InputFormat;
  delimiter?: string;
  header?: boolean;
  maxSourceBytes?: string;
}

type Builder = ReturnType<DeltaTable['merge']>;

/** Offsets in `text` that are outside quotes and parentheses, visited in order until `visit` returns true. */
function scanTopLevel(text: string, visit: (i: number) => boolean): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && visit(i)) return;
  }
}

/** Split `a = 1, b = f(x, y)` at its top-level commas (not inside quotes or parentheses). */
export function splitAssignments(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  scanTopLevel(text, (i) => {
    if (text[i] === ',') {
      out.push(text.slice(start, i));
      start = i + 1;
    }
    return false;
  });
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** One clause flag's value: `<action>` or `<action> if <condition>` (the first top-level ` if `). */
export function splitClause(flag: string, text: string): { action: string; condition?: string } {
  let at = -1;
  scanTopLevel(text, (i) => {
    const found = /\s/.test(text[i]!) && /^\s+if\s/i.test(text.slice(i));
    if (found) at = i;
    return found;
  });
  if (at < 0) return { action: text.trim() };
  const action = text.slice(0, at).trim();
  const condition = text
    .slice(at)
    .replace(/^\s+if\s+/i, '')
    .trim();
  if (condition === '')
    throw new InvalidArgumentError(`${flag} ${JSON.stringify(text)}: the condition after 'if' is empty`);
  return { action, condition };
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

const listOf = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

/** Each value of one repeatable clause flag, in order; only the last may go without `if`. */
function eachClause(
  flag: string,
  values: string | readonly string[] | undefined,
  add: (action: string, condition?: string) => void,
): void {
  const all = listOf(values).map((v) => splitClause(flag, v));
  all.forEach((c, i) => {
    if (c.condition === undefined && i < all.length - 1)
      throw new InvalidArgumentError(
        `${flag} ${JSON.stringify(c.action)} has no condition but is not the last ${flag}: the first ${flag} whose condition holds acts, so give it one ('${c.action} if <condition>') or put it last`,
      );
    add(c.action, c.condition);
  });
}

function addClauses(b: Builder, opts: MergeCommandOptions): void {
  eachClause('--when-matched', opts.whenMatched, (action, cond) => {
    const set = updateSet('--when-matched', action);
    if (action === 'update-all') b.whenMatchedUpdate('all', cond);
    else if (action === 'delete') b.whenMatchedDelete(cond);
    else if (set) b.whenMatchedUpdate({ set }, cond);
    else
      throw new InvalidArgumentError(
        `--when-matched must be update-all, delete or 'update set col = expr, ...', each optionally followed by 'if <condition>' (got ${JSON.stringify(action)})`,
      );
  });
  eachClause('--when-not-matched', opts.whenNotMatched, (action, cond) => {
    if (action !== 'insert-all')
      throw new InvalidArgumentError(
        `--when-not-matched must be insert-all, optionally followed by 'if <condition>' (got ${JSON.stringify(action)})`,
      );
    b.whenNotMatchedInsert('all', cond);
  });
  eachClause('--when-not-matched-by-source', opts.whenNotMatchedBySource, (action, cond) => {
    const set = updateSet('--when-not-matched-by-source', action);
    if (action === 'delete') b.whenNotMatchedBySourceDelete(cond);
    else if (set) b.whenNotMatchedBySourceUpdate({ set }, cond);
    else
      throw new InvalidArgumentError(
        `--when-not-matched-by-source must be delete or 'update set col = expr, ...', each optionally followed by 'if <condition>' (got ${JSON.stringify(action)})`,
      );
  });
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
