/** Multiset comparison of result rows against expected rows, with a readable difference. */
import { displayValue } from './display.js';
import type { ExpectedColumn } from './expected.js';

export interface CompareOptions {
  /** Expected cells were transcribed from Arrow pretty tables: null == "" and nested cells are display strings. */
  prettyTable?: boolean;
  /** Column indexes to leave out (documented exceptions). */
  ignore?: ReadonlySet<number>;
}

/** Returns undefined when equal as multisets, else a description of the difference. */
export function compareRows(
  actual: unknown[][],
  expected: unknown[][],
  columns: ExpectedColumn[],
  opts: CompareOptions = {},
): string | undefined {
  if (actual.length !== expected.length) return `row count ${actual.length}, expected ${expected.length}`;
  const pretty = !!opts.prettyTable;
  // Columns where the expectation holds display strings: render our nested values the same way.
  const displayed = new Set<number>();
  if (pretty) for (const row of expected) row.forEach((cell, c) => typeof cell === 'string' && displayed.add(c));
  const norm = (rows: unknown[][], isExpected: boolean) =>
    rows
      .map((row) =>
        JSON.stringify(
          row.map((cell, c) => {
            if (opts.ignore?.has(c)) return null;
            if (!pretty) return cell;
            let v = cell;
            if (!isExpected && displayed.has(c) && v !== null && typeof v === 'object')
              v = displayValue(v, columns[c]?.type ?? '');
            return v === '' ? null : v;
          }),
        ),
      )
      .sort();
  const a = norm(actual, false);
  const e = norm(expected, true);
  if (a.every((x, i) => x === e[i])) return undefined;
  const eSet = new Set(e);
  const aSet = new Set(a);
  const missing = e.filter((x) => !aSet.has(x)).slice(0, 2);
  const extra = a.filter((x) => !eSet.has(x)).slice(0, 2);
  return `rows differ: missing ${missing.join(' ') || '(duplicates differ)'}; unexpected ${extra.join(' ') || '-'}`;
}
