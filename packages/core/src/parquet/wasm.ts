/**
 * Lazy loader for parquet-wasm. Its node build compiles the ~5 MB wasm module synchronously
 * at import (40-130 ms of a cold process's main thread). We load the web (ESM) build instead
 * and compile with `WebAssembly.compile`, which V8 runs on background threads: a cold Lambda
 * starts it early (`preloadParquet`) and loads its snapshot meanwhile.
 * Nothing imports parquet-wasm statically: commands that never touch Parquet (history, log
 * inspection, vacuum dry runs) do not pay for it.
 *
 * Instances (wasm-instance.ts): the module is compiled once; decoding (reading files, which
 * may be damaged) and encoding (writing our own batches) use separate instances, so a trap on
 * a corrupt file never takes a writer down with it. An instance that trapped is replaced by a
 * fresh one on the next use; `isolatedParquetWasm()` gives a reader one of its own.
 *
 * Where the files are: beside this module when bundled (scripts/bundle-lambdas.ts copies the
 * `.wasm` and the glue, as `parquet_wasm.mjs`, next to `index.mjs`), else the installed
 * package's `parquet-wasm/esm/`. Each instance imports the glue under its own URL
 * (`?instance=N`): the glue holds its instance in module state.
 */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { instantiate, type ParquetWasm, type WasmInstance } from './wasm-instance.js';

export type { ParquetWasm, WasmInstance } from './wasm-instance.js';

/** File names beside a bundle; in the package: `esm/parquet_wasm_bg.wasm` and `esm/parquet_wasm.js`. */
const PARQUET_WASM_FILE = 'parquet_wasm_bg.wasm';
const GLUE_FILE_BESIDE = 'parquet_wasm.mjs';
const GLUE_FILE_PACKAGE = 'parquet_wasm.js';

/** What an instance is for: decoding files (untrusted bytes) or encoding our own batches. */
export type WasmRole = 'decode' | 'encode';

let compiling: Promise<WebAssembly.Module> | undefined;
const shared = new Map<WasmRole, Promise<WasmInstance>>();
let instances = 0;

/** A file beside this module (a bundle) or in the installed package's `esm/` directory. */
function locate(beside: string, inPackage: string): string {
  const here = fileURLToPath(new URL(beside, import.meta.url));
  if (existsSync(here)) return here;
  try {
    return createRequire(import.meta.url).resolve(`parquet-wasm/esm/${inPackage}`);
  } catch (err) {
    throw new Error(
      `parquet-wasm's ${beside} is neither beside ${fileURLToPath(import.meta.url)} nor installed: ` +
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

/** The compiled module, compiled on first use and cached for the process. */
function compiledModule(): Promise<WebAssembly.Module> {
  compiling ??= (async () => WebAssembly.compile(await readWhole(locate(PARQUET_WASM_FILE, PARQUET_WASM_FILE))))();
  compiling.catch(() => {
    compiling = undefined; // let a later call retry
  });
  return compiling;
}

/** A new instance with its own glue and memory. */
async function newInstance(): Promise<WasmInstance> {
  const id = ++instances;
  const loadGlue = async () => {
    const url = `${pathToFileURL(locate(GLUE_FILE_BESIDE, GLUE_FILE_PACKAGE)).href}?instance=${id}`;
    return (await import(url)) as ParquetWasm;
  };
  const [module, glue] = await Promise.all([compiledModule(), loadGlue()]);
  return instantiate(glue, module, id);
}

/** The shared instance for `role`, created on first use and replaced once it has trapped. */
export async function parquetWasm(role: WasmRole): Promise<WasmInstance> {
  const current = shared.get(role);
  if (current) {
    const inst = await current.catch(() => undefined);
    if (inst && !inst.trap) return inst;
    if (shared.get(role) !== current) return parquetWasm(role); // someone replaced it meanwhile
  }
  const next = newInstance();
  shared.set(role, next);
  next.catch(() => {
    if (shared.get(role) === next) shared.delete(role); // let a later call retry
  });
  return next;
}

/** A private instance (a reader retrying alone after a trap, to learn whether its file caused it). */
export function isolatedParquetWasm(): Promise<WasmInstance> {
  return newInstance();
}

/** The parquet-wasm bindings of the shared decoding instance (tests and tools). */
export async function loadParquetWasm(): Promise<ParquetWasm> {
  return (await parquetWasm('decode')).pw;
}

/**
 * Start loading parquet-wasm now without waiting for it (cold starts: the compile runs on
 * background threads while the caller does other work), and the instance for `role`
 * (default: encoding, what a writer needs). A failure is reported by the next real use, not here.
 */
export function preloadParquet(role: WasmRole = 'encode'): void {
  parquetWasm(role).catch(() => undefined);
}
