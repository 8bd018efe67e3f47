/**
 * Lazy loader for parquet-wasm. The node build instantiates a ~5 MB wasm module
 * synchronously when imported, so nothing imports it statically: commands that never
 * touch Parquet (log inspection, history, vacuum dry runs) do not pay for it.
 */
import type * as ParquetWasmModule from 'parquet-wasm';

export type ParquetWasm = typeof ParquetWasmModule;

let loading: Promise<ParquetWasm> | undefined;

/** The parquet-wasm module, imported on first use and cached for the process. */
export function loadParquetWasm(): Promise<ParquetWasm> {
  if (!loading) {
    loading = import('parquet-wasm').catch((err: unknown) => {
      loading = undefined; // let a later call retry
      throw err;
    });
  }
  return loading;
}
