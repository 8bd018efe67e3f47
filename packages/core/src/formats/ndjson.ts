/**
 * NDJSON (one JSON object per line) -> Arrow record batches, streaming. Blank lines are
 * skipped. Types come from the target schema, else are inferred from the first batch
 * (infer.ts) and kept; a key first seen after the first batch, a malformed line or a value of
 * the wrong type is an InputFormatError naming the line.
 */
import type * as arrow from 'apache-arrow';
import { DeltaError, InputFormatError } from '../errors.js';
import { CellError, cellErrorToInput } from './cell-error.js';
import { inferJsonType } from './infer.js';
import { parseJsonLine } from './json-line.js';
import { buildPlannedBatch, planColumns, type ColumnPlan } from './target.js';
import { guardText } from './text-guard.js';
import { utf8Text, type TextEncoding } from './encoding.js';
import { assertColumnCount, CELLS_PER_BATCH, DEFAULT_MAX_COLUMNS } from './limits.js';

export interface NdjsonReadOptions {
  key: string;
  schema?: arrow.Schema;
  batchRows: number;
  /** Text encoding (default UTF-8, checked: invalid bytes are an error naming the line). */
  encoding?: TextEncoding;
  /** Most columns accepted (limits.ts). */
  maxColumns?: number;
  /** Most values per batch (limits.ts). */
  cellsPerBatch?: number;
}

// A longer line is an error rather than unbounded buffering.
const MAX_LINE_CHARS = 64 * 1024 * 1024;

type Row = Record<string, unknown>;

/**
 * Parse NDJSON text chunks into record batches of at most `batchRows` rows, and at most
 * CELLS_PER_BATCH keys in all (wide rows get shorter batches: limits.ts).
 */
export async function* readNdjson(
  chunks: AsyncIterable<Uint8Array>,
  opts: NdjsonReadOptions,
): AsyncGenerator<arrow.RecordBatch> {
  const { key } = opts;
  const batch = new RowBatch(opts);
  try {
    for await (const { line, lineNo } of ndjsonLines(chunks, key, opts.encoding)) {
      if (line.length === 0 || isBlank(line)) continue;
      batch.add(parseRow(line, lineNo, key), lineNo);
      if (batch.full) yield batch.flush();
    }
    if (batch.size > 0) yield batch.flush();
    else if (!batch.yielded && opts.schema) yield batch.flush(); // no rows: one empty batch of the target schema
  } catch (err) {
    if (err instanceof DeltaError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new InputFormatError(key, `${key}: cannot read the object as NDJSON: ${msg}`, undefined, undefined, {
      cause: err,
    });
  }
}

/** The text's lines (a final CR dropped), numbered from 1; each must fit MAX_LINE_CHARS. */
async function* ndjsonLines(
  chunks: AsyncIterable<Uint8Array>,
  key: string,
  encoding: TextEncoding | undefined,
): AsyncGenerator<{ line: string; lineNo: number }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let lineNo = 0;
  for await (const chunk of utf8Text(guardText(chunks, key, 'NDJSON'), key, 'NDJSON', encoding)) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch (err) {
      throw new InputFormatError(
        key,
        `${key}: near line ${lineNo + 1}: the text is not valid UTF-8; convert the object to UTF-8`,
        lineNo + 1,
        undefined,
        { cause: err },
      );
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      let line = text.slice(start, nl);
      if (rest.length > 0) {
        line = rest + line;
        rest = '';
      }
      start = nl + 1;
      yield { line: stripCr(line), lineNo: ++lineNo };
    }
    rest += text.slice(start);
    if (rest.length > MAX_LINE_CHARS) {
      throw new InputFormatError(
        key,
        `${key}: line ${lineNo + 1} is longer than ${MAX_LINE_CHARS} characters; is this really NDJSON (one object per line)?`,
        lineNo + 1,
      );
    }
  }
  rest += decoder.decode();
  if (rest.length > 0) yield { line: stripCr(rest), lineNo: ++lineNo };
}

/** One line's JSON object, or an InputFormatError naming the line. */
function parseRow(line: string, lineNo: number, key: string): Row {
  let value: unknown;
  try {
    value = parseJsonLine(line);
  } catch (err) {
    throw new InputFormatError(
      key,
      `${key}: line ${lineNo} is not valid JSON (${(err as Error).message}): ${snippet(line)}. ` +
        'Each line must hold one JSON object',
      lineNo,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputFormatError(
      key,
      `${key}: line ${lineNo} holds ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}, not a JSON object; ` +
        'each line must hold one object whose keys are the column names',
      lineNo,
    );
  }
  return value as Row;
}

/**
 * Rows gathered into batches. The first batch fixes the columns and their types (from the
 * target schema, else inferred); later batches must use the same keys.
 */
class RowBatch {
  size = 0;
  yielded = false;
  private readonly rows: Row[] = []; // grown as rows arrive: memory follows the data
  private readonly lines: Int32Array;
  private readonly maxColumns: number;
  private readonly budget: number;
  private cells = 0; // keys in the rows of the current batch
  private lastKeys = 0;
  private plan: ColumnPlan | undefined;
  private known: Map<string, number> | undefined; // input key -> input column index
  private names: string[] = [];
  private inferredRows = 0;
  private column: unknown[];

  constructor(private readonly opts: NdjsonReadOptions) {
    this.maxColumns = opts.maxColumns ?? DEFAULT_MAX_COLUMNS;
    this.budget = opts.cellsPerBatch ?? CELLS_PER_BATCH;
    this.lines = new Int32Array(Math.min(opts.batchRows, this.budget));
    this.column = [];
  }

  /** `batchRows` rows, or another row like the last would pass the cell budget (limits.ts). */
  get full(): boolean {
    const n = this.size;
    return n === this.opts.batchRows || n === this.lines.length || this.cells + this.lastKeys > this.budget;
  }

  add(row: Row, lineNo: number): void {
    const keys = countKeys(row);
    assertColumnCount(keys, this.maxColumns, this.opts.key, `keys (columns) on line ${lineNo}`);
    this.cells += keys;
    this.lastKeys = keys;
    this.rows[this.size] = row;
    this.lines[this.size++] = lineNo;
  }

  flush(): arrow.RecordBatch {
    const { key, schema } = this.opts;
    const n = this.size;
    if (!this.plan) {
      this.names = keysOf(this.rows, n, schema);
      assertColumnCount(this.names.length, this.maxColumns, key, 'distinct keys (columns)');
      this.known = new Map(this.names.map((k, i) => [k, i]));
      this.plan = planColumns(key, this.names, schema, (i) => inferJsonType(this.valuesOf(i), n));
      this.inferredRows = n;
    } else {
      checkKeys(this.rows, n, this.known!, key, this.lines, schema !== undefined);
    }
    const p = this.plan;
    try {
      const batch = buildPlannedBatch(p, n, (i) => this.valuesOf(i));
      this.size = 0;
      this.cells = 0;
      this.yielded = true;
      return batch;
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      const top = p.schema.fields.findIndex(
        (f) => err.path === f.name || err.path.startsWith(`${f.name}.`) || err.path.startsWith(`${f.name}[`),
      );
      throw cellErrorToInput(
        err,
        key,
        err.row >= 0 ? this.lines[err.row] : undefined,
        p.inferred[top] ? this.inferredRows : undefined,
      );
    }
  }

  /** Values of input column i for the current batch (one reused array: builders copy out). */
  private valuesOf(i: number): unknown[] {
    const name = this.names[i]!;
    const n = this.size;
    if (this.column.length < n) this.column = new Array<unknown>(n);
    for (let r = 0; r < n; r++) this.column[r] = this.rows[r]![name];
    return this.column;
  }
}

/** Input keys of the first batch, in first-seen order (target fields first when present). */
function keysOf(rows: readonly Row[], n: number, schema: arrow.Schema | undefined): string[] {
  const seen = new Set<string>();
  for (let r = 0; r < n; r++) for (const k in rows[r]) seen.add(k);
  if (!schema) return [...seen];
  // Target columns absent from the first rows may still appear later: keep them as inputs.
  const lower = new Set([...seen].map((k) => k.toLowerCase()));
  for (const f of schema.fields) if (!lower.has(f.name.toLowerCase())) seen.add(f.name);
  return [...seen];
}

/** Every key of every row must be a known column (the schema is fixed after the first batch). */
function checkKeys(
  rows: readonly Row[],
  n: number,
  known: Map<string, number>,
  key: string,
  lines: Int32Array,
  hasSchema: boolean,
): void {
  for (let r = 0; r < n; r++) {
    for (const k in rows[r]) {
      if (!known.has(k)) {
        throw new InputFormatError(
          key,
          `${key}: line ${lines[r]} has key "${k}", which the first rows did not have (the column set is fixed ` +
            `from the first batch); ${hasSchema ? 'add the column to the table schema' : 'pass a schema that includes it'}, or raise batchRows`,
          lines[r],
          k,
        );
      }
    }
  }
}

function countKeys(row: Row): number {
  let k = 0;
  for (const _ in row) k++;
  return k;
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}

function snippet(s: string): string {
  return s.length > 60 ? `${JSON.stringify(s.slice(0, 60))}...` : JSON.stringify(s);
}
