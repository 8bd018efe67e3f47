/**
 * Execute a DELETE/UPDATE over one group of files (all of a local run, or one worker's share):
 * scan each file for matching rows, then either mark them in a deletion vector (merged with
 * the file's existing one) or rewrite the file copy-on-write. Files stream one at a time per
 * lane, `concurrency` lanes at once. Nothing is committed here; on failure every object
 * written so far is deleted.
 */
import type { AddFile } from '../../protocol/actions.js';
import type { FileScanMetrics } from '../../read/file-scan.js';
import type { Engine } from '../../engine/engine.js';
import { stopwatch } from '../../util/clock.js';
import { DeletionVectorWriter } from '../../write/deletion-vectors.js';
import { emptyCounters } from './counters.js';
import { RewriteLane } from './lane.js';
import { markRows } from './mark-rows.js';
import { rewriteFile, writeUpdatedRows } from './rewrite.js';
import { findMatches } from './scan-matches.js';
import { compileStatement, type CompiledStatement } from './statement.js';
import type { DmlContext, DmlCounters, DmlFile, DmlResult } from './types.js';

export interface DmlExecuteOptions {
  /** Files processed at once (default 2). */
  concurrency?: number;
  /** Called after each file with the rows it matched. */
  onFileDone?: (matchedRows: number) => void;
}

/** The state of one execution over a group of files (shared with MERGE's executor). */
export interface FilesRun {
  engine: Engine;
  stmt: CompiledStatement;
  dv?: DeletionVectorWriter;
  counters: DmlCounters;
  scan: FileScanMetrics;
  removed: AddFile[];
  readds: AddFile[];
}

async function processFile(run: FilesRun, lane: RewriteLane, file: DmlFile): Promise<number> {
  const { stmt, counters: c } = run;
  const scanning = stopwatch();
  const matched = file.allRowsMatch ? undefined : await findMatches(run.engine, stmt, file.add, run.scan);
  if (!file.allRowsMatch) c.numScannedFiles++;
  c.scanTimeMs += scanning();
  if (matched && matched.cardinality === 0) return 0;
  c.numTouchedFiles++;
  const rewriting = stopwatch();
  let hits: number;
  if (run.dv && matched) {
    const marked = await markRows(run.engine, run.dv, file.add, matched, c);
    run.removed.push(marked.removed);
    if (marked.readd) run.readds.push(marked.readd);
    if (stmt.context.operation === 'UPDATE')
      await writeUpdatedRows(run.engine, stmt, lane, file.add, matched, run.scan);
    hits = matched.cardinality;
  } else {
    const counts = await rewriteFile(run.engine, stmt, lane, file.add, matched, run.scan);
    run.removed.push(file.add);
    c.numRemovedFiles++;
    c.numRemovedBytes += Number(file.add.size) || 0;
    if (file.add.deletionVector) c.numDeletionVectorsRemoved++;
    c.numCopiedRows += counts.copied;
    hits = counts.matched;
  }
  c.numMatchedRows += hits;
  c.rewriteTimeMs += rewriting();
  return hits;
}

/** Run `items` through `lanes`, each lane taking the next item when it is done with one; the first failure stops the rest. */
export async function forEachInLanes<T>(
  items: readonly T[],
  lanes: readonly RewriteLane[],
  fn: (lane: RewriteLane, item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  await Promise.all(
    lanes.map(async (lane) => {
      while (!failure && next < items.length) {
        const item = items[next++]!;
        try {
          await fn(lane, item);
        } catch (err) {
          failure ??= { err };
        }
      }
    }),
  );
  if (failure) throw failure.err;
}

/** Scan `files` and produce the actions of their change (uncommitted). */
/** A run's empty state: counters, scan metrics and, on a deletion-vector table, its vector writer. */
export function newFilesRun(engine: Engine, stmt: CompiledStatement): FilesRun {
  const { context } = stmt;
  return {
    engine,
    stmt,
    dv: context.deletionVectors
      ? new DeletionVectorWriter({
          engine,
          prefixLength: context.dvPrefixLength,
          inlineMaxBytes: context.inlineDvMaxBytes,
        })
      : undefined,
    counters: emptyCounters(),
    scan: { rowGroupsRead: 0, rowGroupsSkipped: 0, rowsRead: 0, rowsDeleted: 0, bytesRead: 0 },
    removed: [],
    readds: [],
  };
}

export async function executeDmlFiles(
  engine: Engine,
  context: DmlContext,
  files: readonly DmlFile[],
  opts: DmlExecuteOptions = {},
): Promise<DmlResult> {
  const run = newFilesRun(engine, compileStatement(context));
  const lanes = Array.from(
    { length: Math.max(1, Math.min(opts.concurrency ?? 2, files.length)) },
    () => new RewriteLane(engine, run.stmt),
  );
  try {
    await forEachInLanes(files, lanes, async (lane, file) => {
      const hits = await processFile(run, lane, file);
      opts.onFileDone?.(hits);
    });
    return await finishRun(run, lanes);
  } catch (err) {
    await Promise.all(lanes.map((l) => l.abort(err)));
    await run.dv?.abort();
    throw err;
  }
}

/** Close the lanes' writers and the DV writer; the result lists every object written. */
export async function finishRun(run: FilesRun, lanes: readonly RewriteLane[]): Promise<DmlResult> {
  const outputs = [];
  for (const lane of lanes) outputs.push(await lane.finish());
  const dvFiles = (await run.dv?.finish()) ?? { files: [], bytes: 0 };
  const adds = outputs.flatMap((o) => o.adds);
  const cdc = outputs.flatMap((o) => o.cdc);
  const c = run.counters;
  c.numAddedFiles = adds.length;
  c.numAddedBytes = outputs.reduce((n, o) => n + o.addedBytes, 0);
  c.numAddedChangeFiles = cdc.length;
  c.changeFileBytes = outputs.reduce((n, o) => n + o.changeBytes, 0);
  c.numDeletionVectorFiles = dvFiles.files.length;
  c.deletionVectorBytes = dvFiles.bytes;
  c.bytesRead = run.scan.bytesRead;
  return {
    removed: run.removed,
    added: [...run.readds, ...adds],
    cdc,
    written: [
      ...adds.map((a) => decodeURIComponent(a.path)),
      ...cdc.map((f) => decodeURIComponent(f.path)),
      ...dvFiles.files,
    ],
    counters: c,
  };
}
