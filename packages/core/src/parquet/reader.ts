/**
 * Read a Parquet object through an ObjectStore into Arrow JS record batches. Decoding is
 * parquet-wasm's (ranged reads: footer once, then only the selected row groups' column
 * chunks); statistics come from our own footer parse; INT96 columns are fixed up (int96.ts).
 */
import * as arrow from 'apache-arrow';
import type { ParquetFile, RecordBatch as WasmRecordBatch } from 'parquet-wasm/esm';
import { CorruptDataError, DeltaError, InvalidArgumentError } from '../errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { StoreFile } from './blob.js';
import { DEFAULT_FOOTER_PREFETCH, fetchFooter, WHOLE_FILE_BYTES } from './footer.js';
import {
  findInt96,
  int96Schema,
  Int96Reader,
  micros,
  nanosToMicros,
  replaceLeaf,
  type Int96Location,
} from './int96.js';
import { parseParquetFooter } from './metadata.js';
import type { ParquetMetadata, RowGroupMetadata } from './types.js';
import { loadParquetWasm } from './wasm.js';

/** Rows per batch unless the caller asks otherwise (parquet-wasm's own default, 1024, is far too small). */
export const DEFAULT_BATCH_SIZE = 65_536;

/** Row-group metadata as the scanner sees it. */
export type RowGroupInfo = RowGroupMetadata;

export interface OpenParquetOptions {
  /** Object size in bytes (from `add.size`); saves a HEAD request. */
  size?: number;
  /** Tail bytes fetched on open in the hope they hold the whole footer. */
  footerPrefetch?: number;
}

export interface ReadBatchesOptions {
  /**
   * Columns to read: top-level names (the whole column, nested fields included) or dotted
   * Parquet paths of nested nodes (`s.a`; lists and maps include their repeated group:
   * `l.list.element`, `m.key_value.key`). Names absent from the file are skipped; when none
   * is left the batches carry only row counts. Omitted: every column.
   */
  columns?: string[];
  /** Row-group indexes to read, in this order. Omitted: all. */
  rowGroups?: number[];
  /** Maximum rows per batch (default 65536). Batches never span row groups. */
  batchSize?: number;
}

export interface ParquetFileReader {
  readonly path: string;
  readonly size: number;
  readonly metadata: ParquetMetadata;
  /** The Arrow schema of the file (INT96 columns as Timestamp(us, UTC); other types as stored). */
  arrowSchema(): arrow.Schema;
  /** Stream record batches, one row group at a time (memory bounded by a row group). */
  readBatches(opts?: ReadBatchesOptions): AsyncIterable<arrow.RecordBatch>;
  /** Ranged reads issued and bytes fetched so far (footer included). */
  io(): { requests: number; bytesFetched: number };
  /** Release the wasm-side file handle. */
  close(): void;
}

/** Open a Parquet object: one HEAD (only when `size` is not given) and usually one ranged GET for the footer (the whole file when small). */
export async function openParquetFile(
  store: ObjectStore,
  path: string,
  opts?: OpenParquetOptions,
): Promise<ParquetFileReader> {
  const size = opts?.size ?? (await store.head(path)).size;
  const file = new StoreFile(store, path, size);
  const prefetch = opts?.footerPrefetch ?? (size <= WHOLE_FILE_BYTES ? size : DEFAULT_FOOTER_PREFETCH);
  const [, footer] = await Promise.all([loadParquetWasm(), fetchFooter(file, prefetch)]);
  return openFetchedParquetFile(file, footer.bytes, parseParquetFooter(footer.bytes, path));
}

/** Open a file whose footer was already fetched (and cached in `file`) and parsed. */
export async function openFetchedParquetFile(
  file: StoreFile,
  footer: Uint8Array,
  metadata: ParquetMetadata,
): Promise<ParquetFileReader> {
  const pw = await loadParquetWasm();
  let pf: ParquetFile;
  try {
    // parquet-wasm only calls `size` and `slice(start, end).arrayBuffer()` on its Blob.
    pf = await pw.ParquetFile.fromFile(file.blob() as unknown as Blob);
  } catch (err) {
    throw readError(file, err);
  }
  return new Reader(file, footer, metadata, pf);
}

class Reader implements ParquetFileReader {
  private schema: arrow.Schema | undefined;
  private closed = false;
  private int96: Int96Reader | undefined;
  private readonly nodePaths: Set<string>;

  constructor(
    private readonly file: StoreFile,
    private readonly footer: Uint8Array,
    readonly metadata: ParquetMetadata,
    private readonly pf: ParquetFile,
  ) {
    this.nodePaths = new Set();
    const visit = (n: ParquetMetadata['schema']) => {
      if (n.path.length > 0) this.nodePaths.add(n.path.join('.'));
      n.children.forEach(visit);
    };
    visit(metadata.schema);
  }

  get path(): string {
    return this.file.path;
  }

  get size(): number {
    return this.file.size;
  }

  io(): { requests: number; bytesFetched: number } {
    return { requests: this.file.requests, bytesFetched: this.file.bytesFetched };
  }

  arrowSchema(): arrow.Schema {
    this.assertOpen();
    if (!this.schema) {
      const raw = arrow.tableFromIPC(this.pf.schema().intoIPCStream()).schema;
      this.schema = int96Schema(raw, findInt96(raw, this.metadata));
    }
    return this.schema;
  }

  async *readBatches(opts: ReadBatchesOptions = {}): AsyncGenerator<arrow.RecordBatch> {
    this.assertOpen();
    const groups = this.metadata.rowGroups;
    const rowGroups = opts.rowGroups ?? groups.map((_, i) => i);
    for (const i of rowGroups) {
      if (!Number.isInteger(i) || i < 0 || i >= groups.length) {
        throw new InvalidArgumentError(`${this.path}: row group ${i} does not exist (the file has ${groups.length})`);
      }
    }
    if (rowGroups.length === 0) return;
    const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
    }
    const columns = opts.columns && [...new Set(opts.columns.filter((c) => this.nodePaths.has(c)))];

    let stream: ReadableStream<WasmRecordBatch>;
    try {
      stream = await this.pf.stream({ columns, rowGroups, batchSize });
    } catch (err) {
      throw readError(this.file, err);
    }
    const reader = stream.getReader();
    let done = false;
    let locations: Int96Location[] | undefined;
    let seg = 0; // index into rowGroups of the group the next row comes from
    let segPos = 0; // rows of that group already returned
    try {
      while (true) {
        let next: ReadableStreamReadResult<WasmRecordBatch>;
        try {
          next = await reader.read();
        } catch (err) {
          throw readError(this.file, err);
        }
        if (next.done) {
          done = true;
          break;
        }
        for (let batch of arrow.tableFromIPC(next.value.intoIPCStream()).batches) {
          locations ??= findInt96(batch.schema, this.metadata);
          if (locations.length > 0) {
            // Track which row group rows come from (batches never span groups, but be safe).
            while (seg < rowGroups.length && segPos >= groups[rowGroups[seg]!]!.numRows) {
              segPos -= groups[rowGroups[seg]!]!.numRows;
              seg++;
            }
            for (const loc of locations) batch = await this.fixInt96(batch, loc, rowGroups, seg, segPos);
            segPos += batch.numRows;
          }
          yield batch;
        }
      }
    } finally {
      if (!done) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }

  /** Replace one INT96 leaf of `batch`, whose first row is row `segPos` of row group `rowGroups[seg]`. */
  private async fixInt96(
    batch: arrow.RecordBatch,
    loc: Int96Location,
    rowGroups: number[],
    seg: number,
    segPos: number,
  ): Promise<arrow.RecordBatch> {
    if (!loc.exact) return replaceLeaf(batch, loc.arrowPath, nanosToMicros);
    this.int96 ??= new Int96Reader(this.file, this.footer, this.metadata);
    const values = new BigInt64Array(batch.numRows);
    let filled = 0;
    while (filled < values.length) {
      const rg = rowGroups[seg];
      if (rg === undefined) throw new CorruptDataError(`${this.path}: more rows decoded than the footer declares`);
      const all = await this.int96.rowGroupValues(loc.parquetPath, rg);
      const take = Math.min(values.length - filled, all.length - segPos);
      values.set(all.subarray(segPos, segPos + take), filled);
      filled += take;
      seg++;
      segPos = 0;
    }
    return replaceLeaf(batch, loc.arrowPath, (leaf) => micros(leaf, values));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pf.free();
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidArgumentError(`${this.path}: the Parquet reader is closed`);
  }
}

/** A decoder failure: the store's own error when a read failed, else CorruptDataError. */
function readError(file: StoreFile, err: unknown): Error {
  const io = file.lastError;
  file.lastError = undefined;
  if (io instanceof Error) return io;
  if (err instanceof DeltaError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new CorruptDataError(`${file.path}: cannot read Parquet data: ${msg}`, { cause: err });
}
