/**
 * Lazy loader for parquet-wasm. Its node build compiles the ~5 MB wasm module synchronously
 * at import (40-130 ms of a cold process's main thread). We load the web (ESM) build instead
 * and compile with `WebAssembly.compile`, which V8 runs on background threads: a cold Lambda
 * starts it early (`preloadParquet`) and loads its snapshot meanwhile.
 * Nothing imports parquet-wasm statically: commands that never touch Parquet (history, log
 * inspection, vacuum dry runs) do not pay for it.
 *
 * Where the `.wasm` is: beside this module when bundled (scripts/bundle-lambdas.ts copies it
 * next to `index.mjs`), else the installed package's (`parquet-wasm/esm/parquet_wasm_bg.wasm`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as ParquetWasmModule from 'parquet-wasm/esm';

export type ParquetWasm = typeof ParquetWasmModule;

/** File name of the module, beside the bundle or in the package's `esm/` directory. */
export const PARQUET_WASM_FILE = 'parquet_wasm_bg.wasm';

let loading: Promise<ParquetWasm> | undefined;

/** The `.wasm` to compile: beside this module (a bundle) or the installed package's. */
function wasmPath(): string {
  const beside = fileURLToPath(new URL(PARQUET_WASM_FILE, import.meta.url));
  if (existsSync(beside)) return beside;
  try {
    return createRequire(import.meta.url).resolve(`parquet-wasm/esm/${PARQUET_WASM_FILE}`);
  } catch (err) {
    throw new Error(
      `parquet-wasm's ${PARQUET_WASM_FILE} is neither beside ${fileURLToPath(import.meta.url)} nor installed: ` +
        'ship it next to the bundle (scripts/bundle-lambdas.ts does) or install parquet-wasm',
      { cause: err },
    );
  }
}

async function load(): Promise<ParquetWasm> {
  // Read synchronously (a few ms from the page cache) so the compile starts now: an async read
  // of 4.8 MB takes ~10 event-loop turns, which a cold start evaluating its modules does not give.
  const compiling = WebAssembly.compile(readFileSync(wasmPath()));
  const pw = await import('parquet-wasm/esm');
  await pw.default({ module_or_path: await compiling });
  return pw;
}

/** The parquet-wasm module, loaded and compiled on first use and cached for the process. */
export function loadParquetWasm(): Promise<ParquetWasm> {
  if (!loading) {
    loading = load().catch((err: unknown) => {
      loading = undefined; // let a later call retry
      throw err;
    });
  }
  return loading;
}

/**
 * Start loading parquet-wasm now without waiting for it (cold starts: the compile runs on
 * background threads while the caller does other work). A failure is reported by the next
 * real use, not here.
 */
export function preloadParquet(): void {
  loadParquetWasm().catch(() => undefined);
}
