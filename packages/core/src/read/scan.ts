/**
 * Table scans: plan (partition pruning and stats skipping on the log), then read the
 * remaining files with bounded prefetch and yield Arrow record batches.
 */
import * as arrow from 'apache-arrow';
import { bind, mayMatch, parseExpression, columnsOf, type BoundExpression, type Expression } from '../expr/index.js';
import { InvalidArgumentError } from '../errors.js';
import type { AddFile } from '../protocol/actions.js';
import { deltaFieldToArrow } from '../protocol/arrow-schema.js';
import type { StructField } from '../protocol/schema.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { orderedPrefetch } from '../util/concurrency.js';
import { fileStatsLookup, parsePartitionValues, type TableColumns } from './file-stats.js';
import { readDataFile, type FileScanContext, type FileScanMetrics, type ScanFileTask } from './file-scan.js';

export interface ScanOptions {
  /** Top-level columns to return, in this order (default: all, in schema order). */
  columns?: readonly string[];
  /** Row filter: an expression from the builder, or SQL-like text (`id > 3 AND c = 'NZ'`). */
  filter?: Expression | string;
  /** Rows per batch read from Parquet (default 65,536). */
  batchSize?: number;
  /** Data files read ahead in parallel (default 4). */
  concurrency?: number;
}

export interface ScanMetrics extends FileScanMetrics {
  filesInSnapshot: number;
  filesSkippedByPartition: number;
  filesSkippedByStats: number;
  filesRead: number;
  bytesInSelectedFiles: number;
  rowsReturned: number;
}

/** A scan of one snapshot; all planning is synchronous once the snapshot is loaded. */
export class SnapshotScan implements AsyncIterable<arrow.RecordBatch> {
  readonly schema: arrow.Schema;
  readonly metrics: ScanMetrics;
  private readonly predicate?: BoundExpression;
  private readonly readFields: StructField[];
  private readonly cols: TableColumns;
  private tasks?: ScanFileTask[];

  constructor(
    readonly snapshot: Snapshot,
    private readonly options: ScanOptions = {},
  ) {
    const schema = snapshot.schema;
    this.cols = { schema, mode: snapshot.columnMapping, partitionColumns: new Set(snapshot.partitionColumns) };
    const names = options.columns ?? schema.fields.map((f) => f.name);
    const outputFields = names.map((n) => {
      const f = schema.fields.find((x) => x.name === n);
      if (!f) {
        throw new InvalidArgumentError(
          `column "${n}" is not in the table; columns are: ${schema.fields.map((x) => x.name).join(', ')}`,
        );
      }
      return f;
    });
    if (options.filter !== undefined) {
      const expr = typeof options.filter === 'string' ? parseExpression(options.filter) : options.filter;
      this.predicate = bind(expr, schema);
    }
    const extra = this.predicate
      ? [...new Set(columnsOf(this.predicate).map((p) => p[0]!))]
          .filter((n) => !names.includes(n))
          .map((n) => schema.fields.find((f) => f.name === n)!)
      : [];
    this.readFields = [...outputFields, ...extra];
    this.schema = new arrow.Schema(outputFields.map((f) => deltaFieldToArrow(f)));
    this.metrics = {
      filesInSnapshot: snapshot.numFiles,
      filesSkippedByPartition: 0,
      filesSkippedByStats: 0,
      filesRead: 0,
      bytesInSelectedFiles: 0,
      rowsReturned: 0,
      rowGroupsRead: 0,
      rowGroupsSkipped: 0,
      rowsRead: 0,
      rowsDeleted: 0,
      bytesRead: 0,
    };
  }

  /** The files this scan will read, after partition pruning and stats skipping. */
  plan(): ScanFileTask[] {
    if (this.tasks) return this.tasks;
    const tasks: ScanFileTask[] = [];
    const m = this.metrics;
    for (const add of this.snapshot.activeFiles()) {
      const partitionValues = parsePartitionValues(this.cols, add.partitionValues);
      if (this.predicate) {
        const partitionOnly = fileStatsLookup(this.cols, partitionValues, undefined);
        if (this.cols.partitionColumns.size > 0 && !mayMatch(this.predicate, partitionOnly)) {
          m.filesSkippedByPartition++;
          continue;
        }
        const stats = this.snapshot.fileStats(add);
        if (stats && !mayMatch(this.predicate, fileStatsLookup(this.cols, partitionValues, stats))) {
          m.filesSkippedByStats++;
          continue;
        }
      }
      m.bytesInSelectedFiles += Number(add.size) || 0;
      tasks.push({ add, partitionValues });
    }
    return (this.tasks = tasks);
  }

  /** Paths (as in the log) of the files the scan reads. */
  files(): AddFile[] {
    return this.plan().map((t) => t.add as AddFile);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<arrow.RecordBatch> {
    const tasks = this.plan();
    const ctx: FileScanContext = {
      engine: this.snapshot.engine,
      mode: this.cols.mode,
      readFields: this.readFields,
      outputSchema: this.schema,
      predicate: this.predicate,
      batchSize: this.options.batchSize ?? 65_536,
      tableSchema: this.cols.schema,
      version: this.snapshot.version,
    };
    for await (const batches of orderedPrefetch(tasks, this.options.concurrency ?? 4, (t) =>
      readDataFile(ctx, t, this.metrics),
    )) {
      this.metrics.filesRead++;
      for (const b of batches) {
        this.metrics.rowsReturned += b.numRows;
        yield b;
      }
    }
  }

  /** Read everything into one Arrow table. */
  async toArrow(): Promise<arrow.Table> {
    const batches: arrow.RecordBatch[] = [];
    for await (const b of this) batches.push(b);
    return batches.length > 0 ? new arrow.Table(batches) : new arrow.Table(this.schema);
  }
}

/**
 * The public scan handle: created synchronously by `DeltaTable.scan()`, it resolves its
 * snapshot (time travel may need I/O) on first use.
 */
export class Scan implements AsyncIterable<arrow.RecordBatch> {
  private resolved?: Promise<SnapshotScan>;
  private planned?: SnapshotScan;

  constructor(
    private readonly snapshot: () => Promise<Snapshot>,
    private readonly options: ScanOptions = {},
  ) {}

  /** Resolve the snapshot and plan the scan (memoised). */
  async prepare(): Promise<SnapshotScan> {
    this.resolved ??= this.snapshot()
      .then((s) => s.loadFiles())
      .then((s) => (this.planned = new SnapshotScan(s, this.options)));
    return this.resolved;
  }

  async schema(): Promise<arrow.Schema> {
    return (await this.prepare()).schema;
  }

  /** Files the scan reads after pruning and skipping. */
  async files(): Promise<AddFile[]> {
    return (await this.prepare()).files();
  }

  /** Counters of the scan so far (files skipped, row groups, rows); undefined before it starts. */
  get metrics(): ScanMetrics | undefined {
    return this.planned?.metrics;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<arrow.RecordBatch> {
    yield* await this.prepare();
  }

  async toArrow(): Promise<arrow.Table> {
    return (await this.prepare()).toArrow();
  }
}
