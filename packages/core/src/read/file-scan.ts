/**
 * Read one data file of a scan: skip row groups by Parquet statistics, read only the needed
 * columns, conform them to the logical schema, add partition columns, drop rows deleted by
 * the deletion vector and rows the filter rejects.
 */
import * as arrow from 'apache-arrow';
import { combineChunks } from '../arrow/concat.js';
import { constantData } from '../arrow/constant.js';
import { filterBatch } from '../arrow/take.js';
import { evaluatePredicate, mayMatch, type BoundExpression, type StatsLookup } from '../expr/index.js';
import type { AddFile } from '../protocol/actions.js';
import { deltaTypeToArrow } from '../protocol/arrow-schema.js';
import { loadDeletionVector, storeDvReader } from '../protocol/deletion-vectors/index.js';
import type { Scalar } from '../protocol/scalar.js';
import type { ColumnMappingMode } from '../protocol/features.js';
import type { StructField, StructType } from '../protocol/schema.js';
import { MissingDataFileError, NotFoundError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import type { ParquetFileReader, RowGroupInfo } from '../parquet/reader.js';
import { physicalPath } from '../protocol/column-mapping.js';
import { conformData, matchField } from './conform.js';
import { locateFile, type FileLocation } from './locate.js';

export interface FileScanContext {
  /** The table's engine: its store (and others for absolute paths) and Parquet handler. */
  engine: Engine;
  mode: ColumnMappingMode;
  /** Logical fields produced before filtering (output columns + filter-only columns). */
  readFields: readonly StructField[];
  /** Schema of the batches this file yields (after dropping filter-only columns). */
  outputSchema: arrow.Schema;
  predicate?: BoundExpression;
  batchSize: number;
  /** Full logical schema, for mapping stats paths under column mapping. */
  tableSchema: StructType;
  /** Table version being read, named when a data file is missing. */
  version?: number;
  /**
   * Add a float64 column of this name holding each row's index in the file (Spark's
   * `_metadata.row_index`), before filtering; include it in outputSchema to keep it.
   */
  rowIndexColumn?: string;
}

export interface FileScanMetrics {
  rowGroupsRead: number;
  rowGroupsSkipped: number;
  rowsRead: number;
  rowsDeleted: number;
  bytesRead: number;
}

/** Which rows of a file survive: a deletion vector, or an explicit selection (change feed). */
export interface RowSelector {
  /** Keep-mask for rows [start, start+length), null when every row is kept. */
  keepMask(start: number, length: number): Uint8Array | null;
}

export interface ScanFileTask {
  add: Pick<AddFile, 'path' | 'size' | 'deletionVector'>;
  /** Constant columns: partition values (and change-feed columns), by logical name. */
  partitionValues: Map<string, Scalar>;
  /** Overrides the file's deletion vector (the change feed selects rows itself). */
  selector?: RowSelector;
}

/** Read a file fully into batches (the scan prefetches whole files, bounded by concurrency). */
export async function readDataFile(
  ctx: FileScanContext,
  task: ScanFileTask,
  metrics: FileScanMetrics,
): Promise<arrow.RecordBatch[]> {
  const out: arrow.RecordBatch[] = [];
  for await (const b of streamDataFile(ctx, task, metrics)) out.push(b);
  return out;
}

export async function* streamDataFile(
  ctx: FileScanContext,
  task: ScanFileTask,
  metrics: FileScanMetrics,
): AsyncGenerator<arrow.RecordBatch> {
  const { add } = task;
  const loc = locateFile(ctx.engine.store, add.path);
  const [file, deleted] = await Promise.all([
    openDataFile(ctx.engine, loc, add, ctx.version),
    task.selector ??
      (add.deletionVector
        ? loadDeletionVector(add.deletionVector, storeDvReader(ctx.engine.store), { dataFile: add.path })
        : undefined),
  ]);
  try {
    const fileSchema = file.arrowSchema();
    // Which logical fields come from the file, and under which top-level physical name.
    const sources = ctx.readFields.map((f) => {
      if (task.partitionValues.has(f.name)) return { field: f, index: -1 };
      return { field: f, index: matchField(fileSchema.fields, f, ctx.mode) };
    });
    const physicalColumns = [
      ...new Set(sources.filter((s) => s.index >= 0).map((s) => fileSchema.fields[s.index]!.name)),
    ];
    const selected = selectRowGroups(ctx, task, file.metadata.rowGroups, deleted, metrics);
    if (selected.length === 0) return;
    const batches =
      physicalColumns.length > 0
        ? file.readBatches({
            columns: physicalColumns,
            rowGroups: selected.map((s) => s.index),
            batchSize: ctx.batchSize,
          })
        : countOnlyBatches(selected, ctx.batchSize);
    const positions = new FileRows(selected);
    for await (const raw of batches) {
      const n = raw.numRows;
      metrics.rowsRead += n;
      const rowStarts = positions.next(n);
      const columns = sources.map(({ field, index }) => {
        if (index < 0)
          return constantData(deltaTypeToArrow(field.type), task.partitionValues.get(field.name) ?? null, n);
        const col = raw.getChild(fileSchema.fields[index]!.name);
        const data = col ? (col.data.length === 1 ? col.data[0]! : combineChunks(col)) : undefined;
        return conformData(data, n, field.type, ctx.mode, field.name);
      });
      const full = makeBatch(ctx.readFields, columns, n);
      const indexed = ctx.rowIndexColumn ? withRowIndex(full, ctx.rowIndexColumn, rowStarts) : full;
      const filtered = keptRows(ctx, indexed, deleted, rowStarts, metrics);
      if (filtered.numRows === 0) continue;
      yield project(filtered, ctx.outputSchema);
    }
  } finally {
    metrics.bytesRead += file.io().bytesFetched;
    file.close();
  }
}

interface SelectedGroup {
  index: number;
  /** File row index of the group's first row. */
  start: number;
  numRows: number;
}

/** Row groups to read: skip by statistics and by deletion vectors that delete them whole. */
function selectRowGroups(
  ctx: FileScanContext,
  task: ScanFileTask,
  groups: readonly RowGroupInfo[],
  deleted: RowSelector | undefined,
  metrics: FileScanMetrics,
): SelectedGroup[] {
  const selected: SelectedGroup[] = [];
  let start = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const keep =
      g.numRows > 0 &&
      (!ctx.predicate || mayMatch(ctx.predicate, rowGroupLookup(ctx, task, g))) &&
      !(deleted && deleted.keepMask(start, g.numRows)?.every((b) => b === 0));
    if (keep) selected.push({ index: i, start, numRows: g.numRows });
    else metrics.rowGroupsSkipped++;
    start += g.numRows;
  }
  metrics.rowGroupsRead += selected.length;
  return selected;
}

/** Maps positions in the concatenated selected row groups back to file row indexes. */
class FileRows {
  private seg = 0;
  private segPos = 0;

  constructor(private readonly selected: readonly SelectedGroup[]) {}

  /** The next `n` rows as [batchOffset, fileRow, length] runs. */
  next(n: number): [number, number, number][] {
    const rowStarts: [number, number, number][] = [];
    let covered = 0;
    while (covered < n) {
      const s = this.selected[this.seg]!;
      const take = Math.min(n - covered, s.numRows - this.segPos);
      rowStarts.push([covered, s.start + this.segPos, take]);
      covered += take;
      this.segPos += take;
      if (this.segPos === s.numRows) {
        this.seg++;
        this.segPos = 0;
      }
    }
    return rowStarts;
  }
}

/** The rows neither the deletion vector (or selector) nor the filter drops. */
function keptRows(
  ctx: FileScanContext,
  full: arrow.RecordBatch,
  deleted: RowSelector | undefined,
  rowStarts: [number, number, number][],
  metrics: FileScanMetrics,
): arrow.RecordBatch {
  const n = full.numRows;
  let keep: Uint8Array | null = deleted ? dvMask(deleted, rowStarts, n, metrics) : null;
  if (ctx.predicate) {
    const m = evaluatePredicate(ctx.predicate, full);
    if (keep) for (let i = 0; i < n; i++) keep[i]! &= m[i]!;
    else keep = m;
  }
  return keep ? filterBatch(full, keep) : full;
}

/** Open a data file; one the log lists but storage lacks is table damage, not a storage hiccup. */
async function openDataFile(
  engine: Engine,
  loc: FileLocation,
  add: ScanFileTask['add'],
  version: number | undefined,
): Promise<ParquetFileReader> {
  try {
    return await engine.parquet.open(loc.store, loc.key, { size: Number(add.size) || undefined });
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    const of = version === undefined ? '' : ` of version ${version}`;
    throw new MissingDataFileError(
      add.path,
      version,
      `data file ${add.path}${of} is in the table's log but missing from storage: it was probably removed by VACUUM ` +
        '(or deleted outside Delta). Read a newer version of the table, or restore the file.',
      { cause: err },
    );
  }
}

function dvMask(
  deleted: RowSelector,
  rowStarts: [number, number, number][],
  n: number,
  metrics: FileScanMetrics,
): Uint8Array | null {
  let mask: Uint8Array | null = null;
  for (const [off, fileRow, len] of rowStarts) {
    const m = deleted.keepMask(fileRow, len);
    if (!m) continue;
    mask ??= new Uint8Array(n).fill(1);
    mask.set(m, off);
  }
  if (mask) {
    let dropped = 0;
    for (let i = 0; i < n; i++) dropped += 1 - mask[i]!;
    metrics.rowsDeleted += dropped;
  }
  return mask;
}

async function* countOnlyBatches(
  selected: { numRows: number }[],
  batchSize: number,
): AsyncGenerator<arrow.RecordBatch> {
  for (const s of selected) {
    for (let done = 0; done < s.numRows; done += batchSize) {
      const n = Math.min(batchSize, s.numRows - done);
      yield new arrow.RecordBatch(
        new arrow.Schema([]),
        arrow.makeData({ type: new arrow.Struct([]), length: n, nullCount: 0, children: [] }),
      );
    }
  }
}

function makeBatch(fields: readonly StructField[], columns: arrow.Data[], n: number): arrow.RecordBatch {
  const arrowFields = fields.map((f, i) => new arrow.Field(f.name, columns[i]!.type, f.nullable || true));
  const schema = new arrow.Schema(arrowFields);
  return new arrow.RecordBatch(
    schema,
    arrow.makeData({ type: new arrow.Struct(arrowFields), length: n, nullCount: 0, children: columns }),
  );
}

/** Append the file row index of every row (from the batch's [offset, fileRow, length] runs). */
function withRowIndex(batch: arrow.RecordBatch, name: string, runs: [number, number, number][]): arrow.RecordBatch {
  const index = new Float64Array(batch.numRows);
  for (const [off, fileRow, len] of runs) for (let i = 0; i < len; i++) index[off + i] = fileRow + i;
  const field = new arrow.Field(name, new arrow.Float64(), false);
  const column = arrow.makeData({ type: new arrow.Float64(), length: batch.numRows, nullCount: 0, data: index });
  const fields = [...batch.schema.fields, field];
  return new arrow.RecordBatch(
    new arrow.Schema(fields),
    arrow.makeData({
      type: new arrow.Struct(fields),
      length: batch.numRows,
      nullCount: 0,
      children: [...batch.data.children, column],
    }),
  );
}

function project(batch: arrow.RecordBatch, schema: arrow.Schema): arrow.RecordBatch {
  const children = schema.fields.map(
    (f) => batch.data.children[batch.schema.fields.findIndex((x) => x.name === f.name)]!,
  );
  return new arrow.RecordBatch(
    schema,
    arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children }),
  );
}

/** Row-group statistics as a StatsLookup on logical paths (partition columns exact). */
function rowGroupLookup(ctx: FileScanContext, task: ScanFileTask, g: RowGroupInfo): StatsLookup {
  const col = (path: readonly string[]) => {
    const phys = physicalPath(ctx.tableSchema, path, ctx.mode);
    return phys ? g.columns.get(phys.join('.')) : undefined;
  };
  const part = (path: readonly string[]) =>
    path.length === 1 && task.partitionValues.has(path[0]!) ? task.partitionValues.get(path[0]!) : undefined;
  return {
    numRecords: g.numRows,
    allNull: (p) => part(p) === null,
    boundsExact: (p) => part(p) !== undefined,
    min: (p) => {
      const pv = part(p);
      return pv !== undefined ? (pv ?? undefined) : (col(p)?.min as Scalar | undefined);
    },
    max: (p) => {
      const pv = part(p);
      return pv !== undefined ? (pv ?? undefined) : (col(p)?.max as Scalar | undefined);
    },
    nullCount: (p) => {
      const pv = part(p);
      if (pv !== undefined) return pv === null ? g.numRows : 0;
      return col(p)?.nullCount;
    },
  };
}
