/**
 * Rewrite one bin: stream its files (deletion vectors applied, column mapping resolved by
 * streamDataFile) into new files through DataFileWriter. Needs only the engine and the plan's
 * JSON context, so a remote worker can run it. Nothing is committed here.
 *
 * Memory: bin-packing holds one input batch plus one output row group per bin. Z-order holds
 * a sorted run: at most zOrderMemoryLimit decoded bytes (checked as batches arrive; a bigger
 * bin is cut into several runs, each sorted on its own), about twice that while the run is
 * concatenated, plus one output batch.
 */
import * as arrow from 'apache-arrow';
import { concatBatches } from '../../arrow/concat.js';
import { takeBatch } from '../../arrow/take.js';
import type { AddFile } from '../../protocol/actions.js';
import { deltaFieldToArrow } from '../../protocol/arrow-schema.js';
import { parseSchemaString, type StructField, type StructType } from '../../protocol/schema.js';
import { streamDataFile, type FileScanContext, type FileScanMetrics } from '../../read/file-scan.js';
import type { Engine } from '../../engine/engine.js';
import { stopwatch } from '../../util/clock.js';
import { DataFileWriter, type WrittenFiles } from '../../write/data-files.js';
import { statsColumnsFromProperties } from '../../write/stats.js';
import type { BinContext, BinResult, OptimizeBin } from './types.js';
import { zOrderPermutation } from './zorder.js';

const READ_BATCH_ROWS = 65_536;
/** Most rows per write of sorted output; files roll between writes, so fewer for small targets. */
const SORTED_WRITE_ROWS = 8_192;

function arrowBytes(batch: arrow.RecordBatch): number {
  let n = 0;
  const visit = (d: arrow.Data) => {
    n += (d.values?.byteLength ?? 0) + (d.valueOffsets?.byteLength ?? 0) + (d.nullBitmap?.byteLength ?? 0);
    d.children.forEach(visit);
  };
  batch.data.children.forEach(visit);
  return n;
}

/** Rewrite `bin` into new data files (dataChange false); the caller commits or deletes them. */
export async function executeBin(engine: Engine, context: BinContext, bin: OptimizeBin): Promise<BinResult> {
  const elapsed = stopwatch();
  const schema = parseSchemaString(context.schemaString);
  const dataFields: StructField[] = schema.fields.filter((f) => !context.partitionColumns.includes(f.name));
  const outputSchema = new arrow.Schema(dataFields.map((f) => deltaFieldToArrow(f)));
  const writer = binWriter(engine, context, schema);
  const ctx: FileScanContext = {
    engine,
    mode: context.columnMapping,
    readFields: dataFields,
    outputSchema,
    batchSize: READ_BATCH_ROWS,
    tableSchema: schema,
  };
  const scanMetrics: FileScanMetrics = {
    rowGroupsRead: 0,
    rowGroupsSkipped: 0,
    rowsRead: 0,
    rowsDeleted: 0,
    bytesRead: 0,
  };
  const write = (batch: arrow.RecordBatch) =>
    writer.write({ key: bin.id, values: bin.partitionValues, scalars: new Map(), batch });
  const sorter = context.zOrderBy.length > 0 ? new ZOrderRuns(context, dataFields, outputSchema, write) : undefined;
  try {
    for (const add of bin.files) {
      for await (const batch of streamDataFile(ctx, { add, partitionValues: new Map() }, scanMetrics)) {
        if (sorter) await sorter.add(batch);
        else await write(batch);
      }
    }
    await sorter?.flush();
    const written = await writer.finish();
    return binResult(bin, written, scanMetrics, sorter?.runs ?? 0, elapsed());
  } catch (err) {
    await writer.abort(err);
    throw err;
  }
}

function binWriter(engine: Engine, context: BinContext, schema: StructType): DataFileWriter {
  return new DataFileWriter({
    engine,
    schema,
    partitionColumns: context.partitionColumns,
    mode: context.columnMapping,
    targetFileSize: context.targetSize,
    rowGroupSize: context.rowGroupSize,
    compression: context.compression,
    stats: {
      ...statsColumnsFromProperties(context.configuration),
      // New files have no DV, so their bounds are tight; Spark says so on DV-enabled tables.
      tightBounds: context.configuration['delta.enableDeletionVectors'] === 'true',
    },
    maxOpenFiles: 1,
  });
}

/**
 * Z-order: batches gather into a run of at most zOrderMemoryLimit decoded bytes, which is
 * sorted by Morton code and written in slices (a bigger bin becomes several sorted runs).
 */
class ZOrderRuns {
  runs = 0;
  private run: arrow.RecordBatch[] = [];
  private runBytes = 0;
  private readonly columns: { index: number; type: StructField['type'] }[];

  constructor(
    private readonly context: BinContext,
    dataFields: readonly StructField[],
    private readonly schema: arrow.Schema,
    private readonly write: (batch: arrow.RecordBatch) => Promise<void>,
  ) {
    this.columns = context.zOrderBy.map((name) => ({
      index: dataFields.findIndex((f) => f.name === name),
      type: dataFields.find((f) => f.name === name)!.type,
    }));
  }

  async add(batch: arrow.RecordBatch): Promise<void> {
    this.run.push(batch);
    this.runBytes += arrowBytes(batch);
    if (this.runBytes >= this.context.zOrderMemoryLimit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.run.length === 0) return;
    const all = concatBatches(this.run, this.schema);
    this.run = [];
    this.runBytes = 0;
    this.runs++;
    const perm = zOrderPermutation(
      this.columns.map((z) => ({ data: all.data.children[z.index]!, type: z.type })),
      all.numRows,
    );
    const rowBytes = arrowBytes(all) / Math.max(1, all.numRows);
    const step = Math.max(64, Math.min(SORTED_WRITE_ROWS, Math.floor(this.context.targetSize / 16 / rowBytes)));
    for (let i = 0; i < perm.length; i += step) {
      await this.write(takeBatch(all, perm.subarray(i, Math.min(perm.length, i + step))));
    }
  }
}

function binResult(
  bin: OptimizeBin,
  written: WrittenFiles,
  scan: FileScanMetrics,
  zOrderRuns: number,
  durationMs: number,
): BinResult {
  const adds: AddFile[] = written.adds.map((a) => ({ ...a, dataChange: false }));
  return {
    binId: bin.id,
    adds,
    removed: bin.files,
    metrics: {
      numFilesRemoved: bin.files.length,
      numFilesAdded: adds.length,
      bytesRead: scan.bytesRead,
      bytesRemoved: bin.totalBytes,
      bytesWritten: written.numOutputBytes,
      rowsRead: scan.rowsRead,
      rowsWritten: written.numOutputRows,
      rowsDeletedByDv: bin.files.reduce((n, f) => n + Number(f.deletionVector?.cardinality ?? 0), 0),
      numDeletionVectorsRemoved: bin.files.filter((f) => f.deletionVector).length,
      zOrderRuns,
      durationMs,
    },
  };
}
