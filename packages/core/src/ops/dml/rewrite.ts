/**
 * Second pass over a touched file. Copy-on-write streams its live rows: unmatched rows are
 * copied, matched rows are dropped (DELETE) or written with their new values (UPDATE), and the
 * change data feed gets `delete` or `update_preimage`/`update_postimage` rows. With deletion
 * vectors, UPDATE reads only the matched rows (the file keeps the rest behind its new vector).
 */
import * as arrow from 'apache-arrow';
import { filterBatch } from '../../arrow/take.js';
import type { DeletedRows } from '../../protocol/deletion-vectors/index.js';
import type { AddFile } from '../../protocol/actions.js';
import { deltaFieldToArrow } from '../../protocol/arrow-schema.js';
import { parsePartitionValues } from '../../read/file-stats.js';
import { streamDataFile, type FileScanContext, type FileScanMetrics, type RowSelector } from '../../read/file-scan.js';
import type { Engine } from '../../engine/engine.js';
import { checkConstraints } from '../../write/constraints.js';
import { applyAssignments, checkAssignedNotNull } from './assign.js';
import type { RewriteLane } from './lane.js';
import { membership, OnlyRows } from './row-sets.js';
import { ROW_INDEX_COLUMN, ROW_INDEX_FIELD, rowIndexes, SCAN_BATCH_ROWS } from './scan-matches.js';
import type { CompiledStatement } from './statement.js';

export interface RewriteCounts {
  matched: number;
  copied: number;
}

function tableSchema(stmt: CompiledStatement): arrow.Schema {
  return new arrow.Schema(stmt.schema.fields.map((f) => deltaFieldToArrow(f)));
}

function scanContext(engine: Engine, stmt: CompiledStatement, withRowIndex: boolean): FileScanContext {
  const fields = tableSchema(stmt).fields;
  return {
    engine,
    mode: stmt.cols.mode,
    readFields: stmt.schema.fields,
    outputSchema: new arrow.Schema(withRowIndex ? [...fields, ROW_INDEX_FIELD] : fields),
    batchSize: SCAN_BATCH_ROWS,
    tableSchema: stmt.schema,
    ...(withRowIndex ? { rowIndexColumn: ROW_INDEX_COLUMN } : {}),
  };
}

/** The first `n` columns of `batch` (drops the row-index column). */
function dropRowIndex(batch: arrow.RecordBatch, schema: arrow.Schema): arrow.RecordBatch {
  const children = batch.data.children.slice(0, schema.fields.length);
  return new arrow.RecordBatch(
    schema,
    arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children }),
  );
}

/** UPDATE's new rows: assignments applied, then NOT NULL and CHECK constraints enforced. */
async function writeUpdated(lane: RewriteLane, stmt: CompiledStatement, rows: arrow.RecordBatch): Promise<void> {
  if (rows.numRows === 0) return;
  const updated = applyAssignments(rows, stmt.assignments);
  checkAssignedNotNull(updated, stmt.assignments);
  checkConstraints(updated, stmt.constraints, stmt.schema);
  await lane.writeChange(rows, 'update_preimage');
  await lane.writeChange(updated, 'update_postimage');
  await lane.writeData(updated);
}

/** Copy-on-write rewrite of one file; `matched` undefined means every live row matches. */
export async function rewriteFile(
  engine: Engine,
  stmt: CompiledStatement,
  lane: RewriteLane,
  add: AddFile,
  matched: DeletedRows | undefined,
  metrics: FileScanMetrics,
): Promise<RewriteCounts> {
  const schema = tableSchema(stmt);
  const task = { add, partitionValues: parsePartitionValues(stmt.cols, add.partitionValues) };
  const counts: RewriteCounts = { matched: 0, copied: 0 };
  for await (const batch of streamDataFile(scanContext(engine, stmt, true), task, metrics)) {
    const hitMask = matched ? membership(rowIndexes(batch), matched) : new Uint8Array(batch.numRows).fill(1);
    const rows = dropRowIndex(batch, schema);
    const hits = filterBatch(rows, hitMask);
    const kept = filterBatch(
      rows,
      hitMask.map((b) => 1 - b),
    );
    counts.matched += hits.numRows;
    counts.copied += kept.numRows;
    await lane.writeData(kept);
    if (stmt.context.operation === 'DELETE') await lane.writeChange(hits, 'delete');
    else await writeUpdated(lane, stmt, hits);
  }
  return counts;
}

/** Deletion-vector UPDATE: write the new versions of exactly the `matched` rows. */
export async function writeUpdatedRows(
  engine: Engine,
  stmt: CompiledStatement,
  lane: RewriteLane,
  add: AddFile,
  matched: DeletedRows,
  metrics: FileScanMetrics,
): Promise<void> {
  const selector: RowSelector = new OnlyRows(matched);
  const task = { add, partitionValues: parsePartitionValues(stmt.cols, add.partitionValues), selector };
  for await (const batch of streamDataFile(scanContext(engine, stmt, false), task, metrics))
    await writeUpdated(lane, stmt, batch);
}
