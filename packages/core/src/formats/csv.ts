/**
 * CSV / TSV -> Arrow record batches, streaming through csv-parse. Column types come from
 * the target schema, else are inferred from the first batch (infer.ts) and then kept; a value
 * that does not fit is an InputFormatError naming object, line, column and value.
 */
import { pipeline, Readable } from 'node:stream';
import type * as arrow from 'apache-arrow';
import { parse } from 'csv-parse';
import { DeltaError, InputFormatError } from '../errors.js';
import { CellError, cellErrorToInput } from './cell-error.js';
import { inferTextType } from './infer.js';
import { buildPlannedBatch, planColumns, type AbsentColumns, type ColumnPlan } from './target.js';
import { drainGroups } from './drain.js';
import { guardText } from './text-guard.js';
import { utf8Text, type TextEncoding } from './encoding.js';
import { assertColumnCount, DEFAULT_MAX_COLUMNS, rowsPerBatch } from './limits.js';
import { sniffDelimiter, wrongDelimiterError } from './delimiter.js';

export interface CsvOptions {
  /** First record holds the column names (default true); without it columns are the target's, by position, or `_c0`, `_c1`... */
  header?: boolean;
  /**
   * Field delimiter (default: `.tsv` keys tab, else guessed from the header line: `,` unless it
   * has none and has `;`, tab or `|`; see delimiter.ts).
   */
  delimiter?: string;
  /** Quote character (default `"`). */
  quote?: string;
  /** Cell texts read as null (default `['']`). */
  nullValues?: string[];
}

export interface CsvReadOptions {
  /** Object name for errors. */
  key: string;
  schema?: arrow.Schema;
  absentColumns?: AbsentColumns;
  csv?: CsvOptions;
  batchRows: number;
  /** Text encoding (default UTF-8, checked: invalid bytes are an error naming the line). */
  encoding?: TextEncoding;
  /** Most columns accepted (limits.ts). */
  maxColumns?: number;
  /** Most values per batch (limits.ts). */
  cellsPerBatch?: number;
}

// A record larger than this is an error rather than unbounded buffering (an unclosed quote).
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Parse CSV text chunks into record batches of at most `batchRows` rows (fewer for wide rows: limits.ts). */
export async function* readCsv(
  chunks: AsyncIterable<Uint8Array>,
  opts: CsvReadOptions,
): AsyncGenerator<arrow.RecordBatch> {
  const csv = opts.csv ?? {};
  const sniffed = csv.delimiter === undefined ? await sniffDelimiter(chunks) : undefined;
  const delimiter = csv.delimiter ?? sniffed!.delimiter;
  const { parser, lineQueue } = csvParser(sniffed?.chunks ?? chunks, opts.key, { ...csv, delimiter }, opts.encoding);
  const batch = new CsvBatch(opts, delimiter);
  let queueHead = 0;
  try {
    for await (const group of drainGroups<string[]>(parser)) {
      for (const record of group) {
        if (batch.add(record, lineQueue[queueHead++]!)) yield batch.flush();
      }
      lineQueue.splice(0, queueHead);
      queueHead = 0;
    }
    // A header without rows still tells the schema: one empty batch.
    if (batch.pending) yield batch.flush();
  } catch (err) {
    throw csvError(err, opts.key);
  }
}

/**
 * The rows of the batch being filled, column by column as text, with the line of each row.
 * The first record fixes the columns (and the batch size, from their count); the first batch
 * fixes the column types (the target schema's, else inferred).
 */
class CsvBatch {
  private readonly header: boolean;
  private readonly isNull: (v: string) => boolean;
  private names: string[] | undefined;
  private cols: (string | null)[][] = [];
  private lines = new Int32Array(0);
  private limit: number; // rows per batch, once the width is known
  private plan: ColumnPlan | undefined;
  private inferredRows = 0;
  private n = 0;
  private yielded = false;

  constructor(
    private readonly opts: CsvReadOptions,
    /** The delimiter in use (given or sniffed): a header it does not split is checked against the table. */
    private readonly delimiter: string,
  ) {
    const csv = opts.csv ?? {};
    this.header = csv.header ?? true;
    const nullValues = csv.nullValues ?? [''];
    const nullSet = new Set(nullValues);
    this.isNull = nullValues.length === 1 && nullValues[0] === '' ? (v) => v === '' : (v) => nullSet.has(v);
    this.limit = opts.batchRows;
  }

  /** Rows not yet flushed, or a header with no rows at all (one empty batch tells the schema). */
  get pending(): boolean {
    return this.names !== undefined && (this.n > 0 || !this.yielded);
  }

  /** Take one record read from `line`; true when the batch is full. */
  add(record: readonly string[], line: number): boolean {
    if (!this.names) {
      this.start(record);
      if (this.header) return false;
    }
    for (let c = 0; c < record.length; c++) {
      const v = record[c]!;
      this.cols[c]![this.n] = this.isNull(v) ? null : v;
    }
    this.lines[this.n++] = line;
    return this.n === this.limit;
  }

  /** The rows taken so far as one batch; the next batch starts empty. */
  flush(): arrow.RecordBatch {
    if (!this.plan) {
      this.plan = planColumns(
        this.opts.key,
        this.names!,
        this.opts.schema,
        (i) => inferTextType(this.cols[i]!, this.n),
        this.opts.absentColumns,
      );
      this.inferredRows = this.n;
    }
    const batch = this.build(this.plan);
    this.yielded = true;
    this.n = 0;
    return batch;
  }

  /** The columns from the first record (names or, without a header, their count). */
  private start(first: readonly string[]): void {
    const { key, maxColumns, cellsPerBatch, batchRows } = this.opts;
    const names = columnNames(first, this.header, this.opts.schema);
    const wrong = this.header && wrongDelimiterError(key, names, this.delimiter, this.opts.schema);
    if (wrong) throw wrong;
    assertColumnCount(names.length, maxColumns ?? DEFAULT_MAX_COLUMNS, key);
    this.limit = rowsPerBatch(batchRows, names.length, cellsPerBatch);
    this.cols = names.map(() => []); // grown as rows arrive: memory follows the data
    this.lines = new Int32Array(this.limit);
    this.names = names;
  }

  /** Typed columns of the current rows; a cell that does not fit names its line and column. */
  private build(plan: ColumnPlan): arrow.RecordBatch {
    try {
      return buildPlannedBatch(plan, this.n, (i) => this.cols[i]!);
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      const field = plan.schema.fields.findIndex(
        (f) => err.path === f.name || err.path.startsWith(`${f.name}.`) || err.path.startsWith(`${f.name}[`),
      );
      throw cellErrorToInput(
        err,
        this.opts.key,
        err.row >= 0 ? this.lines[err.row] : undefined,
        plan.inferred[field] ? this.inferredRows : undefined,
      );
    }
  }
}

/** csv-parse fed from `chunks`, and the source line of each record it emits, in order. */
function csvParser(
  chunks: AsyncIterable<Uint8Array>,
  key: string,
  csv: CsvOptions,
  encoding: TextEncoding | undefined,
): { parser: ReturnType<typeof parse>; lineQueue: number[] } {
  const lineQueue: number[] = [];
  const parser = parse({
    delimiter: csv.delimiter ?? ',',
    quote: csv.quote ?? '"',
    bom: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  // The line of each record, read when csv-parse pushes it (its on_record/info options copy a
  // context object per record, which costs more than the parse itself).
  const push = parser.push.bind(parser);
  parser.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk !== null) lineQueue.push(parser.info.lines);
    return push(chunk, encoding);
  };
  const text = utf8Text(guardText(chunks, key, 'CSV'), key, 'CSV', encoding);
  pipeline(Readable.from(text, { objectMode: false }), parser, () => undefined);
  return { parser, lineQueue };
}

function columnNames(first: readonly string[], header: boolean, schema: arrow.Schema | undefined): string[] {
  if (header) return first.map((h, i) => (h === '' ? `_c${i}` : h));
  return first.map((_, i) => schema?.fields[i]?.name ?? `_c${i}`);
}

function csvError(err: unknown, key: string): Error {
  if (err instanceof DeltaError) return err;
  const e = err as { code?: unknown; lines?: unknown; message?: unknown };
  const msg = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
    const line = typeof e.lines === 'number' ? e.lines : undefined;
    return new InputFormatError(
      key,
      `${key}: ${line !== undefined ? `line ${line}: ` : ''}invalid CSV: ${msg}. ` +
        'Check the delimiter, quoting and header options, and that every row has the same number of fields',
      line,
      undefined,
      { cause: err },
    );
  }
  return new InputFormatError(key, `${key}: cannot read the object as CSV: ${msg}`, undefined, undefined, {
    cause: err,
  });
}
