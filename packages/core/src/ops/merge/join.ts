/**
 * MERGE's first pass over one candidate target file: read only the key columns and the
 * target columns that `on` and the target-row conditions use, hash-join them against the
 * source's keys (keys.ts), keep the pairs the rest of `on` accepts, fail on a target row
 * matched by several source rows (unless Delta allows it), mark the source rows matched,
 * and decide which clause acts on each target row (clauses.ts). The result names the acting
 * rows only; a file with none is left alone.
 */
import * as arrow from 'apache-arrow';
import { batchOf } from '../../arrow/data-utils.js';
import { takeBatch } from '../../arrow/take.js';
import type { Engine } from '../../engine/engine.js';
import { columnsOf, evaluatePredicate } from '../../expr/index.js';
import type { AddFile } from '../../protocol/actions.js';
import { deltaFieldToArrow } from '../../protocol/arrow-schema.js';
import { parsePartitionValues, type TableColumns } from '../../read/file-stats.js';
import { streamDataFile, type FileScanContext, type FileScanMetrics } from '../../read/file-scan.js';
import { ROW_INDEX_COLUMN, ROW_INDEX_FIELD, rowIndexes, SCAN_BATCH_ROWS } from '../dml/scan-matches.js';
import { allowsMultipleMatches, checkSingleMatch, decideTargetRows, NO_CLAUSE } from './clauses.js';
import type { CompiledMerge } from './compile.js';
import type { SourceKeyIndex } from './keys.js';
import { indexSource } from './source.js';
import { combine, conditionMasks, sourceRows, truths } from './rows.js';

/** What one execution shares across its files: the compiled statement and the source. */
export interface MergeRun {
  m: CompiledMerge;
  cols: TableColumns;
  source: arrow.RecordBatch;
  index: SourceKeyIndex;
  /** matchedAny[i] = 1 once source row i matched some target row. */
  matchedAny: Uint8Array;
  /** `on` without an equality key: the source rows every target row is paired with (nested loop). */
  loopRows?: readonly number[];
  /** The source's columns the rest of `on` reads (what each candidate pair takes from the source). */
  pairSource: arrow.RecordBatch;
}

/** The batch's columns `keep` accepts (Arrow JS's RecordBatch.select keeps the wrong children). */
function project(batch: arrow.RecordBatch, keep: (name: string) => boolean): arrow.RecordBatch {
  const idx = batch.schema.fields.flatMap((f, i) => (keep(f.name) ? [i] : []));
  const schema = new arrow.Schema(idx.map((i) => batch.schema.fields[i]!));
  return batchOf(
    schema,
    idx.map((i) => batch.data.children[i]!),
    batch.numRows,
  );
}

/** The shared state of one execution over `source` (the key index, or the nested loop's rows). */
export function newMergeRun(m: CompiledMerge, cols: TableColumns, source: arrow.RecordBatch): MergeRun {
  const onColumns = new Set(
    m.residual ? columnsOf(m.residual).flatMap((p) => (p[0] === m.spec.sourceAlias ? [p[1]!] : [])) : [],
  );
  const run: MergeRun = {
    m,
    cols,
    source,
    index: indexSource(new arrow.Table([source]), m.keys),
    matchedAny: new Uint8Array(source.numRows),
    pairSource: project(source, (name) => onColumns.has(name)),
  };
  if (m.keys.length > 0) return run;
  const keep = m.sourceFilter ? evaluatePredicate(m.sourceFilter, combine(m, undefined, source)) : undefined;
  const rows: number[] = [];
  for (let i = 0; i < source.numRows; i++) if (!keep || keep[i]) rows.push(i);
  return { ...run, loopRows: rows };
}

/** The target rows some clause acts on, ascending by row index in the file. */
export interface FileDecisions {
  rows: number[];
  clause: number[];
  /** The matched source row, or -1 (a not-matched-by-source row). */
  source: number[];
}

/** Candidate pairs evaluated against the rest of `on` at once (bounds a nested-loop join's memory). */
export const PAIR_CHUNK = 65_536;

/** Per target row of a batch: how many source rows matched it and the first of them (-1: none). */
interface Matches {
  count: Int32Array;
  first: Int32Array;
  /** Whether any pair survived. */
  any: boolean;
}

/**
 * Join one batch: each target row against the source rows its keys select (the hash join), or
 * against every source row the source-only conjuncts let through when `on` has no equality key
 * (a nested-loop join, as Delta's broadcast join without keys). Pairs go through the rest of
 * `on` in chunks of PAIR_CHUNK, so memory stays bounded whatever the product of the sides.
 */
function matchBatch(run: MergeRun, batch: arrow.RecordBatch): Matches {
  const n = batch.numRows;
  const out: Matches = { count: new Int32Array(n), first: new Int32Array(n).fill(-1), any: false };
  let t: number[] = [];
  let s: number[] = [];
  const flush = () => {
    if (t.length === 0) return;
    const keep = run.m.residual
      ? evaluatePredicate(
          run.m.residual,
          combine(run.m, takeBatch(batch, Int32Array.from(t)), sourceRows(run.pairSource, Int32Array.from(s))),
        )
      : undefined;
    for (let p = 0; p < t.length; p++) {
      if (keep && !keep[p]) continue;
      if (out.count[t[p]!]++ === 0) out.first[t[p]!] = s[p]!;
      run.matchedAny[s[p]!] = 1;
      out.any = true;
    }
    t = [];
    s = [];
  };
  const keys = run.m.keys.map((k) => batch.getChild(k.target)!);
  const values: unknown[] = new Array(keys.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < keys.length; k++) values[k] = keys[k]!.get(i);
    for (const j of run.loopRows ?? run.index.lookup(values)) {
      t.push(i);
      s.push(j);
      if (t.length >= PAIR_CHUNK) flush();
    }
  }
  flush();
  return out;
}

/** How a duplicate match names its target row: the keys, else the target columns `on` reads. */
function keyOfRow(run: MergeRun, batch: arrow.RecordBatch, row: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of run.m.rowNames) {
    const v = batch.getChild(name);
    if (v) out[name] = v.get(row);
  }
  return out;
}

/** Decide the clauses of one batch's rows; appends the acting rows to `out`. */
function decideBatch(run: MergeRun, batch: arrow.RecordBatch, out: FileDecisions): void {
  const n = batch.numRows;
  const { count, first, any } = matchBatch(run, batch);
  const spec = run.m.spec;
  if (any && !allowsMultipleMatches(spec)) checkSingleMatch(spec, count, (i) => keyOfRow(run, batch, i));
  const bySource = spec.clauses.some((c) => c.kind === 'notMatchedBySource');
  const hasMatched = spec.clauses.some((c) => c.kind === 'matched');
  if (!bySource && (!hasMatched || !any)) return;
  const sel: number[] = [];
  for (let i = 0; i < n; i++) if (bySource || first[i]! >= 0) sel.push(i);
  const selIdx = Int32Array.from(sel);
  const matched = Int32Array.from(sel, (i) => first[i]!);
  const combined = combine(run.m, takeBatch(batch, selIdx), sourceRows(run.source, matched));
  const conds = conditionMasks(run.m.clauses, combined, (c) => c.clause.kind !== 'notMatched');
  const decided = decideTargetRows(spec, matched, truths(conds));
  const rowIdx = rowIndexes(batch);
  for (let j = 0; j < sel.length; j++) {
    if (decided[j] === NO_CLAUSE) continue;
    out.rows.push(rowIdx[sel[j]!]!);
    out.clause.push(decided[j]!);
    out.source.push(matched[j]!);
  }
}

/** Pass 1 over one file (see the file comment). */
export async function decideFile(
  engine: Engine,
  run: MergeRun,
  add: AddFile,
  metrics: FileScanMetrics,
): Promise<FileDecisions> {
  const fields = run.m.targetReadColumns.map((name) => run.m.target.fields.find((f) => f.name === name)!);
  const ctx: FileScanContext = {
    engine,
    mode: run.cols.mode,
    readFields: fields,
    outputSchema: new arrow.Schema([...fields.map((f) => deltaFieldToArrow(f)), ROW_INDEX_FIELD]),
    batchSize: SCAN_BATCH_ROWS,
    tableSchema: run.m.target,
    rowIndexColumn: ROW_INDEX_COLUMN,
  };
  const task = { add, partitionValues: parsePartitionValues(run.cols, add.partitionValues) };
  const out: FileDecisions = { rows: [], clause: [], source: [] };
  for await (const batch of streamDataFile(ctx, task, metrics)) decideBatch(run, batch, out);
  return out;
}
