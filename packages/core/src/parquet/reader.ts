/**
 * Read a Parquet object through an ObjectStore into Arrow JS record batches. Decoding is
 * parquet-wasm's (ranged reads: footer once, then only the selected row groups' column
 * chunks); statistics come from our own footer parse; INT96 columns are fixed up (int96.ts).
 *
 * Damaged files: every failure to decode is a CorruptDataFileError naming the file (a store
 * failure stays the store's error). A wasm trap kills the shared decoding instance, and with
 * it every read in flight on it, so a reader hit by a trap retries once alone, on a private
 * instance, from where it stopped: if it traps again the file is damaged, else another
 * file's read caused the trap.
 */
import * as arrow from 'apache-arrow';
import type { ParquetFile, RecordBatch as WasmRecordBatch } from 'parquet-wasm/esm';
import { CorruptDataError, CorruptDataFileError, DeltaError, InvalidArgumentError } from '../errors.js';
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
import { RowGroupPrefetcher } from './prefetch.js';
import type { ParquetMetadata, RowGroupMetadata } from './types.js';
import { isolatedParquetWasm, parquetWasm, type WasmInstance } from './wasm.js';
import { ParquetWasmTrap } from './wasm-instance.js';

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
  /**
   * Row groups fetched concurrently ahead of the decoder (default 1: each when it is decoded).
   * For large files on object stores: `n` row groups' bytes are held at a time (whole row
   * groups, also when only some `columns` are read).
   */
  prefetch?: number;
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
  const [, footer] = await Promise.all([parquetWasm('decode'), fetchFooter(file, prefetch)]);
  return openFetchedParquetFile(file, footer.bytes, parseParquetFooter(footer.bytes, path));
}

/** Open a file whose footer was already fetched (and cached in `file`) and parsed. */
export async function openFetchedParquetFile(
  file: StoreFile,
  footer: Uint8Array,
  metadata: ParquetMetadata,
): Promise<ParquetFileReader> {
  const reader = new Reader(file, footer, metadata);
  await reader.open();
  return reader;
}

/** Where a read stands: `rowGroups[group]` is being read and `skip` of its rows were returned. */
interface Position {
  group: number;
  skip: number;
}

class Reader implements ParquetFileReader {
  private schema: arrow.Schema | undefined;
  private closed = false;
  private int96: Int96Reader | undefined;
  private readonly nodePaths: Set<string>;
  private inst: WasmInstance | undefined;
  private pf: ParquetFile | undefined;
  /** Reading on a private instance after a trap: a trap now is this file's. */
  private isolated = false;

  constructor(
    private readonly file: StoreFile,
    private readonly footer: Uint8Array,
    readonly metadata: ParquetMetadata,
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

  /** Open the file in the shared decoding instance (alone on a private one after a trap). */
  async open(): Promise<void> {
    try {
      await this.bind(await parquetWasm('decode'));
    } catch (err) {
      await this.recover(err);
    }
  }

  private async bind(inst: WasmInstance): Promise<void> {
    this.inst?.releaseUser();
    this.inst = inst;
    inst.acquire();
    // parquet-wasm only calls `size` and `slice(start, end).arrayBuffer()` on its Blob.
    const blob = this.file.blob() as unknown as Blob;
    const pf = await inst.guard(inst.call(() => inst.pw.ParquetFile.fromFile(blob)));
    this.pf = pf;
    const raw = arrow.tableFromIPC(inst.call(() => pf.schema().intoIPCStream())).schema;
    this.schema ??= int96Schema(raw, findInt96(raw, this.metadata));
  }

  /**
   * After a failed decode: a trap that may be another read's (other readers shared the
   * instance) is retried alone on a private instance; anything else is this file's error.
   */
  private async recover(err: unknown): Promise<void> {
    const mine = this.isolated || this.inst?.usersAtTrap === 1;
    if (!(err instanceof ParquetWasmTrap) || mine) throw readError(this.file, err);
    this.isolated = true;
    this.pf = undefined; // it died with its instance
    try {
      await this.bind(await isolatedParquetWasm());
    } catch (again) {
      throw readError(this.file, again);
    }
  }

  arrowSchema(): arrow.Schema {
    this.assertOpen();
    return this.schema!;
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
    // Whole row groups are fetched ahead, the columns left out included (they are small when a caller asks for both).
    const ahead =
      (opts.prefetch ?? 1) > 1 ? new RowGroupPrefetcher(this.file, groups, rowGroups, opts.prefetch!) : undefined;
    try {
      yield* this.batches(rowGroups, columns, batchSize, ahead);
    } finally {
      ahead?.close();
    }
  }

  /** Decode `rowGroups`, resuming after a trap where it stopped. */
  private async *batches(
    rowGroups: number[],
    columns: string[] | undefined,
    batchSize: number,
    ahead: RowGroupPrefetcher | undefined,
  ): AsyncGenerator<arrow.RecordBatch> {
    const groups = this.metadata.rowGroups;
    const at: Position = { group: 0, skip: 0 };
    ahead?.advance(0);
    while (true) {
      try {
        // After a retry, resume at the row group being read, without the rows already returned.
        let skip = at.skip;
        for await (let batch of this.decode(rowGroups.slice(at.group), columns, batchSize)) {
          if (skip > 0) {
            const drop = Math.min(skip, batch.numRows);
            skip -= drop;
            batch = batch.slice(drop);
            if (batch.numRows === 0) continue;
          }
          advance(at, batch.numRows, rowGroups, groups);
          ahead?.advance(at.group);
          yield batch;
        }
        return;
      } catch (err) {
        await this.recover(err);
      }
    }
  }

  /** The batches of `rowGroups` as parquet-wasm decodes them, INT96 leaves fixed up. */
  private async *decode(
    rowGroups: number[],
    columns: string[] | undefined,
    batchSize: number,
  ): AsyncGenerator<arrow.RecordBatch> {
    const inst = this.inst!;
    const pf = this.pf!;
    const stream = await inst.guard(inst.call(() => pf.stream({ columns, rowGroups, batchSize })));
    const reader = (stream as ReadableStream<WasmRecordBatch>).getReader();
    let done = false;
    let locations: Int96Location[] | undefined;
    const at: Position = { group: 0, skip: 0 }; // for INT96: where the next row comes from
    try {
      while (true) {
        const next = await inst.guard(reader.read());
        if (next.done) {
          done = true;
          break;
        }
        const ipc = inst.call(() => next.value.intoIPCStream());
        for (let batch of arrow.tableFromIPC(ipc).batches) {
          locations ??= findInt96(batch.schema, this.metadata);
          if (locations.length > 0) {
            normalise(at, rowGroups, this.metadata.rowGroups);
            for (const loc of locations) batch = await this.fixInt96(batch, loc, rowGroups, at.group, at.skip);
            at.skip += batch.numRows;
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
    try {
      this.pf?.free();
    } catch {
      // its instance trapped: nothing to free
    }
    this.inst?.releaseUser();
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidArgumentError(`${this.path}: the Parquet reader is closed`);
  }
}

/** Move `at` past row groups it has read whole. */
function normalise(at: Position, rowGroups: number[], groups: readonly RowGroupMetadata[]): void {
  while (at.group < rowGroups.length && at.skip >= groups[rowGroups[at.group]!]!.numRows) {
    at.skip -= groups[rowGroups[at.group]!]!.numRows;
    at.group++;
  }
}

/** Count `rows` more returned from the row group at `at`. */
function advance(at: Position, rows: number, rowGroups: number[], groups: readonly RowGroupMetadata[]): void {
  at.skip += rows;
  normalise(at, rowGroups, groups);
}

/** A decoder failure: the store's own error when a read failed, else CorruptDataFileError naming the file. */
function readError(file: StoreFile, err: unknown): Error {
  const io = file.lastError;
  file.lastError = undefined;
  if (io instanceof Error) return io;
  if (err instanceof CorruptDataFileError) return err;
  if (err instanceof DeltaError && !(err instanceof CorruptDataError)) return err;
  const why =
    err instanceof ParquetWasmTrap
      ? `the decoder trapped on it (${err.trap.message}), so its pages are damaged`
      : `cannot read Parquet data: ${err instanceof Error ? err.message : String(err)}`;
  return new CorruptDataFileError(
    file.path,
    `${file.path}: ${why}. The file is corrupt; replace it from its source, or remove it from the table.`,
    { cause: err },
  );
}
