/**
 * Arrow JS -> Parquet bytes with parquet-wasm, in one piece (`writeParquet`) or streamed row
 * group by row group (`createParquetWriter`). Data is first made Delta/Spark friendly
 * (normalize.ts). parquet-wasm's streaming writer drops batches it fails to write without
 * reporting it, so every file's footer row count is checked against the rows fed in.
 */
import * as arrow from 'apache-arrow';
import type { RecordBatch as WasmRecordBatch, Table as WasmTable, WriterProperties } from 'parquet-wasm/esm';
import { CorruptDataError, InvalidArgumentError, ParquetEngineError, SchemaMismatchError } from '../errors.js';
import { concatBytes } from '../util/bytes.js';
import { IpcBuffer } from './ipc-buffer.js';
import { parseParquetFooter } from './metadata.js';
import { conformBatch, parquetSchemaFor } from './normalize.js';
import type { ParquetMetadata } from './types.js';
import { parquetWasm, type WasmInstance } from './wasm.js';
import { ParquetWasmTrap } from './wasm-instance.js';

export type ParquetCompression = 'snappy' | 'zstd' | 'gzip' | 'none';

export interface ParquetWriteOptions {
  /** Default 'snappy' (what Spark writes). */
  compression?: ParquetCompression;
  /** Maximum rows per row group (default 1,048,576). Streaming memory is bounded by one row group. */
  rowGroupSize?: number;
  /** Extra footer key/value metadata. */
  keyValueMetadata?: Record<string, string>;
}

export interface ParquetWriteResult {
  numRows: number;
  /** File size in bytes. */
  size: number;
  /** The written footer, parsed (row-group statistics included). */
  metadata: ParquetMetadata;
}

export interface ParquetStreamWriter {
  /** The schema the file is written with (after normalization). */
  readonly schema: arrow.Schema;
  /**
   * The file's bytes in order. Consume it while writing (e.g. pass it to `store.putStream`):
   * `write` waits when the bytes are not being read. It fails at the end if the file is not
   * complete, so a store put fed from it fails too.
   */
  readonly bytes: AsyncIterable<Uint8Array>;
  /** Append a batch; its columns must match the writer's schema (same names and order). */
  write(batch: arrow.RecordBatch): Promise<void>;
  /** Finish the file; resolves once `bytes` has been fully consumed and the footer checked. */
  close(): Promise<ParquetWriteResult>;
  /** Abandon the file; `bytes` fails. */
  abort(reason?: unknown): Promise<void>;
}

const DEFAULT_ROW_GROUP_SIZE = 1_048_576;
/** Output bytes kept to check the footer at the end (footers are far smaller). */
const FOOTER_WINDOW = 8 * 1024 * 1024;

/** Write batches (or a table) to one Parquet file in memory. */
export async function writeParquet(
  data: arrow.RecordBatch[] | arrow.Table,
  opts: ParquetWriteOptions = {},
): Promise<Uint8Array> {
  const batches = Array.isArray(data) ? data : data.batches;
  const source = Array.isArray(data) ? batches[0]?.schema : data.schema;
  if (!source) throw new InvalidArgumentError('writeParquet needs at least one batch (or a Table) to know the schema');
  const schema = parquetSchemaFor(source);
  const table = new arrow.Table(
    schema,
    batches.map((b) => conformBatch(b, schema)),
  );
  const inst = await parquetWasm('encode');
  const props = writerProperties(inst, opts, schema);
  const wasmTable = toWasm(inst, table);
  let bytes: Uint8Array;
  try {
    bytes = inst.call(() => inst.pw.writeParquet(wasmTable, props)); // consumes wasmTable and props
  } catch (err) {
    throw encodeError(err, `Parquet write failed: ${message(err)}`);
  }
  verify(parseParquetFooter(bytes, 'written file'), table.numRows);
  return bytes;
}

/** Start a streaming Parquet writer for batches of `schema`. */
export async function createParquetWriter(
  schema: arrow.Schema,
  opts: ParquetWriteOptions = {},
): Promise<ParquetStreamWriter> {
  const inst = await parquetWasm('encode');
  const normalized = parquetSchemaFor(schema);
  return new StreamWriter(inst, normalized, writerProperties(inst, opts, normalized));
}

class StreamWriter implements ParquetStreamWriter {
  readonly bytes: AsyncIterable<Uint8Array>;
  private readonly input: WritableStreamDefaultWriter<WasmRecordBatch>;
  private readonly output: Promise<ReadableStream<Uint8Array>>;
  private readonly result: Promise<ParquetWriteResult>;
  private resolveResult!: (r: ParquetWriteResult) => void;
  private rejectResult!: (err: unknown) => void;
  private rows = 0;
  private batches = 0;
  private closing = false;
  private aborted: { reason: unknown } | undefined;
  /** Every batch goes to the encoder through this one reused IPC buffer. */
  private readonly ipc = new IpcBuffer();

  constructor(
    private readonly inst: WasmInstance,
    readonly schema: arrow.Schema,
    props: WriterProperties,
  ) {
    const pipe = new TransformStream<WasmRecordBatch, WasmRecordBatch>();
    this.input = pipe.writable.getWriter();
    // Resolves only once the first batch arrives (the writer takes its schema from it). Every
    // wait on the encoder is guarded: if its instance traps, nothing would ever settle.
    this.output = (async () => {
      try {
        const out = inst.call(() => inst.pw.transformParquetStream(pipe.readable, props));
        return (await inst.guard(out)) as ReadableStream<Uint8Array>;
      } catch (err) {
        throw trapError(err);
      }
    })();
    this.output.catch(() => undefined);
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    this.result.catch(() => undefined);
    this.bytes = this.drain();
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    if (this.aborted) throw this.aborted.reason;
    if (this.closing) throw new InvalidArgumentError('the Parquet writer is closed');
    if (batch.numRows === 0 && this.batches > 0) return;
    await this.feed(conformBatch(batch, this.schema));
  }

  async close(): Promise<ParquetWriteResult> {
    if (!this.closing) {
      // An empty file still needs one (empty) batch to carry the schema.
      if (this.batches === 0) await this.feed(emptyBatch(this.schema));
      this.closing = true;
      await this.guarded(this.input.close());
    }
    return this.result;
  }

  async abort(reason?: unknown): Promise<void> {
    if (this.aborted) return;
    this.closing = true;
    this.aborted = { reason: reason ?? new InvalidArgumentError('Parquet write aborted') };
    this.rejectResult(this.aborted.reason);
    await this.input.abort(this.aborted.reason).catch(() => undefined);
  }

  /** Await the encoder unless its instance traps (then fail like any encoder error). */
  private async guarded<T>(p: PromiseLike<T>): Promise<T> {
    try {
      return await this.inst.guard(p);
    } catch (err) {
      throw trapError(err);
    }
  }

  private async feed(batch: arrow.RecordBatch): Promise<void> {
    const table = await streamToWasm(this.inst, this.ipc, new arrow.Table(this.schema, [batch]));
    const wasmBatches = this.inst.call(() => table.recordBatches());
    table.free();
    for (const b of wasmBatches) await this.guarded(this.input.write(b));
    if (wasmBatches.length === 0) return;
    this.rows += batch.numRows;
    this.batches++;
  }

  private async *drain(): AsyncGenerator<Uint8Array> {
    let size = 0;
    const tail: Uint8Array[] = [];
    let tailBytes = 0;
    try {
      const reader = (await this.output).getReader();
      let drained = false;
      try {
        while (true) {
          const { done, value } = await this.guarded(reader.read());
          if (done) break;
          size += value.length;
          // Keep a copy of at most the window, not the chunk: chunks are whole row groups, and
          // holding the last one until the next is encoded would double the output in memory.
          const kept = value.length > FOOTER_WINDOW ? value.slice(value.length - FOOTER_WINDOW) : value;
          tail.push(kept);
          tailBytes += kept.length;
          while (tail.length > 1 && tailBytes - tail[0]!.length >= FOOTER_WINDOW) tailBytes -= tail.shift()!.length;
          yield value;
        }
        drained = true;
      } finally {
        if (!drained) {
          // The consumer stopped (e.g. the store put failed): fail the writer instead of
          // leaving write() waiting forever for the bytes to be read.
          void this.abort(new InvalidArgumentError('the Parquet byte stream was not fully consumed'));
          await reader.cancel().catch(() => undefined);
        }
        reader.releaseLock();
      }
      if (this.aborted) throw this.aborted.reason;
      if (!this.closing) throw new CorruptDataError('the Parquet byte stream ended before the writer was closed');
      const metadata = parseParquetFooter(concatBytes(tail), 'written file');
      verify(metadata, this.rows);
      this.resolveResult({ numRows: this.rows, size, metadata });
    } catch (err) {
      this.rejectResult(err);
      throw err;
    }
  }
}

function verify(metadata: ParquetMetadata, expectedRows: number): void {
  if (metadata.numRows !== expectedRows) {
    throw new SchemaMismatchError(
      `Parquet writer produced ${metadata.numRows} rows but was given ${expectedRows}: parquet-wasm rejected ` +
        'some data (typically a null in a non-nullable field, or a type it cannot write). Check the batches.',
    );
  }
}

/** Arrow JS table -> parquet-wasm table (its IPC reader also validates nullability). */
function toWasm(inst: WasmInstance, table: arrow.Table): WasmTable {
  try {
    const ipc = arrow.tableToIPC(table, 'stream');
    return inst.call(() => inst.pw.Table.fromIPCStream(ipc));
  } catch (err) {
    throw encodeError(err, `cannot write this data to Parquet: ${message(err)}`);
  }
}

/** As toWasm, through a reused IPC buffer (the streaming writer's batches). */
async function streamToWasm(inst: WasmInstance, ipc: IpcBuffer, table: arrow.Table): Promise<WasmTable> {
  let bytes: Uint8Array;
  try {
    bytes = await ipc.encode(table);
  } catch (err) {
    throw encodeError(err, `cannot write this data to Parquet: ${message(err)}`);
  }
  try {
    return inst.call(() => inst.pw.Table.fromIPCStream(bytes));
  } catch (err) {
    throw encodeError(err, `cannot write this data to Parquet: ${message(err)}`);
  }
}

/** A trap of the encoder is the engine's failure, anything else the data's. */
function encodeError(err: unknown, dataMessage: string): Error {
  if (err instanceof ParquetWasmTrap || err instanceof ParquetEngineError) return trapError(err) as Error;
  return new SchemaMismatchError(dataMessage);
}

/** ParquetEngineError for a trap of the encoder; any other error as it is. */
function trapError(err: unknown): unknown {
  if (!(err instanceof ParquetWasmTrap)) return err;
  return new ParquetEngineError(
    `the Parquet encoder (parquet-wasm) failed while writing (${err.trap.message}); nothing was committed from ` +
      'this write and the encoder was reset. Retry the operation.',
    { cause: err },
  );
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function emptyBatch(schema: arrow.Schema): arrow.RecordBatch {
  const children = schema.fields.map((f) => arrow.vectorFromArray([], f.type).data[0]!);
  return new arrow.RecordBatch(
    schema,
    arrow.makeData({ type: new arrow.Struct(schema.fields), length: 0, nullCount: 0, children }),
  );
}

/**
 * Most leaf columns of a file that get dictionary encoding. parquet-wasm's writer allocates
 * about 75 KB of wasm memory per dictionary-encoded column (and its time grows with them): a
 * 20,000-column file took 1.6 GB. Past this many leaves, only the first DICTIONARY_COLUMNS
 * top-level primitive columns are dictionary-encoded; the others are written plain.
 */
export const DICTIONARY_COLUMNS = 256;

function leafCount(type: arrow.DataType): number {
  const children = type.children ?? [];
  return children.length === 0 ? 1 : children.reduce((n, c) => n + leafCount(c.type), 0);
}

function writerProperties(inst: WasmInstance, opts: ParquetWriteOptions, schema: arrow.Schema): WriterProperties {
  const pw = inst.pw;
  const compression = {
    snappy: pw.Compression.SNAPPY,
    zstd: pw.Compression.ZSTD,
    gzip: pw.Compression.GZIP,
    none: pw.Compression.UNCOMPRESSED,
  }[opts.compression ?? 'snappy'];
  if (compression === undefined) throw new InvalidArgumentError(`unknown Parquet compression "${opts.compression}"`);
  const rowGroupSize = opts.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize <= 0) {
    throw new InvalidArgumentError(`rowGroupSize must be a positive integer, got ${rowGroupSize}`);
  }
  let builder = new pw.WriterPropertiesBuilder().setCompression(compression).setMaxRowGroupSize(rowGroupSize);
  const kv = Object.entries(opts.keyValueMetadata ?? {});
  if (kv.length > 0) builder = builder.setKeyValueMetadata(new Map(kv));
  if (schema.fields.reduce((n, f) => n + leafCount(f.type), 0) > DICTIONARY_COLUMNS) {
    builder = builder.setDictionaryEnabled(false);
    const primitive = schema.fields.filter((f) => (f.type.children ?? []).length === 0);
    for (const f of primitive.slice(0, DICTIONARY_COLUMNS)) builder = builder.setColumnDictionaryEnabled(f.name, true);
  }
  return builder.build();
}
