/**
 * Aligned text tables for the terminal: a header, a rule and one line per row; numbers
 * right-aligned, text left-aligned, cells longer than a column's maximum cut with `…`.
 */

export type Align = 'left' | 'right';

export interface TableColumn {
  header: string;
  align?: Align;
  /** Cells are cut to this many characters (default: unlimited). */
  maxWidth?: number;
}

export interface TableStyle {
  /** Between cells (default two spaces). */
  separator?: string;
  /** Between the dashes of the rule under the header (default: like the separator). */
  ruleSeparator?: string;
  /** Rule character under the header (default '-'). */
  rule?: string;
}

/** Box-drawing style of `scan`: `a │ b` with `──┼──` under the header. */
export const BOX: TableStyle = { separator: ' │ ', ruleSeparator: '─┼─', rule: '─' };

function fit(cell: string, width: number, align: Align): string {
  if (cell.length > width) return cell.slice(0, width - 1) + '…';
  return align === 'right' ? cell.padStart(width) : cell.padEnd(width);
}

/** The table's lines (without newlines); trailing spaces of each line are trimmed. */
export function renderTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  style: TableStyle = {},
): string[] {
  const sep = style.separator ?? '  ';
  const rule = style.rule ?? '-';
  const ruleSep = style.ruleSeparator ?? sep.replace(/ /g, rule === '-' ? ' ' : rule);
  const widths = columns.map((c, i) =>
    Math.min(c.maxWidth ?? Infinity, Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length))),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => fit(cells[i] ?? '', widths[i]!, c.align ?? 'left'))
      .join(sep)
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => rule.repeat(w)).join(ruleSep), ...rows.map(line)];
}
