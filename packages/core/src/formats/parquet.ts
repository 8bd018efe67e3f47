/**
 * Parquet input: read through the engine's reader (ranged reads, one row group at a time),
 * then conformed to the target schema: matching columns cast where Arrow types differ
 * (widening, units, zones), absent columns null, other columns kept.
 */
import * as arrow from 'apache-arrow';
import { castData } from '../arrow/cast.js';
import { emptyBatch, nullData } from '../arrow/constant.js';
import { batchOf, sameType } from '../arrow/data-utils.js';
import { DeltaError, InputFormatError } from '../errors.js';
import { defaultParquetHandler } from '../parquet/handler.js';
import type { ParquetFileReader } from '../parquet/reader.js';
import type { ObjectStore } from '../storage/object-store.js';
import { assertColumnCount, DEFAULT_MAX_COLUMNS, rowsPerBatch } from './limits.js';
import { planColumns, type AbsentColumns, type ColumnPlan } from './target.js';

export interface ParquetInputOptions {
  schema?: arrow.Schema;
  absentColumns?: AbsentColumns;
  batchRows: number;
  /** Object size when known (saves a HEAD). */
  size?: number;
  /** Most leaf columns accepted (limits.ts). */
  maxColumns?: number;
  /** Most values per batch (limits.ts). */
  cellsPerBatch?: number;
}

/** Stream a Parquet object's rows as record batches conformed to `schema` (when given). */
export async function* readParquetInput(
  store: ObjectStore,
  key: string,
  opts: ParquetInputOptions,
): AsyncGenerator<arrow.RecordBatch> {
  const reader = await open(store, key, opts).catch((err: unknown) => {
    throw parquetError(err, key);
  });
  try {
    const leaves = reader.metadata.leaves.length;
    const fileSchema = reader.arrowSchema();
    const plan = opts.schema
      ? planColumns(
          key,
          fileSchema.fields.map((f) => f.name),
          opts.schema,
          (i) => fileSchema.fields[i]!.type,
          opts.absentColumns,
        )
      : undefined;
    let any = false;
    try {
      for await (const batch of reader.readBatches({
        batchSize: rowsPerBatch(opts.batchRows, leaves, opts.cellsPerBatch),
      })) {
        any = true;
        yield plan ? conform(batch, plan) : batch;
      }
    } catch (err) {
      throw parquetError(err, key);
    }
    if (!any) yield conform(emptyBatch(fileSchema), plan); // no rows: the schema still counts
  } finally {
    reader.close();
  }
}

/** Open the object, refusing one with too many columns from its footer alone (before the decoder sees it). */
async function open(store: ObjectStore, key: string, opts: ParquetInputOptions): Promise<ParquetFileReader> {
  const file = await defaultParquetHandler.openFile(store, key, { size: opts.size });
  assertColumnCount(file.metadata.leaves.length, opts.maxColumns ?? DEFAULT_MAX_COLUMNS, key, 'leaf columns');
  return file.arrow();
}

function conform(batch: arrow.RecordBatch, plan: ColumnPlan | undefined): arrow.RecordBatch {
  if (!plan) return batch;
  const n = batch.numRows;
  const fields: arrow.Field[] = [];
  const columns = plan.schema.fields.map((f, i) => {
    const src = plan.sources[i]!;
    if (src < 0) {
      fields.push(f);
      return nullData(f.type, n);
    }
    const data = batch.data.children[src]!;
    if (sameType(data.type, f.type)) {
      fields.push(f);
      return data;
    }
    try {
      const cast = castData(data, f.type);
      fields.push(f);
      return cast;
    } catch {
      // Not castable here: keep the column as stored; the writer's schema rules decide.
      fields.push(new arrow.Field(f.name, data.type, true));
      return data;
    }
  });
  return batchOf(new arrow.Schema(fields, plan.schema.metadata), columns, n);
}

function parquetError(err: unknown, key: string): Error {
  if (err instanceof DeltaError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new InputFormatError(key, `${key}: cannot read the object as Parquet: ${msg}`, undefined, undefined, {
    cause: err,
  });
}
