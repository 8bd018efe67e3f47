/**
 * Decode a Parquet file held in memory into plain row objects with hyparquet (pure JS).
 * For small files read by a cold process: parquet-wasm first compiles a 4.8 MB module and
 * then each wasm function on its first call, which costs a fresh Lambda more (60-90 ms) than
 * decoding a few hundred KB in JS. Values come as hyparquet returns them: INT64 as bigint,
 * maps as objects, lists as arrays, nulls as null; callers convert.
 */
import { parquetMetadata, parquetRead } from 'hyparquet';
import { CorruptDataError, CorruptDataFileError, DeltaError } from '../errors.js';
import type { StoreFile } from './blob.js';
import { JS_CODECS, JS_COMPRESSORS } from './codecs.js';
import type { ParquetMetadata } from './types.js';

/** True when every column chunk of `columns` (top-level names) uses a codec hyparquet decodes here. */
export function jsCodecsOnly(metadata: ParquetMetadata, columns: readonly string[]): boolean {
  const wanted = new Set(columns);
  return metadata.rowGroups.every((g) =>
    [...g.columns.values()].every((c) => !wanted.has(c.path[0]!) || JS_CODECS.has(c.codec)),
  );
}

/**
 * Every row of `columns` (top-level names) as an object keyed by column name. Damaged data is
 * a CorruptDataFileError (hyparquet throws whatever its decoding hits); a store failure stays
 * the store's error.
 */
export async function readObjectRows(
  file: StoreFile,
  footer: Uint8Array,
  columns: string[],
): Promise<Record<string, unknown>[]> {
  let rows: Record<string, unknown>[] = [];
  try {
    await parquetRead({
      file: file.asyncBuffer(),
      metadata: parquetMetadata(footer, { geoparquet: false }),
      columns,
      rowFormat: 'object',
      compressors: JS_COMPRESSORS,
      onComplete: (r: Record<string, unknown>[]) => {
        rows = r;
      },
    });
  } catch (err) {
    const io = file.lastError;
    file.lastError = undefined;
    if (io instanceof Error) throw io;
    if (err instanceof CorruptDataFileError || (err instanceof DeltaError && !(err instanceof CorruptDataError)))
      throw err;
    throw new CorruptDataFileError(file.path, `${file.path}: cannot decode the Parquet data: ${String(err)}`, {
      cause: err,
    });
  }
  return rows;
}
