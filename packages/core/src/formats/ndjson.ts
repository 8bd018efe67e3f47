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
  const { key, batchRows } = opts;
  const maxColumns = opts.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const budget = opts.cellsPerBatch ?? CELLS_PER_BATCH;
  const rows: Row[] = []; // grown as rows arrive: memory follows the data
  const lines = new Int32Array(Math.min(batchRows, budget));
  let n = 0;
  let cells = 0; // keys in the rows of the current batch
  let lastKeys = 0;
  let plan: ColumnPlan | undefined;
  let known: Map<string, number> | undefined; // input key -> input column index
  let names: string[] = [];
  let inferredRows = 0;
  let yielded = false;
  let column: unknown[] = [];

  const flush = (): arrow.RecordBatch => {
    if (!plan) {
      names = keysOf(rows, n, opts.schema);
      assertColumnCount(names.length, maxColumns, key, 'distinct keys (columns)');
      known = new Map(names.map((k, i) => [k, i]));
      plan = planColumns(key, names, opts.schema, (i) => inferJsonType(valuesOf(i), n));
      inferredRows = n;
    } else {
      checkKeys(rows, n, known!, key, lines, opts.schema !== undefined);
    }
    const p = plan;
    try {
      return buildPlannedBatch(p, n, valuesOf);
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      const top = p.schema.fields.findIndex(
        (f) => err.path === f.name || err.path.startsWith(`${f.name}.`) || err.path.startsWith(`${f.name}[`),
      );
      throw cellErrorToInput(
        err,
        key,
        err.row >= 0 ? lines[err.row] : undefined,
        p.inferred[top] ? inferredRows : undefined,
      );
    }
  };
  // Values of input column i for the current batch (one reused array: builders copy out).
  const valuesOf = (i: number): unknown[] => {
    const name = names[i]!;
    if (column.length < n) column = new Array<unknown>(n);
    for (let r = 0; r < n; r++) column[r] = rows[r]![name];
    return column;
  };

  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let lineNo = 0;
  const take = (line: string): void => {
    lineNo++;
    if (line.length === 0 || isBlank(line)) return;
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
    const keys = countKeys(value as Row);
    assertColumnCount(keys, maxColumns, key, `keys (columns) on line ${lineNo}`);
    cells += keys;
    lastKeys = keys;
    rows[n] = value as Row;
    lines[n++] = lineNo;
  };
  // Full when another row like the last would pass the cell budget.
  const full = () => n === batchRows || n === lines.length || cells + lastKeys > budget;

  try {
    for await (const chunk of utf8Text(guardText(chunks, key, 'NDJSON'), key, 'NDJSON', opts.encoding)) {
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
        take(stripCr(line));
        start = nl + 1;
        if (full()) {
          yield flush();
          yielded = true;
          n = 0;
          cells = 0;
        }
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
    if (rest.length > 0) take(stripCr(rest));
    if (n > 0) yield flush();
    else if (!yielded && opts.schema) yield flush(); // no rows: one empty batch of the target schema
  } catch (err) {
    if (err instanceof DeltaError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new InputFormatError(key, `${key}: cannot read the object as NDJSON: ${msg}`, undefined, undefined, {
      cause: err,
    });
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
