/**
 * Where things live. Works from bench/lib (tsx) and from the transpiled copy under
 * bench/.data/js/lib (fresh-process children), so paths are found by walking up to the repo root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dir !== dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'delta-serverless')
      return dir;
    dir = dirname(dir);
  }
  throw new Error('bench: cannot find the delta-serverless repository root above ' + import.meta.url);
}

export const ROOT = findRoot();
export const BENCH_DIR = join(ROOT, 'bench');
/** Generated tables and scratch output (gitignored). */
export const DATA_DIR = join(BENCH_DIR, '.data');
/** Transpiled copy of bench/ that fresh-process children run with plain node. */
export const JS_DIR = join(DATA_DIR, 'js');

/** parquet-wasm is a dependency of core only; load its node build by path. */
export const PARQUET_WASM_URL = pathToFileURL(
  join(ROOT, 'packages/core/node_modules/parquet-wasm/node/parquet_wasm.js'),
).href;
