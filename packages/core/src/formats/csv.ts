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
import { buildPlannedBatch, planColumns, type ColumnPlan } from './target.js';
import { drainGroups } from './drain.js';
import { guardText } from './text-guard.js';

export interface CsvOptions {
  /** First record holds the column names (default true); without it columns are the target's, by position, or `_c0`, `_c1`... */
  header?: boolean;
  /** Field delimiter (default `,`; `.tsv` keys default to tab). */
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
  csv?: CsvOptions;
  batchRows: number;
}

// A record larger than this is an error rather than unbounded buffering (an unclosed quote).
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Parse CSV text chunks into record batches of at most `batchRows` rows. */
export async function* readCsv(
  chunks: AsyncIterable<Uint8Array>,
  opts: CsvReadOptions,
): AsyncGenerator<arrow.RecordBatch> {
  const { key, batchRows } = opts;
  const csv = opts.csv ?? {};
  const nullValues = csv.nullValues ?? [''];
  const onlyEmptyIsNull = nullValues.length === 1 && nullValues[0] === '';
  const nullSet = new Set(nullValues);
  const { parser, lineQueue } = csvParser(chunks, key, csv);
  let queueHead = 0;

  let names: string[] | undefined;
  let cols: (string | null)[][] = [];
  let lines = new Int32Array(0);
  let plan: ColumnPlan | undefined;
  let inferredRows = 0;
  let n = 0;
  let yielded = false;
  const flush = (): arrow.RecordBatch => {
    if (!plan) {
      plan = planColumns(key, names!, opts.schema, (i) => inferTextType(cols[i]!, n));
      inferredRows = n;
    }
    const p = plan;
    try {
      return buildPlannedBatch(p, n, (i) => cols[i]!);
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      const field = p.schema.fields.findIndex(
        (f) => err.path === f.name || err.path.startsWith(`${f.name}.`) || err.path.startsWith(`${f.name}[`),
      );
      throw cellErrorToInput(
        err,
        key,
        err.row >= 0 ? lines[err.row] : undefined,
        p.inferred[field] ? inferredRows : undefined,
      );
    }
  };
  try {
    for await (const group of drainGroups<string[]>(parser)) {
      for (const record of group) {
        const line = lineQueue[queueHead++]!;
        if (!names) {
          names = columnNames(record, csv.header ?? true, opts.schema);
          cols = names.map(() => new Array<string | null>(batchRows));
          lines = new Int32Array(batchRows);
          if (csv.header ?? true) continue;
        }
        for (let c = 0; c < record.length; c++) {
          const v = record[c]!;
          cols[c]![n] = (onlyEmptyIsNull ? v === '' : nullSet.has(v)) ? null : v;
        }
        lines[n++] = line;
        if (n === batchRows) {
          yield flush();
          yielded = true;
          n = 0;
        }
      }
      lineQueue.splice(0, queueHead);
      queueHead = 0;
    }
    // A header without rows still tells the schema: one empty batch.
    if (names && (n > 0 || !yielded)) yield flush();
  } catch (err) {
    throw csvError(err, key);
  }
}

/** csv-parse fed from `chunks`, and the source line of each record it emits, in order. */
function csvParser(
  chunks: AsyncIterable<Uint8Array>,
  key: string,
  csv: CsvOptions,
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
  pipeline(Readable.from(guardText(chunks, key, 'CSV'), { objectMode: false }), parser, () => undefined);
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
