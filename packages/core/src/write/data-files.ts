/**
 * Rolling Parquet writers, one open file per partition: batches stream into parquet-wasm
 * and out to the store while statistics accumulate; a file closes when it reaches the
 * target size. Memory is bounded by one row group per open file and a cap on open files; a
 * row group holds at most `rowGroupSize` rows and about `rowGroupBytes` of data, so wide rows
 * get shorter row groups instead of unbounded ones.
 */
import type * as arrow from 'apache-arrow';
import type { Engine } from '../engine/engine.js';
import type { AddFile } from '../protocol/actions.js';
import type { ColumnMappingMode } from '../protocol/features.js';
import { encodePathForLog, partitionDirectory } from '../protocol/paths.js';
import type { StructType } from '../protocol/schema.js';
import type { ParquetCompression, ParquetStreamWriter } from '../parquet/writer.js';
import type { PartitionSlice } from './partition-split.js';
import { physicalSchema, toPhysicalBatch } from './physical.js';
import { randomPrefix } from './random-prefix.js';
import { StatsCollector, type StatsOptions } from './stats.js';

export interface DataFileOptions {
  /** The table's store, Parquet writer, clock (file times) and ids (file names). */
  engine: Engine;
  /** Logical table schema (all columns). */
  schema: StructType;
  partitionColumns: readonly string[];
  mode: ColumnMappingMode;
  targetFileSize: number;
  rowGroupSize: number;
  /** Cap on a row group's decoded (Arrow) bytes, estimated per file from its first batch. */
  rowGroupBytes?: number;
  compression: ParquetCompression;
  stats: StatsOptions;
  /** Directory prefix for new files (default: table root). */
  prefix?: string;
  /** Most files open at once (partitions written concurrently); the largest closes first. */
  maxOpenFiles?: number;
  /** File name prefix: `part` for data files (default), `cdc` for change data files. */
  fileNamePrefix?: string;
}

interface OpenFile {
  key: string;
  path: string;
  partition: PartitionSlice;
  writer: ParquetStreamWriter;
  upload: Promise<void>;
  stats: StatsCollector;
  /** Rows per row group for this file (rowGroupSize, or fewer for wide rows). */
  rowGroupRows: number;
  rows: number;
  arrowBytes: number;
  emitted: number;
  /** Chunks emitted so far: parquet-wasm emits one per row group (then the footer). */
  chunks: number;
}

export interface WrittenFiles {
  adds: AddFile[];
  numOutputRows: number;
  numOutputBytes: number;
}

/**
 * Default row group byte cap. parquet-wasm holds the row group being encoded (compressed
 * pages plus its output buffer, ~2-3x the encoded size), and the finished group is then
 * copied out as one chunk, so this bounds writer memory for any row width. 1M rows of
 * typical narrow rows (~50 bytes) stay under it.
 */
export const DEFAULT_ROW_GROUP_BYTES = 64 * 1024 * 1024;

const CODEC_SUFFIX: Record<ParquetCompression, string> = { snappy: '.snappy', zstd: '.zstd', gzip: '.gz', none: '' };

function arrowByteSize(batch: arrow.RecordBatch): number {
  let n = 0;
  const visit = (d: arrow.Data) => {
    n += d.values?.byteLength ?? 0;
    n += d.valueOffsets?.byteLength ?? 0;
    d.children.forEach(visit);
  };
  batch.data.children.forEach(visit);
  return n;
}

export class DataFileWriter {
  private readonly open = new Map<string, OpenFile>();
  private readonly done: AddFile[] = [];
  private readonly writtenPaths: string[] = [];
  private fileCounter = 0;
  private rows = 0;
  private bytes = 0;
  private readonly physical: arrow.Schema;

  constructor(private readonly opts: DataFileOptions) {
    this.physical = physicalSchema(
      opts.schema.fields.filter((f) => !opts.partitionColumns.includes(f.name)),
      opts.mode,
    );
  }

  async write(slice: PartitionSlice): Promise<void> {
    if (slice.batch.numRows === 0) return;
    let file = this.open.get(slice.key);
    if (!file) {
      if (this.open.size >= (this.opts.maxOpenFiles ?? 32)) await this.closeLargest();
      file = await this.openFile(slice);
    }
    file.stats.update(slice.batch);
    await file.writer.write(toPhysicalBatch(slice.batch, this.physical, this.opts.mode));
    file.rows += slice.batch.numRows;
    file.arrowBytes += arrowByteSize(slice.batch);
    // Emitted bytes plus the Arrow size (pre-compression) of the rows not emitted yet. A row
    // group's bytes come out of the writer one write later (one chunk per row group), so
    // rows past the emitted row groups count, not just those past the last boundary.
    const emittedRows = Math.min(file.rows, file.chunks * file.rowGroupRows);
    const pending = (file.arrowBytes / file.rows) * (file.rows - emittedRows);
    if (file.emitted + pending >= this.opts.targetFileSize) await this.close(file);
  }

  private async openFile(slice: PartitionSlice): Promise<OpenFile> {
    // Under column mapping, partitioned files go in a random two-character directory (as Delta
    // Spark and delta-rs do): Hive directories would name logical columns, which renames break,
    // and partitionValues are keyed by physical names.
    const dir =
      this.opts.partitionColumns.length === 0
        ? ''
        : this.opts.mode !== 'none'
          ? `${randomPrefix(this.opts.engine.ids)}/`
          : partitionDirectory(this.opts.partitionColumns, slice.values) + '/';
    const n = String(this.fileCounter++).padStart(5, '0');
    const name = `${this.opts.fileNamePrefix ?? 'part'}-${n}-${this.opts.engine.ids.uuid()}-c000${CODEC_SUFFIX[this.opts.compression]}.parquet`;
    const path = `${this.opts.prefix ?? ''}${dir}${name}`;
    const rowBytes = arrowByteSize(slice.batch) / slice.batch.numRows;
    const byteCap = this.opts.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
    const rowGroupRows = Math.max(1, Math.min(this.opts.rowGroupSize, Math.floor(byteCap / Math.max(1, rowBytes))));
    const writer = await this.opts.engine.parquet.createWriter(this.physical, {
      compression: this.opts.compression,
      rowGroupSize: rowGroupRows,
    });
    const file: OpenFile = {
      key: slice.key,
      path,
      partition: slice,
      writer,
      rowGroupRows,
      upload: Promise.resolve(),
      stats: new StatsCollector(this.opts.schema, {
        ...this.opts.stats,
        columnMapping: this.opts.mode,
        partitionColumns: this.opts.partitionColumns,
      }),
      rows: 0,
      arrowBytes: 0,
      emitted: 0,
      chunks: 0,
    };
    const counted = (async function* () {
      for await (const chunk of writer.bytes) {
        file.emitted += chunk.length;
        file.chunks++;
        yield chunk;
      }
    })();
    this.writtenPaths.push(path);
    file.upload = this.opts.engine.store.putStream(path, counted);
    file.upload.catch(() => undefined);
    this.open.set(slice.key, file);
    return file;
  }

  private async closeLargest(): Promise<void> {
    let largest: OpenFile | undefined;
    for (const f of this.open.values()) if (!largest || f.arrowBytes > largest.arrowBytes) largest = f;
    if (largest) await this.close(largest);
  }

  private async close(file: OpenFile): Promise<void> {
    this.open.delete(file.key);
    const [result] = await Promise.all([file.writer.close(), file.upload]);
    this.rows += result.numRows;
    this.bytes += result.size;
    this.done.push({
      path: encodePathForLog(file.path),
      partitionValues: file.partition.values,
      size: result.size,
      modificationTime: this.opts.engine.clock.now(),
      dataChange: true,
      stats: file.stats.toJson(),
    });
  }

  /** Close every open file; returns the add actions (not yet committed). */
  async finish(): Promise<WrittenFiles> {
    for (const f of [...this.open.values()]) await this.close(f);
    return { adds: this.done, numOutputRows: this.rows, numOutputBytes: this.bytes };
  }

  /** Stop writing and delete every file this writer created (nothing was committed). */
  async abort(reason?: unknown): Promise<void> {
    await Promise.all(
      [...this.open.values()].map((f) => f.writer.abort(reason).then(() => f.upload.catch(() => undefined))),
    );
    this.open.clear();
    await this.opts.engine.store.deleteMany(this.writtenPaths).catch(() => undefined);
  }
}
