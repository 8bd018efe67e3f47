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
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as ParquetWasmModule from 'parquet-wasm/esm';

export type ParquetWasm = typeof ParquetWasmModule;

/** File name of the module, beside the bundle or in the package's `esm/` directory. */
const PARQUET_WASM_FILE = 'parquet_wasm_bg.wasm';

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

/**
 * The file's bytes in one read on the thread pool (10-16 ms of a cold main thread when read
 * synchronously; `readFile` would take ~10 event-loop turns, in 512 KiB chunks).
 */
async function readWhole(path: string): Promise<Uint8Array<ArrayBuffer>> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const bytes = new Uint8Array(new ArrayBuffer(size));
    let at = 0;
    while (at < size) {
      const { bytesRead } = await file.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return bytes.subarray(0, at);
  } finally {
    await file.close();
  }
}

async function load(): Promise<ParquetWasm> {
  const compiling = readWhole(wasmPath()).then((bytes) => WebAssembly.compile(bytes));
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
