/**
 * Libraries under test, imported on demand so a fresh child can time its imports
 * separately from the operation. Imports are cached by node: in a warm process they cost ~0.
 */
import type * as Core from '@delta-serverless/core';
import type * as CoreInternal from '@delta-serverless/core/internal';
import type * as Duck from '@duckdb/node-api';
import type * as Arrow from 'apache-arrow';
import type * as PW from '../../packages/core/node_modules/parquet-wasm/node/parquet_wasm.js';
import { PARQUET_WASM_URL } from './paths.js';
import { now } from './timing.js';

export type CoreModule = typeof Core;
/** The public API plus `@delta-serverless/core/internal` (loadSnapshot, writeCheckpoint...). */
export type CoreWithInternal = CoreModule & typeof CoreInternal;
export type ArrowModule = typeof Arrow;
export type ParquetWasmModule = typeof PW;
export type DuckModule = typeof Duck;

/** Run `load` and return its value with the time it took. */
export async function timed<T>(load: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = now();
  const value = await load();
  return { value, ms: now() - t0 };
}

export const importCore = (): Promise<CoreModule> => import('@delta-serverless/core');
/** For benchmarks of the engine's internals: both entry points, as one object. */
export const importCoreWithInternal = async (): Promise<CoreWithInternal> => ({
  ...(await import('@delta-serverless/core')),
  ...(await import('@delta-serverless/core/internal')),
});
export const importArrow = (): Promise<ArrowModule> => import('apache-arrow');
/** parquet-wasm's node build (compiles its ~5 MB wasm module on first import). */
export const importParquetWasm = (): Promise<ParquetWasmModule> =>
  import(PARQUET_WASM_URL) as Promise<ParquetWasmModule>;
export const importDuck = (): Promise<DuckModule> => import('@duckdb/node-api');

let duckConnection: Duck.DuckDBConnection | undefined;

/** One in-memory DuckDB connection per process (created inside the first timed call). */
export async function duckdb(duck: DuckModule): Promise<Duck.DuckDBConnection> {
  if (!duckConnection) {
    const instance = await duck.DuckDBInstance.create(':memory:');
    duckConnection = await instance.connect();
  }
  return duckConnection;
}

/** A SQL string literal. */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
