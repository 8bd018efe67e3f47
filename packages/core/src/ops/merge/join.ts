/**
 * MERGE's first pass over one candidate target file: read only the key columns and the
 * target columns that `on` and the target-row conditions use, hash-join them against the
 * source's keys (keys.ts), keep the pairs the rest of `on` accepts, fail on a target row
 * matched by several source rows (unless Delta allows it), mark the source rows matched,
 * and decide which clause acts on each target row (clauses.ts). The result names the acting
 * rows only; a file with none is left alone.
 */
import * as arrow from 'apache-arrow';
import { takeBatch } from '../../arrow/take.js';
import type { Engine } from '../../engine/engine.js';
import { evaluatePredicate } from '../../expr/index.js';
import type { AddFile } from '../../protocol/actions.js';
import { deltaFieldToArrow } from '../../protocol/arrow-schema.js';
import { parsePartitionValues, type TableColumns } from '../../read/file-stats.js';
import { streamDataFile, type FileScanContext, type FileScanMetrics } from '../../read/file-scan.js';
import { ROW_INDEX_COLUMN, ROW_INDEX_FIELD, rowIndexes, SCAN_BATCH_ROWS } from '../dml/scan-matches.js';
import { allowsMultipleMatches, checkSingleMatch, decideTargetRows, NO_CLAUSE } from './clauses.js';
import type { CompiledMerge } from './compile.js';
import type { SourceKeyIndex } from './keys.js';
import { combine, conditionMasks, sourceRows, truths } from './rows.js';

/** What one execution shares across its files: the compiled statement and the source. */
export interface MergeRun {
  m: CompiledMerge;
  cols: TableColumns;
  source: arrow.RecordBatch;
  index: SourceKeyIndex;
  /** matchedAny[i] = 1 once source row i matched some target row. */
  matchedAny: Uint8Array;
}

/** The target rows some clause acts on, ascending by row index in the file. */
export interface FileDecisions {
  rows: number[];
  clause: number[];
  /** The matched source row, or -1 (a not-matched-by-source row). */
  source: number[];
}

interface Pairs {
  t: number[];
  s: number[];
}

function candidatePairs(run: MergeRun, batch: arrow.RecordBatch): Pairs {
  const keys = run.m.keys.map((k) => batch.getChild(k.target)!);
  const pairs: Pairs = { t: [], s: [] };
  const values: unknown[] = new Array(keys.length);
  for (let i = 0; i < batch.numRows; i++) {
    for (let k = 0; k < keys.length; k++) values[k] = keys[k]!.get(i);
    for (const s of run.index.lookup(values)) {
      pairs.t.push(i);
      pairs.s.push(s);
    }
  }
  if (!run.m.residual || pairs.t.length === 0) return pairs;
  const combined = combine(
    run.m,
    takeBatch(batch, Int32Array.from(pairs.t)),
    sourceRows(run.source, Int32Array.from(pairs.s)),
  );
  const keep = evaluatePredicate(run.m.residual, combined);
  return { t: pairs.t.filter((_, i) => keep[i]), s: pairs.s.filter((_, i) => keep[i]) };
}

function keyOfRow(run: MergeRun, batch: arrow.RecordBatch, row: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of run.m.keys) out[k.target] = batch.getChild(k.target)!.get(row);
  return out;
}

/** Decide the clauses of one batch's rows; appends the acting rows to `out`. */
function decideBatch(run: MergeRun, batch: arrow.RecordBatch, out: FileDecisions): void {
  const n = batch.numRows;
  const pairs = candidatePairs(run, batch);
  const count = new Int32Array(n);
  const first = new Int32Array(n).fill(-1);
  for (let p = 0; p < pairs.t.length; p++) {
    const t = pairs.t[p]!;
    if (count[t]++ === 0) first[t] = pairs.s[p]!;
    run.matchedAny[pairs.s[p]!] = 1;
  }
  const spec = run.m.spec;
  if (pairs.t.length > 0 && !allowsMultipleMatches(spec)) checkSingleMatch(spec, count, (i) => keyOfRow(run, batch, i));
  const bySource = spec.clauses.some((c) => c.kind === 'notMatchedBySource');
  const hasMatched = spec.clauses.some((c) => c.kind === 'matched');
  if (!bySource && (!hasMatched || pairs.t.length === 0)) return;
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
