/**
 * Which columns get per-file statistics, as Delta Spark's StatisticsCollection picks them:
 * - `delta.dataSkippingStatsColumns` (takes precedence): the named columns, matched
 *   case-insensitively; `a.b` names a nested field, backticks quote odd names, a struct
 *   means all of its leaves; order follows the schema, not the list;
 * - else `delta.dataSkippingNumIndexedCols` (default 32, -1 = all): the first N leaf columns in
 *   schema order (arrays, maps and variants are leaves; structs are descended into).
 * Partition columns are never in the data files, so they are left out before either rule.
 */
import { InvalidArgumentError } from '../errors.js';
import type { DataType, StructField, StructType } from '../protocol/schema.js';

export const NUM_INDEXED_COLS_KEY = 'delta.dataSkippingNumIndexedCols';
export const STATS_COLUMNS_KEY = 'delta.dataSkippingStatsColumns';
export const DEFAULT_NUM_INDEXED_COLS = 32;

/** Column choice for statistics. A string column reference is parsed like the table property (`a.b`, backticks). */
export interface StatsColumnsSpec {
  numIndexedCols?: number;
  statsColumns?: ReadonlyArray<string | readonly string[]>;
}

/** The stats column options a table's configuration asks for (InvalidArgumentError names a bad property). */
export function statsColumnsFromProperties(configuration: Record<string, string>): {
  numIndexedCols?: number;
  statsColumns?: string[][];
} {
  const out: { numIndexedCols?: number; statsColumns?: string[][] } = {};
  const num = configuration[NUM_INDEXED_COLS_KEY];
  if (num !== undefined) out.numIndexedCols = parseNumIndexedCols(num);
  const cols = configuration[STATS_COLUMNS_KEY];
  if (cols !== undefined) out.statsColumns = parseColumnList(cols);
  return out;
}

function parseNumIndexedCols(text: string): number {
  const t = text.trim();
  const n = /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < -1 || n > 2147483647) {
    throw new InvalidArgumentError(
      `table property ${NUM_INDEXED_COLS_KEY} is "${text}"; it must be an integer >= -1 (-1 collects stats on all columns)`,
    );
  }
  return n;
}

/**
 * Parse a comma-separated list of column references (`a, b.c, \`odd name\`.x`) into name paths.
 * An empty or blank list means no columns.
 */
export function parseColumnList(text: string, property = STATS_COLUMNS_KEY): string[][] {
  const out: string[][] = [];
  if (text.trim() === '') return out;
  const fail = (why: string): never => {
    throw new InvalidArgumentError(
      `table property ${property} is "${text}": ${why}. Expected comma-separated column names; ` +
        'use dots for nested fields and backticks around names with other characters (`my col`.`a.b`)',
    );
  };
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  for (;;) {
    const path: string[] = [];
    for (;;) {
      skipSpace();
      if (text[i] === '`') {
        let name = '';
        i++;
        for (;;) {
          if (i >= text.length) fail('unterminated backtick');
          if (text[i] === '`') {
            if (text[i + 1] === '`') {
              name += '`';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          name += text[i++];
        }
        path.push(name);
      } else {
        const m = /^[\p{L}\p{N}_]+/u.exec(text.slice(i));
        if (!m) fail(i >= text.length ? 'a column name is missing at the end' : `unexpected "${text[i]}" at ${i}`);
        path.push(m![0]);
        i += m![0].length;
      }
      skipSpace();
      if (text[i] !== '.') break;
      i++;
    }
    out.push(path);
    if (i >= text.length) return out;
    if (text[i] !== ',') fail(`unexpected "${text[i]}" at ${i}`);
    i++;
  }
}

/** Whether Delta keeps min/max for the type (Spark's SkippingEligibleDataType; never boolean or binary). */
export function hasMinMax(t: DataType): boolean {
  switch (t.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
    case 'decimal':
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
    case 'string':
      return true;
    default:
      return false;
  }
}

/**
 * The schema restricted to the columns that get statistics (structs keep only their selected
 * fields, fields keep their metadata for column mapping).
 */
export function selectStatsSchema(
  schema: StructType,
  spec: StatsColumnsSpec,
  partitionColumns: readonly string[] = [],
): StructType {
  const parts = new Set(partitionColumns);
  const data: StructType = { type: 'struct', fields: schema.fields.filter((f) => !parts.has(f.name)) };
  if (spec.statsColumns !== undefined) {
    return { type: 'struct', fields: filterFields(data.fields, selectionTree(spec.statsColumns.map(toPath))) };
  }
  const n = spec.numIndexedCols ?? DEFAULT_NUM_INDEXED_COLS;
  if (!Number.isInteger(n) || n < -1) {
    throw new InvalidArgumentError(
      `numIndexedCols is ${n}; it must be an integer >= -1 (-1 collects stats on all columns)`,
    );
  }
  return n === -1 ? data : { type: 'struct', fields: firstLeaves(data.fields, { left: n }) };
}

function toPath(ref: string | readonly string[]): readonly string[] {
  if (typeof ref !== 'string') return ref;
  const paths = parseColumnList(ref, 'statsColumns');
  if (paths.length !== 1) throw new InvalidArgumentError(`statsColumns entry "${ref}" must name exactly one column`);
  return paths[0]!;
}

interface Selection {
  whole: boolean;
  children: Map<string, Selection>;
}

function selectionTree(paths: readonly (readonly string[])[]): Map<string, Selection> {
  const root = new Map<string, Selection>();
  for (const path of paths) {
    let level = root;
    path.forEach((name, k) => {
      const key = name.toLowerCase();
      let sel = level.get(key);
      if (!sel) level.set(key, (sel = { whole: false, children: new Map() }));
      if (k === path.length - 1) sel.whole = true;
      level = sel.children;
    });
  }
  return root;
}

function filterFields(fields: readonly StructField[], sel: Map<string, Selection>): StructField[] {
  const out: StructField[] = [];
  for (const f of fields) {
    const s = sel.get(f.name.toLowerCase());
    if (!s) continue;
    if (s.whole) out.push(f);
    else if (f.type.type === 'struct')
      out.push({ ...f, type: { type: 'struct', fields: filterFields(f.type.fields, s.children) } });
  }
  return out;
}

// Spark's truncateSchema: walk fields in order, spending one unit per non-struct field.
function firstLeaves(fields: readonly StructField[], budget: { left: number }): StructField[] {
  const out: StructField[] = [];
  for (const f of fields) {
    if (budget.left <= 0) break;
    if (f.type.type === 'struct')
      out.push({ ...f, type: { type: 'struct', fields: firstLeaves(f.type.fields, budget) } });
    else {
      budget.left--;
      out.push(f);
    }
  }
  return out;
}

/**
 * Check a `delta.dataSkippingStatsColumns` value against the table as Delta Spark does when the
 * property is set: every column exists, is not a partition column, has a min/max type (all
 * leaves of a named struct too), and no leaf is named twice.
 */
export function validateStatsColumns(
  schema: StructType,
  partitionColumns: readonly string[],
  statsColumns: ReadonlyArray<string | readonly string[]>,
): void {
  const parts = new Set(partitionColumns.map((c) => c.toLowerCase()));
  const seen = new Set<string>();
  const bad = (msg: string): never => {
    throw new InvalidArgumentError(`table property ${STATS_COLUMNS_KEY}: ${msg}`);
  };
  for (const ref of statsColumns) {
    const path = toPath(ref);
    const shown = path.join('.');
    if (path.length === 1 && parts.has(path[0]!.toLowerCase())) {
      bad(`${shown} is a partition column; partition columns need no statistics, remove it from the list`);
    }
    let cur: DataType = schema;
    const resolved: string[] = [];
    for (const name of path) {
      const f: StructField | undefined =
        cur.type === 'struct' ? cur.fields.find((x) => x.name.toLowerCase() === name.toLowerCase()) : undefined;
      if (!f) return bad(`column ${shown} does not exist in the table schema`);
      resolved.push(f.name);
      cur = f.type;
    }
    const visit = (t: DataType, name: string) => {
      if (t.type === 'struct') t.fields.forEach((f) => visit(f.type, `${name}.${f.name}`));
      else if (!hasMinMax(t))
        bad(`column ${name} has type ${t.type}, which has no min/max statistics for data skipping`);
      else if (seen.has(name.toLowerCase())) bad(`column ${name} is listed more than once`);
      else seen.add(name.toLowerCase());
    };
    visit(cur, resolved.join('.'));
  }
}
