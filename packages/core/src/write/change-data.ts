/**
 * Change data files (PROTOCOL.md "Add CDC File", "Change Data Files"): the rows an operation
 * changed, with a `_change_type` column (`insert`, `delete`, `update_preimage`,
 * `update_postimage`), written under `_change_data/` with the table's partitioning and
 * committed as `cdc` actions (dataChange false) in the same commit as the change. When a
 * commit has `cdc` actions, readers take its whole feed from them, so an operation that
 * writes any must write every row it changed.
 */
import * as arrow from 'apache-arrow';
import { constantData } from '../arrow/constant.js';
import type { AddCDCFile } from '../protocol/actions.js';
import type { ColumnMappingMode } from '../protocol/features.js';
import type { StructField, StructType } from '../protocol/schema.js';
import type { ParquetCompression } from '../parquet/writer.js';
import type { Engine } from '../engine/engine.js';
import { DataFileWriter } from './data-files.js';
import { splitByPartition } from './partition-split.js';

export const CHANGE_DATA_DIR = '_change_data';
export const CHANGE_TYPE_COLUMN = '_change_type';
export type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage';

export interface ChangeDataOptions {
  /** The table's engine: store, Parquet writer, ids (file names). */
  engine: Engine;
  /** Logical table schema (partition columns included). */
  schema: StructType;
  partitionColumns: readonly string[];
  mode: ColumnMappingMode;
  targetFileSize: number;
  rowGroupSize: number;
  compression: ParquetCompression;
}

export interface WrittenChangeData {
  cdc: AddCDCFile[];
  rows: number;
  bytes: number;
}

const CHANGE_TYPE_FIELD: StructField = {
  name: CHANGE_TYPE_COLUMN,
  type: { type: 'string' },
  nullable: true,
  metadata: {},
};

/** Streams change rows into `_change_data/` files; nothing is committed here. */
export class ChangeDataWriter {
  private readonly schema: StructType;
  private readonly writer: DataFileWriter;

  constructor(private readonly opts: ChangeDataOptions) {
    this.schema = { ...opts.schema, fields: [...opts.schema.fields, CHANGE_TYPE_FIELD] };
    this.writer = new DataFileWriter({
      engine: opts.engine,
      schema: this.schema,
      partitionColumns: opts.partitionColumns,
      mode: opts.mode,
      targetFileSize: opts.targetFileSize,
      rowGroupSize: opts.rowGroupSize,
      compression: opts.compression,
      stats: { numIndexedCols: 0 },
      prefix: `${CHANGE_DATA_DIR}/`,
      fileNamePrefix: 'cdc',
    });
  }

  /** Write `batch` (the table's logical columns, in schema order) as rows of `type`. */
  async write(batch: arrow.RecordBatch, type: ChangeType): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    const field = new arrow.Field(CHANGE_TYPE_COLUMN, new arrow.Utf8(), true);
    const fields = [...batch.schema.fields, field];
    const withType = new arrow.RecordBatch(
      new arrow.Schema(fields),
      arrow.makeData({
        type: new arrow.Struct(fields),
        length: n,
        nullCount: 0,
        children: [...batch.data.children, constantData(new arrow.Utf8(), type, n)],
      }),
    );
    for (const slice of splitByPartition(withType, this.schema, this.opts.partitionColumns, this.opts.mode))
      await this.writer.write(slice);
  }

  async finish(): Promise<WrittenChangeData> {
    const written = await this.writer.finish();
    return {
      cdc: written.adds.map((a) => ({
        path: a.path,
        partitionValues: a.partitionValues,
        size: a.size,
        dataChange: false,
      })),
      rows: written.numOutputRows,
      bytes: written.numOutputBytes,
    };
  }

  /** Stop and delete every change data file written so far. */
  abort(reason?: unknown): Promise<void> {
    return this.writer.abort(reason);
  }
}
