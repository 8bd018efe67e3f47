/**
 * The two independent Parquet readers. hyparquet is a dependency of packages/core only, so it is
 * not resolvable as a bare specifier from test/: it is loaded from packages/core's node_modules.
 * (Adding `hyparquet` as a root devDependency would allow a plain `import ... from 'hyparquet'`.)
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type * as Hyparquet from '../../../packages/core/node_modules/hyparquet/types/node.js';

export type {
  FileMetaData,
  SchemaElement,
  SchemaTree,
} from '../../../packages/core/node_modules/hyparquet/types/node.js';
export type HyparquetModule = typeof Hyparquet;

const HYPARQUET_URL = new URL('../../../packages/core/node_modules/hyparquet/src/node.js', import.meta.url).href;
let hyparquetModule: Promise<HyparquetModule> | undefined;

/** Lazily imports hyparquet (node entry, with asyncBufferFromFile). */
export function loadHyparquet(): Promise<HyparquetModule> {
  hyparquetModule ??= import(HYPARQUET_URL) as Promise<HyparquetModule>;
  return hyparquetModule;
}

/** An in-memory DuckDB connection; call close() when done. */
export async function openDuckDb(): Promise<{ connection: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** SQL identifier quoting. */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** SQL string literal quoting. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
