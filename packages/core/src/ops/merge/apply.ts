/**
 * MERGE's second pass over a target file some clause acts on. Copy-on-write streams every
 * live row: rows no clause acts on are copied, deleted rows dropped, updated rows written
 * with the clause's values. With deletion vectors the acting rows are marked in the file's
 * vector (ops/dml/mark-rows.ts) and only they are read back, to write the updated rows and
 * the change data. Change data: `delete`, `update_preimage` / `update_postimage`.
 */
import * as arrow from 'apache-arrow';
import { filterBatch } from '../../arrow/take.js';
import type { Engine } from '../../engine/engine.js';
import type { AddFile } from '../../protocol/actions.js';
import { deltaFieldToArrow } from '../../protocol/arrow-schema.js';
import { DeletedRows } from '../../protocol/deletion-vectors/index.js';
import { parsePartitionValues } from '../../read/file-stats.js';
import { streamDataFile, type FileScanContext, type FileScanMetrics } from '../../read/file-scan.js';
import type { Constraint } from '../../write/constraints.js';
import type { RewriteLane } from '../dml/lane.js';
import { OnlyRows } from '../dml/row-sets.js';
import { ROW_INDEX_COLUMN, ROW_INDEX_FIELD, rowIndexes, SCAN_BATCH_ROWS } from '../dml/scan-matches.js';
import type { FileDecisions, MergeRun } from './join.js';
import { clauseOutput, combine, sourceRows } from './rows.js';
import type { MergeRowCounts } from './types.js';

export interface ApplyEnv {
  engine: Engine;
  run: MergeRun;
  lane: RewriteLane;
  constraints: readonly Constraint[];
  rows: MergeRowCounts;
  scan: FileScanMetrics;
}

function scanContext(env: ApplyEnv): FileScanContext {
  const fields = env.run.m.target.fields;
  return {
    engine: env.engine,
    mode: env.run.cols.mode,
    readFields: fields,
    outputSchema: new arrow.Schema([...fields.map((f) => deltaFieldToArrow(f)), ROW_INDEX_FIELD]),
    batchSize: SCAN_BATCH_ROWS,
    tableSchema: env.run.m.target,
    rowIndexColumn: ROW_INDEX_COLUMN,
  };
}

function dropRowIndex(batch: arrow.RecordBatch, width: number): arrow.RecordBatch {
  const schema = new arrow.Schema(batch.schema.fields.slice(0, width));
  return new arrow.RecordBatch(
    schema,
    arrow.makeData({
      type: new arrow.Struct(schema.fields),
      length: batch.numRows,
      nullCount: 0,
      children: batch.data.children.slice(0, width),
    }),
  );
}

/** Per row of the batch: the acting clause (-1: none) and its source row, walking `d` in order. */
function actionsOf(
  batch: arrow.RecordBatch,
  d: FileDecisions,
  cursor: { p: number },
): { act: Int32Array; src: Int32Array } {
  const ri = rowIndexes(batch);
  const act = new Int32Array(ri.length).fill(-1);
  const src = new Int32Array(ri.length).fill(-1);
  for (let i = 0; i < ri.length; i++) {
    while (cursor.p < d.rows.length && d.rows[cursor.p]! < ri[i]!) cursor.p++;
    if (cursor.p < d.rows.length && d.rows[cursor.p] === ri[i]) {
      act[i] = d.clause[cursor.p]!;
      src[i] = d.source[cursor.p]!;
    }
  }
  return { act, src };
}

function count(rows: MergeRowCounts, kind: string, action: string, n: number): void {
  if (action === 'delete') {
    if (kind === 'matched') rows.matchedDeleted += n;
    else rows.notMatchedBySourceDeleted += n;
  } else if (kind === 'matched') rows.matchedUpdated += n;
  else rows.notMatchedBySourceUpdated += n;
}

/** Write one batch's acting rows (and, copy-on-write, its other rows); returns the rows copied. */
async function applyBatch(
  env: ApplyEnv,
  raw: arrow.RecordBatch,
  d: FileDecisions,
  cursor: { p: number },
  copy: boolean,
): Promise<number> {
  const { act, src } = actionsOf(raw, d, cursor);
  const rows = dropRowIndex(raw, env.run.m.target.fields.length);
  let copied = 0;
  if (copy) {
    const kept = filterBatch(
      rows,
      Uint8Array.from(act, (a) => (a < 0 ? 1 : 0)),
    );
    copied = kept.numRows;
    await env.lane.writeData(kept);
  }
  for (const ci of new Set(act)) {
    if (ci < 0) continue;
    const mask = Uint8Array.from(act, (a) => (a === ci ? 1 : 0));
    const hit = filterBatch(rows, mask);
    const clause = env.run.m.clauses[ci]!;
    count(env.rows, clause.clause.kind, clause.clause.action, hit.numRows);
    if (clause.clause.action === 'delete') {
      await env.lane.writeChange(hit, 'delete');
      continue;
    }
    const srcIdx = Int32Array.from(src.filter((_, i) => mask[i] === 1));
    const out = clauseOutput(
      env.run.m,
      clause,
      combine(env.run.m, hit, sourceRows(env.run.source, srcIdx)),
      env.constraints,
    );
    await env.lane.writeChange(hit, 'update_preimage');
    await env.lane.writeChange(out, 'update_postimage');
    await env.lane.writeData(out);
  }
  return copied;
}

/** Copy-on-write: stream the whole file; returns the rows copied unchanged. */
export async function rewriteMerged(env: ApplyEnv, add: AddFile, d: FileDecisions): Promise<number> {
  const task = { add, partitionValues: parsePartitionValues(env.run.cols, add.partitionValues) };
  const cursor = { p: 0 };
  let copied = 0;
  for await (const batch of streamDataFile(scanContext(env), task, env.scan))
    copied += await applyBatch(env, batch, d, cursor, true);
  return copied;
}

/** Deletion vectors: the acting rows as a row set (marked by the caller), then read back to write updates and change data. */
export function actingRows(d: FileDecisions): DeletedRows {
  return DeletedRows.fromSortedUnique(Float64Array.from(d.rows));
}

export async function writeActingRows(
  env: ApplyEnv,
  add: AddFile,
  d: FileDecisions,
  changeData: boolean,
): Promise<void> {
  const clauses = env.run.m.clauses;
  const updates = d.clause.some((ci) => clauses[ci]!.clause.action === 'update');
  if (!updates && !changeData) {
    for (const ci of d.clause) count(env.rows, clauses[ci]!.clause.kind, clauses[ci]!.clause.action, 1);
    return;
  }
  const selector = new OnlyRows(actingRows(d));
  const task = { add, partitionValues: parsePartitionValues(env.run.cols, add.partitionValues), selector };
  const cursor = { p: 0 };
  for await (const batch of streamDataFile(scanContext(env), task, env.scan))
    await applyBatch(env, batch, d, cursor, false);
}
