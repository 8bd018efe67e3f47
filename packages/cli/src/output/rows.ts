/**
 * Row output for `scan`: ndjson (the corpus value encoding, one object per row), csv and a
 * human table. Rows are encoded per batch so output streams with the scan; the table buffers
 * the rows it shows (bounded by the limit) to align them.
 */
import { batchToObjects, type DataType, type StructType } from '@delta-serverless/core';
import type * as arrow from 'apache-arrow';
import { formatCount } from './format.js';
import { BOX, renderTable } from './table.js';

export type RowFormat = 'table' | 'ndjson' | 'csv';

/** How many rows the scan matched: exact, or at least this many when counting stopped early. */
export interface MatchCount {
  rows: number;
  exact: boolean;
}

export interface RowWriter {
  write(batch: arrow.RecordBatch): void;
  /** `matched`: rows the scan matched in all (the table says when it showed fewer). */
  end(matched?: MatchCount): void;
}

type Out = (text: string) => void;

const NUMERIC = new Set(['byte', 'short', 'integer', 'long', 'float', 'double', 'decimal']);

/** Numbers are right-aligned in the table. */
export function isNumeric(type: DataType): boolean {
  return NUMERIC.has(type.type);
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Control characters that a terminal would act on: C0 (ESC starts escape sequences), DEL, C1,
 * and the bidirectional overrides/isolates that reorder what is shown.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Text for the human table: control characters shown escaped (`\n`, `\x1b`, `\u202e`), never sent raw. */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
  });
}

function tableCell(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return escapeControl(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

/** The line under the table: the row count, and how to see the rest when it shows fewer. */
export function rowCountLine(shown: number, matched: MatchCount | undefined): string {
  if (!matched || (matched.exact && matched.rows <= shown)) return `(${shown} row${shown === 1 ? '' : 's'})`;
  const total = matched.exact ? formatCount(matched.rows) : `at least ${formatCount(matched.rows)}`;
  return `(showing ${formatCount(shown)} of ${total} rows; --limit N or --format csv for all)`;
}

function textWriter(format: 'ndjson' | 'csv', names: string[], schema: StructType, out: Out, limit: number): RowWriter {
  let written = 0;
  if (format === 'csv') out(names.map(csvCell).join(',') + '\n');
  const line =
    format === 'ndjson'
      ? (row: Record<string, unknown>) => JSON.stringify(row)
      : (row: Record<string, unknown>) => names.map((n) => csvCell(row[n])).join(',');
  return {
    write(batch) {
      for (const row of batchToObjects(batch, schema).slice(0, limit - written)) {
        out(line(row) + '\n');
        written++;
      }
    },
    end() {},
  };
}

export function rowWriter(format: RowFormat, schema: StructType, out: Out, limit = Infinity): RowWriter {
  const names = schema.fields.map((f) => f.name);
  if (format !== 'table') return textWriter(format, names, schema, out, limit);
  const rows: string[][] = [];
  const columns = schema.fields.map((f) => ({
    header: escapeControl(f.name),
    align: isNumeric(f.type) ? ('right' as const) : ('left' as const),
    maxWidth: 60,
  }));
  return {
    write(batch) {
      for (const row of batchToObjects(batch, schema).slice(0, limit - rows.length)) {
        rows.push(names.map((n) => tableCell(row[n])));
      }
    },
    end(matched) {
      for (const l of renderTable(columns, rows, BOX)) out(l + '\n');
      out(rowCountLine(rows.length, matched) + '\n');
    },
  };
}
