/**
 * The engine's one door to Parquet, in the spirit of delta-kernel-rs's `ParquetHandler`:
 * open a file (its footer read and parsed, nothing decoded yet), then read it as Arrow
 * batches (parquet-wasm) or, for small files on a cold process, as plain rows (hyparquet,
 * no wasm to compile); and write files from Arrow batches (parquet-wasm). The engine
 * (engine/engine.ts) carries one; `defaultParquetHandler` is this folder's implementation.
 */
import type * as arrow from 'apache-arrow';
import type { ObjectStore } from '../storage/object-store.js';
import { StoreFile } from './blob.js';
import { DEFAULT_FOOTER_PREFETCH, fetchFooter, WHOLE_FILE_BYTES } from './footer.js';
import { parseParquetFooter } from './metadata.js';
import { jsCodecsOnly, readObjectRows } from './object-rows.js';
import { openFetchedParquetFile, openParquetFile, type OpenParquetOptions, type ParquetFileReader } from './reader.js';
import type { ParquetMetadata } from './types.js';
import { preloadParquet } from './wasm.js';
import { createParquetWriter, type ParquetStreamWriter, type ParquetWriteOptions } from './writer.js';

/** A Parquet object whose footer has been read: metadata known, no data decoded. */
export interface ParquetFile {
  readonly path: string;
  readonly size: number;
  readonly metadata: ParquetMetadata;
  /** The Arrow reader (streams record batches; loads the Arrow decoder on first use). */
  arrow(): Promise<ParquetFileReader>;
  /**
   * Every row of `columns` (top-level names) as a plain object, decoded in JS, or undefined
   * when a column chunk uses a codec the JS decoder lacks. Meant for small files: it holds
   * every row. INT64 values come as bigint, maps as objects, lists as arrays.
   */
  rows(columns: readonly string[]): Promise<Record<string, unknown>[] | undefined>;
}

export interface ParquetHandler {
  /** Read and parse the footer of `path` (one ranged read; small files are fetched whole). */
  openFile(store: ObjectStore, path: string, options?: OpenParquetOptions): Promise<ParquetFile>;
  /** Open `path` for Arrow reads (`openFile` then `arrow()`, the decoder loading while the footer arrives). */
  open(store: ObjectStore, path: string, options?: OpenParquetOptions): Promise<ParquetFileReader>;
  /** A streaming writer for batches of `schema` (memory bounded by one row group). */
  createWriter(schema: arrow.Schema, options?: ParquetWriteOptions): Promise<ParquetStreamWriter>;
  /**
   * Start loading a slow-to-load decoder or encoder now (cold starts), for reading files or
   * for writing them (the default); a no-op when there is none.
   */
  preload(use?: 'read' | 'write'): void;
}

class StoreParquetFile implements ParquetFile {
  constructor(
    private readonly file: StoreFile,
    private readonly footer: Uint8Array,
    readonly metadata: ParquetMetadata,
  ) {}

  get path(): string {
    return this.file.path;
  }
  get size(): number {
    return this.file.size;
  }

  arrow(): Promise<ParquetFileReader> {
    return openFetchedParquetFile(this.file, this.footer, this.metadata);
  }

  async rows(columns: readonly string[]): Promise<Record<string, unknown>[] | undefined> {
    if (!jsCodecsOnly(this.metadata, columns)) return undefined;
    return readObjectRows(this.file, this.footer, [...columns]);
  }
}

/** parquet-wasm for Arrow reads and writes, hyparquet for plain rows and exact INT96. */
export const defaultParquetHandler: ParquetHandler = {
  async openFile(store, path, options) {
    const size = options?.size ?? (await store.head(path)).size;
    const file = new StoreFile(store, path, size);
    const prefetch = options?.footerPrefetch ?? (size <= WHOLE_FILE_BYTES ? size : DEFAULT_FOOTER_PREFETCH);
    const footer = await fetchFooter(file, prefetch);
    return new StoreParquetFile(file, footer.bytes, parseParquetFooter(footer.bytes, path));
  },
  open: (store, path, options) => openParquetFile(store, path, options),
  createWriter: (schema, options) => createParquetWriter(schema, options),
  preload: (use) => preloadParquet(use === 'read' ? 'decode' : 'encode'),
};
