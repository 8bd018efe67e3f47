/**
 * Decode a Parquet file held in memory into plain row objects with hyparquet (pure JS).
 * For small files read by a cold process: parquet-wasm first compiles a 4.8 MB module and
 * then each wasm function on its first call, which costs a fresh Lambda more (60-90 ms) than
 * decoding a few hundred KB in JS. Values come as hyparquet returns them: INT64 as bigint,
 * maps as objects, lists as arrays, nulls as null; callers convert.
 */
import { parquetMetadata, parquetRead } from 'hyparquet';
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

/** Every row of `columns` (top-level names) as an object keyed by column name. */
export async function readObjectRows(
  file: StoreFile,
  footer: Uint8Array,
  columns: string[],
): Promise<Record<string, unknown>[]> {
  let rows: Record<string, unknown>[] = [];
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
  return rows;
}
