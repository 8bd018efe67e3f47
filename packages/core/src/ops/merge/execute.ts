/**
 * MERGE's execute step over a plan's candidate files, through ops/dml's lanes: per file the
 * join pass (join.ts) decides which rows a clause acts on; a file with none is not touched;
 * the others are marked in deletion vectors (DV tables) or rewritten copy-on-write
 * (apply.ts). After every file, the source rows no target row matched go through the insert
 * clauses (insert.ts) into new files. Nothing is committed here; on failure every object
 * written is deleted.
 */
import type { Engine } from '../../engine/engine.js';
import { parseSchemaString } from '../../protocol/schema.js';
import { tableConstraints } from '../../write/constraints.js';
import { stopwatch } from '../../util/clock.js';
import { finishRun, forEachInLanes, newFilesRun, type FilesRun } from '../dml/execute-files.js';
import { RewriteLane } from '../dml/lane.js';
import { markRows } from '../dml/mark-rows.js';
import type { CompiledStatement } from '../dml/statement.js';
import type { DmlContext, DmlFile, DmlProgress, DmlResult } from '../dml/types.js';
import { actingRows, rewriteMerged, writeActingRows, type ApplyEnv } from './apply.js';
import { compileMerge } from './compile.js';
import { insertUnmatched } from './insert.js';
import { decideFile, newMergeRun, type MergeRun } from './join.js';
import type { MergeSource } from './load-source.js';
import { emptyRowCounts, type MergeRowCounts, type MergeSpec } from './types.js';

export interface MergeGroupResult extends DmlResult {
  rows: MergeRowCounts;
  /** Source rows (indexes) some target row of this group's files matched, ascending. */
  matchedSources: number[];
}

export interface MergeExecuteOptions {
  /** Files processed at once (default 2). */
  concurrency?: number;
  onProgress?: (p: DmlProgress) => void;
  /**
   * Insert the source rows no target row matched (default true). A worker running one group of
   * a fanned-out merge passes false; the planner inserts once every group's matches are known.
   */
  insert?: boolean;
  /** Source rows other groups' files matched (the planner's insert step after a fan-out). */
  matchedSources?: readonly number[];
}

interface State {
  files: FilesRun;
  merge: MergeRun;
  env: Omit<ApplyEnv, 'lane'>;
}

function setup(engine: Engine, context: DmlContext, spec: MergeSpec, source: MergeSource): State {
  const schema = parseSchemaString(context.schemaString);
  const m = compileMerge(spec, schema, source.schema);
  const cols = { schema, mode: context.columnMapping, partitionColumns: new Set(context.partitionColumns) };
  const stmt: CompiledStatement = { context, schema, cols, predicateColumns: [], assignments: [], constraints: [] };
  const merge = newMergeRun(m, cols, source.batch);
  const files = newFilesRun(engine, stmt);
  const env = {
    engine,
    run: merge,
    constraints: tableConstraints(context.configuration, schema),
    rows: emptyRowCounts(),
    scan: files.scan,
  };
  return { files, merge, env };
}

/** Join, decide and apply one file; returns the rows acted on. */
async function processFile(st: State, lane: RewriteLane, file: DmlFile): Promise<number> {
  const c = st.files.counters;
  const env: ApplyEnv = { ...st.env, lane };
  const scanning = stopwatch();
  const d = await decideFile(st.files.engine, st.merge, file.add, st.files.scan);
  c.numScannedFiles++;
  c.scanTimeMs += scanning();
  if (d.rows.length === 0) return 0;
  c.numTouchedFiles++;
  c.numMatchedRows += d.rows.length;
  const rewriting = stopwatch();
  if (st.files.dv) {
    const marked = await markRows(st.files.engine, st.files.dv, file.add, actingRows(d), c);
    st.files.removed.push(marked.removed);
    if (marked.readd) st.files.readds.push(marked.readd);
    await writeActingRows(env, file.add, d, st.files.stmt.context.changeDataFeed);
  } else {
    const copied = await rewriteMerged(env, file.add, d); // not `+= await`: lanes run concurrently
    c.numCopiedRows += copied;
    st.files.removed.push(file.add);
    c.numRemovedFiles++;
    c.numRemovedBytes += Number(file.add.size) || 0;
    if (file.add.deletionVector) c.numDeletionVectorsRemoved++;
  }
  c.rewriteTimeMs += rewriting();
  return d.rows.length;
}

/** Execute a merge over `files` (all of a plan's candidates) and insert the unmatched source rows. */
export async function executeMergeFiles(
  engine: Engine,
  context: DmlContext,
  spec: MergeSpec,
  source: MergeSource,
  files: readonly DmlFile[],
  opts: MergeExecuteOptions = {},
): Promise<MergeGroupResult> {
  const st = setup(engine, context, spec, source);
  for (const i of opts.matchedSources ?? []) st.merge.matchedAny[i] = 1;
  const lanes = Array.from(
    { length: Math.max(1, Math.min(opts.concurrency ?? 2, files.length)) },
    () => new RewriteLane(engine, st.files.stmt),
  );
  const progress: DmlProgress = { phase: 'scanning', filesDone: 0, filesTotal: files.length, rowsMatched: 0 };
  try {
    await forEachInLanes(files, lanes, async (lane, file) => {
      const hits = await processFile(st, lane, file);
      progress.filesDone++;
      progress.rowsMatched += hits;
      opts.onProgress?.({ ...progress });
    });
    const inserting = stopwatch();
    if (opts.insert !== false) await insertUnmatched(st.merge, lanes[0]!, st.env.constraints, st.env.rows);
    st.files.counters.rewriteTimeMs += inserting();
    const matchedSources: number[] = [];
    st.merge.matchedAny.forEach((m, i) => {
      if (m) matchedSources.push(i);
    });
    return { ...(await finishRun(st.files, lanes)), rows: st.env.rows, matchedSources };
  } catch (err) {
    await Promise.all(lanes.map((l) => l.abort(err)));
    await st.files.dv?.abort();
    throw err;
  }
}
