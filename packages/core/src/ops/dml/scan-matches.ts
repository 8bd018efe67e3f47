/**
 * First pass over a candidate file: which live rows (not already deleted by the file's
 * deletion vector) match the predicate, as row indexes in the file. Only the predicate's
 * columns are read, and row groups whose statistics rule the predicate out are skipped.
 */
import * as arrow from 'apache-arrow';
import type { DeletedRows } from '../../protocol/deletion-vectors/index.js';
import type { AddFile } from '../../protocol/actions.js';
import { parsePartitionValues } from '../../read/file-stats.js';
import { streamDataFile, type FileScanContext, type FileScanMetrics } from '../../read/file-scan.js';
import type { Engine } from '../../engine/engine.js';
import { RowIndexCollector } from './row-sets.js';
import type { CompiledStatement } from './statement.js';

/** Name of the row-index column the DML scans add (not a table column). */
export const ROW_INDEX_COLUMN = '__delta_serverless_row_index';
export const ROW_INDEX_FIELD = new arrow.Field(ROW_INDEX_COLUMN, new arrow.Float64(), false);
export const SCAN_BATCH_ROWS = 65_536;

/** The row indexes of `batch`'s row-index column. */
export function rowIndexes(batch: arrow.RecordBatch): Float64Array {
  const data = batch.getChild(ROW_INDEX_COLUMN)!.data[0]!;
  return (data.values as Float64Array).subarray(data.offset, data.offset + data.length);
}

export async function findMatches(
  engine: Engine,
  stmt: CompiledStatement,
  add: AddFile,
  metrics: FileScanMetrics,
): Promise<DeletedRows> {
  const ctx: FileScanContext = {
    engine,
    mode: stmt.cols.mode,
    readFields: stmt.predicateColumns.map((name) => stmt.schema.fields.find((f) => f.name === name)!),
    outputSchema: new arrow.Schema([ROW_INDEX_FIELD]),
    predicate: stmt.predicate,
    batchSize: SCAN_BATCH_ROWS,
    tableSchema: stmt.schema,
    rowIndexColumn: ROW_INDEX_COLUMN,
  };
  const task = { add, partitionValues: parsePartitionValues(stmt.cols, add.partitionValues) };
  const matched = new RowIndexCollector();
  for await (const batch of streamDataFile(ctx, task, metrics)) matched.addAll(rowIndexes(batch));
  return matched.rows();
}
