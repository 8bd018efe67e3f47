/**
 * Skipping with min/max/nullCount statistics (Delta add.stats, partition values, Parquet
 * row groups): mayMatch() is false only when no row can satisfy the predicate. Negation
 * is pushed down (De Morgan, NOT x < 5 -> x >= 5); anything not understood is "may match".
 *
 * Delta stats are lossy, and this stays correct for them unless `boundsExact(path)` says so:
 * - strings are truncated to 32 characters (Spark appends a tie-breaker to max; other
 *   writers may not), so a max of >= 32 UTF-16 units only bounds values by its prefix;
 * - timestamps are written in milliseconds, so the real max may be up to 999 µs larger;
 * - NaN may be left out of float stats, so ops a NaN row satisfies (>, >=, !=, NOT IN)
 *   never skip on max (Spark orders NaN above every number).
 */
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';
import type { BoundExpr } from './bound.js';
import { compileLike } from './like.js';
import { castScalar, compareScalars, compareStrings } from './scalar-ops.js';

/** Statistics for one file / partition / row group. `undefined` means unknown (never skips). */
export interface StatsLookup {
  /** Rows covered by the statistics. */
  readonly numRecords?: number;
  /** Lower bound of the non-null values, in the column's Scalar form (protocol/scalar.ts). */
  min(path: readonly string[]): Scalar | undefined;
  /** Upper bound of the non-null values. */
  max(path: readonly string[]): Scalar | undefined;
  nullCount(path: readonly string[]): number | undefined;
  /**
   * Optional: true when every value of the column is null even though `numRecords` is
   * unknown (e.g. a null partition value). Without it, all-null needs nullCount >= numRecords.
   */
  allNull?(path: readonly string[]): boolean;
  /**
   * Optional: true when min/max of the column are exact values (partition values,
   * untruncated stats), which turns off the string-truncation and millisecond allowances.
   */
  boundsExact?(path: readonly string[]): boolean;
}

/** The stat prefix length Delta truncates string min/max to. */
export const STRING_STATS_PREFIX = 32;
const TIMESTAMP_MAX_SLACK_MICROS = 999n;

const NEGATE: Record<string, string> = { '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** False only if no row described by `stats` can satisfy `bound`. */
export function mayMatch(bound: BoundExpr, stats: StatsLookup): boolean {
  try {
    return may(bound, false, stats);
  } catch {
    return true; // stats of an unexpected shape: never skip on them
  }
}

function may(e: BoundExpr, neg: boolean, st: StatsLookup): boolean {
  switch (e.kind) {
    case 'literal':
      return e.value === null ? false : neg ? e.value === false : e.value === true;
    case 'and':
      return neg ? e.args.some((a) => may(a, true, st)) : e.args.every((a) => may(a, false, st));
    case 'or':
      return neg ? e.args.every((a) => may(a, true, st)) : e.args.some((a) => may(a, false, st));
    case 'not':
      return may(e.arg, !neg, st);
    case 'isNull':
      return neg ? mayBeNotNull(e.arg, st) : mayBeNull(e.arg, st);
    case 'column':
      return mayCompare(e, '=', !neg, st);
    case 'compare': {
      if (e.right.kind !== 'literal') return true;
      const lit = e.right.value;
      if (e.op === '<=>')
        return neg ? mayBeNull(e.left, st) || mayCompare(e.left, '!=', lit, st) : mayCompare(e.left, '=', lit, st);
      return mayCompare(e.left, neg ? NEGATE[e.op] : e.op, lit, st);
    }
    case 'in':
      if (!neg) return e.values.some((v) => mayCompare(e.arg, '=', v, st));
      return !e.hasNull && mayNotIn(e.arg, e.values, st);
    case 'like':
      return mayLike(e.arg, e.pattern, e.escape, neg, st);
    default:
      return true;
  }
}

interface ColumnStats {
  /** Bounds converted to the compared type (after any cast bind inserted). */
  min: Scalar | undefined;
  max: Scalar | undefined;
  allNull: boolean;
  /** Max is a possibly truncated string: only its first 32 units bound the values. */
  truncatedMax: boolean;
  /** Float column: NaN rows may be hidden from the bounds. */
  float: boolean;
  type: DataType;
}

function statsOf(e: BoundExpr, st: StatsLookup): ColumnStats | undefined {
  const col = e.kind === 'column' ? e : e.kind === 'cast' && e.arg.kind === 'column' ? e.arg : undefined;
  if (!col) return undefined;
  const nc = st.nullCount(col.path);
  const allNull =
    (nc !== undefined && st.numRecords !== undefined && nc >= st.numRecords) || st.allNull?.(col.path) === true;
  let min: Scalar | undefined = st.min(col.path) ?? undefined;
  let max: Scalar | undefined = st.max(col.path) ?? undefined;
  const t = col.type.type;
  const float = t === 'float' || t === 'double';
  if (float) {
    if (typeof min === 'number' && Number.isNaN(min)) min = undefined;
    if (typeof max === 'number' && Number.isNaN(max)) max = undefined;
  }
  let truncatedMax = false;
  if (st.boundsExact?.(col.path) !== true) {
    if ((t === 'timestamp' || t === 'timestamp_ntz') && typeof max === 'bigint') max += TIMESTAMP_MAX_SLACK_MICROS;
    if (t === 'string' && typeof max === 'string' && max.length >= STRING_STATS_PREFIX) truncatedMax = true;
  }
  if (e.kind === 'cast') {
    if (min !== undefined) min = castScalar(min, col.type, e.type);
    if (max !== undefined) max = castScalar(max, col.type, e.type);
  }
  return { min, max, allNull, truncatedMax, float, type: e.type };
}

function mayBeNull(e: BoundExpr, st: StatsLookup): boolean {
  const col = e.kind === 'column' ? e : e.kind === 'cast' && e.arg.kind === 'column' ? e.arg : undefined;
  if (!col) return true;
  const nc = st.nullCount(col.path);
  return nc === undefined || nc > 0 || st.allNull?.(col.path) === true;
}

function mayBeNotNull(e: BoundExpr, st: StatsLookup): boolean {
  const s = statsOf(e, st);
  return !s || !s.allNull;
}

/** May some non-null value v satisfy `v op lit`? */
function mayCompare(e: BoundExpr, op: string, lit: Scalar, st: StatsLookup): boolean {
  if (lit === null) return false;
  const s = statsOf(e, st);
  if (!s) return true;
  if (s.allNull) return false;
  const { min } = s;
  if (typeof lit === 'number' && Number.isNaN(lit)) return op !== '>'; // only `> NaN` is never true
  switch (op) {
    case '<':
      return min === undefined || compareScalars(min, lit) < 0;
    case '<=':
      return min === undefined || compareScalars(min, lit) <= 0;
    case '>':
      return mayReach(s, lit, true, true);
    case '>=':
      return mayReach(s, lit, false, true);
    case '=':
      return (min === undefined || compareScalars(min, lit) <= 0) && mayReach(s, lit, false, false);
    case '!=':
      return !allEqualTo(s, lit);
    default:
      return true;
  }
}

/**
 * May some value be > lit (strict) or >= lit? Uses max, allowing for string truncation and,
 * when the operator accepts NaN rows (`nanMatches`), for NaN hidden from float stats.
 */
function mayReach(s: ColumnStats, lit: Scalar, strict: boolean, nanMatches: boolean): boolean {
  const { max } = s;
  if (max === undefined || (s.float && nanMatches)) return true;
  if (s.truncatedMax) {
    // Values may be anything starting with the 32-unit prefix: all < lit only if lit sorts past that prefix.
    const p = (max as string).slice(0, STRING_STATS_PREFIX);
    const l = lit as string;
    return !(compareStrings(l, p) > 0 && !l.startsWith(p));
  }
  const c = compareScalars(max, lit);
  return strict ? c > 0 : c >= 0;
}

/** Are all non-null values certainly equal to `lit`? (min = max = lit with exact bounds) */
function allEqualTo(s: ColumnStats, lit: Scalar): boolean {
  if (s.min === undefined || s.max === undefined || s.truncatedMax || s.float) return false;
  return compareScalars(s.min, lit) === 0 && compareScalars(s.max, lit) === 0;
}

function mayNotIn(e: BoundExpr, values: readonly Scalar[], st: StatsLookup): boolean {
  const s = statsOf(e, st);
  if (!s) return true;
  if (s.allNull) return false;
  return !values.some((v) => allEqualTo(s, v));
}

function mayLike(e: BoundExpr, pattern: string, escape: string, neg: boolean, st: StatsLookup): boolean {
  const s = statsOf(e, st);
  if (!s) return true;
  if (s.allNull) return false;
  const p = compileLike(pattern, escape);
  if (p.shape === 'exact') return mayCompare(e, neg ? '!=' : '=', p.text, st);
  const { min, max } = s;
  if (neg) {
    // NOT LIKE 'abc%' skips when every value starts with abc: both bounds do (lexicographic interval).
    if (p.shape !== 'prefix' || typeof min !== 'string' || typeof max !== 'string') return true;
    if (s.truncatedMax && p.text.length > STRING_STATS_PREFIX) return true;
    return !(min.startsWith(p.text) && max.startsWith(p.text));
  }
  const lead = p.leading;
  if (lead === '') return true;
  if (!mayReach(s, lead, false, false)) return false; // every value sorts before the prefix
  // Every value sorts after all strings starting with the prefix.
  return !(typeof min === 'string' && compareStrings(min, lead) > 0 && !min.startsWith(lead));
}
