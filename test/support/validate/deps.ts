/** The two independent Parquet readers (DuckDB and hyparquet), loaded lazily. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type * as Hyparquet from 'hyparquet';

export type { FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
export type HyparquetModule = typeof Hyparquet;

let hyparquetModule: Promise<HyparquetModule> | undefined;

/** Lazily imports hyparquet (its node entry has asyncBufferFromFile). */
export function loadHyparquet(): Promise<HyparquetModule> {
  hyparquetModule ??= import('hyparquet');
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
