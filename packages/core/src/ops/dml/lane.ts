/**
 * One rewrite lane: the data-file writer and change-data writer that the files processed in
 * one sequence share (a worker runs `concurrency` lanes). Batches hold every table column in
 * schema order (partition columns included); rows are split by partition as they are written.
 * Memory: one batch plus one row group per open output file.
 */
import type * as arrow from 'apache-arrow';
import type { AddCDCFile, AddFile } from '../../protocol/actions.js';
import type { Engine } from '../../engine/engine.js';
import { ChangeDataWriter, type ChangeType } from '../../write/change-data.js';
import { DataFileWriter } from '../../write/data-files.js';
import { splitByPartition } from '../../write/partition-split.js';
import { statsColumnsFromProperties } from '../../write/stats.js';
import type { CompiledStatement } from './statement.js';

export interface LaneOutput {
  adds: AddFile[];
  cdc: AddCDCFile[];
  addedBytes: number;
  changeBytes: number;
}

export class RewriteLane {
  private data?: DataFileWriter;
  private changes?: ChangeDataWriter;

  constructor(
    private readonly engine: Engine,
    private readonly stmt: CompiledStatement,
  ) {}

  private settings() {
    const c = this.stmt.context;
    return {
      engine: this.engine,
      schema: this.stmt.schema,
      partitionColumns: c.partitionColumns,
      mode: c.columnMapping,
      targetFileSize: c.targetFileSize,
      rowGroupSize: c.rowGroupSize,
      compression: c.compression,
    };
  }

  /** Write rows as table data. */
  async writeData(batch: arrow.RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    const c = this.stmt.context;
    this.data ??= new DataFileWriter({
      ...this.settings(),
      stats: { ...statsColumnsFromProperties(c.configuration), tightBounds: c.tightBounds },
    });
    for (const slice of splitByPartition(batch, this.stmt.schema, c.partitionColumns, c.columnMapping))
      await this.data.write(slice);
  }

  /** Write rows to the change data feed (only on tables with delta.enableChangeDataFeed). */
  async writeChange(batch: arrow.RecordBatch, type: ChangeType): Promise<void> {
    if (!this.stmt.context.changeDataFeed || batch.numRows === 0) return;
    this.changes ??= new ChangeDataWriter(this.settings());
    await this.changes.write(batch, type);
  }

  async finish(): Promise<LaneOutput> {
    const data = await this.data?.finish();
    const changes = await this.changes?.finish();
    return {
      adds: data?.adds ?? [],
      cdc: changes?.cdc ?? [],
      addedBytes: data?.numOutputBytes ?? 0,
      changeBytes: changes?.bytes ?? 0,
    };
  }

  /** Delete everything this lane wrote (finished files included). */
  async abort(reason?: unknown): Promise<void> {
    await Promise.all([this.data?.abort(reason), this.changes?.abort(reason)]);
  }
}
