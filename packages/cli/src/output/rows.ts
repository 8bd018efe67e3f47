/**
 * Row output for `scan`: ndjson (the corpus value encoding, one object per row), csv and a
 * human table. Rows are encoded per batch so output streams with the scan.
 */
import { batchToObjects, type StructType } from '@delta-serverless/core';
import type * as arrow from 'apache-arrow';

export type RowFormat = 'table' | 'ndjson' | 'csv';

export interface RowWriter {
  write(batch: arrow.RecordBatch): void;
  end(): void;
}

type Out = (text: string) => void;

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

export function rowWriter(format: RowFormat, schema: StructType, out: Out, limit = Infinity): RowWriter {
  const names = schema.fields.map((f) => f.name);
  let written = 0;
  const remaining = () => limit - written;
  if (format === 'ndjson') {
    return {
      write(batch) {
        for (const row of batchToObjects(batch, schema).slice(0, remaining())) {
          out(JSON.stringify(row) + '\n');
          written++;
        }
      },
      end() {},
    };
  }
  if (format === 'csv') {
    out(names.map(csvCell).join(',') + '\n');
    return {
      write(batch) {
        for (const row of batchToObjects(batch, schema).slice(0, remaining())) {
          out(names.map((n) => csvCell(row[n])).join(',') + '\n');
          written++;
        }
      },
      end() {},
    };
  }
  // Human table: buffer (bounded by --limit, default 20 for this format) and align columns.
  const rows: string[][] = [];
  return {
    write(batch) {
      for (const row of batchToObjects(batch, schema).slice(0, remaining())) {
        rows.push(names.map((n) => tableCell(row[n])));
        written++;
      }
    },
    end() {
      const header = names.map(escapeControl);
      const widths = header.map((n, i) => Math.min(60, Math.max(n.length, ...rows.map((r) => r[i]!.length))));
      const fmt = (cells: string[]) =>
        cells
          .map((c, i) => (c.length > widths[i]! ? c.slice(0, widths[i]! - 1) + '…' : c.padEnd(widths[i]!)))
          .join(' │ ');
      out(fmt(header) + '\n');
      out(widths.map((w) => '─'.repeat(w)).join('─┼─') + '\n');
      for (const r of rows) out(fmt(r) + '\n');
      out(`(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
    },
  };
}
