/**
 * Bounds that keep an input object's memory proportional to its data, whatever its shape.
 *
 * - A batch holds at most CELLS_PER_BATCH values (rows x columns): a wide object gets short
 *   batches instead of `batchRows` rows of every column (20,000 columns x 65,536 rows would be
 *   1.3 billion cells). Narrow inputs keep `batchRows` (16 columns x 65,536 = 1 Mi cells).
 * - An object may have at most `maxColumns` columns (default DEFAULT_MAX_COLUMNS; leaf columns
 *   for Parquet). Every column costs the Parquet writer and reader time and memory whether it
 *   holds data or not (parquet-wasm's writer time grows faster than linearly with the column
 *   count), so a small file with a huge header is refused up front, naming the limit.
 */
import { InputFormatError } from '../errors.js';

/** Most values (rows x columns) in one batch of an input object. */
export const CELLS_PER_BATCH = 1 << 20;

/** Default limit on an input object's columns (`maxColumns` raises or lowers it). */
export const DEFAULT_MAX_COLUMNS = 10_000;

/** Rows per batch for `columns` columns: `batchRows`, fewer for wide inputs, at least 1. */
export function rowsPerBatch(batchRows: number, columns: number, cells = CELLS_PER_BATCH): number {
  return Math.max(1, Math.min(batchRows, Math.floor(cells / Math.max(1, columns))));
}

/** The cell budget to apply (the option, checked). */
export function checkCellsPerBatch(cells: number | undefined, key: string): number {
  const n = cells ?? CELLS_PER_BATCH;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InputFormatError(key, `cellsPerBatch must be a whole number of at least 1, got ${n}`);
  return n;
}

/** The limit to apply (the option, checked), for error messages and checks. */
export function checkMaxColumns(maxColumns: number | undefined, key: string): number {
  const n = maxColumns ?? DEFAULT_MAX_COLUMNS;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InputFormatError(key, `maxColumns must be a whole number of at least 1, got ${n}`);
  return n;
}

/** Refuse an object with more than `max` columns before its data is read. */
export function assertColumnCount(columns: number, max: number, key: string, what = 'columns'): void {
  if (columns <= max) return;
  throw new InputFormatError(
    key,
    `${key}: the object has ${columns} ${what}, more than the limit of ${max} (maxColumns; default ${DEFAULT_MAX_COLUMNS}). ` +
      'Split it into narrower objects, or raise maxColumns if the writer and reader should handle that many',
  );
}
