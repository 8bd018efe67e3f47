/**
 * Compares an add's recorded stats with the data, computed independently by DuckDB
 * (`count(*)`, `min`, `max`, `count(*) - count(col)` per column).
 * Allowances (appendix "Per-file Statistics"): strings may be truncated to the stats prefix length
 * (default 32) with a one-character tie-breaker appended to the max; timestamps are kept at
 * millisecond precision, so a bound may differ from the true value by less than 1 ms
 * (min rounded down, max rounded either way). With tightBounds=false bounds only need to hold.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PrimitiveName } from './delta-schema.js';
import { sqlIdent, sqlString } from './deps.js';
import { show } from './json.js';
import { pathKey, type ColumnMap } from './parquet-schema.js';
import type { Problems } from './problems.js';
import type { FileStats, LeafStats } from './stats.js';
import { codePointLength, compareCodePoints, parseDateDays, parseTimestampMicros } from './values.js';

export interface DataStatsInput {
  file: string;
  stats: FileStats;
  leaves: LeafStats[];
  columns: ColumnMap;
  /** Row count from the Parquet footer (read by hyparquet). */
  footerRows: number;
  stringPrefixLength: number;
  where: string;
}

/** Runs one aggregate query over the file and reports every stat that does not match the data. */
export async function compareStatsWithData(
  conn: DuckDBConnection,
  input: DataStatsInput,
  problems: Problems,
): Promise<void> {
  const { stats, where } = input;
  const exprs = ['CAST(count(*) AS VARCHAR)'];
  const slots: { leaf: LeafStats; nulls?: number; min?: number; max?: number }[] = [];
  for (const leaf of input.leaves) {
    const filePath = input.columns.get(pathKey(leaf.path));
    const at = leaf.path.join('.');
    if (!filePath) {
      // Column absent from the file: every value is null.
      if (
        leaf.nullCount !== undefined &&
        stats.numRecords !== undefined &&
        leaf.nullCount !== stats.numRecords &&
        stats.tightBounds
      ) {
        problems.error(
          where,
          `stats.nullCount.${at} = ${show(leaf.nullCount)}, but the column is absent from the file (all ${stats.numRecords} values are null)`,
        );
      }
      continue;
    }
    const col = filePath
      .slice(1)
      .reduce((e, name) => `struct_extract(${e}, ${sqlString(name)})`, sqlIdent(filePath[0]));
    const slot: (typeof slots)[number] = { leaf };
    if (leaf.nullCount !== undefined) slot.nulls = exprs.push(`CAST(count(*) - count(${col}) AS VARCHAR)`) - 1;
    const prim = leaf.type.kind === 'primitive' ? leaf.type.name : undefined;
    if (prim && prim !== 'binary' && prim !== 'variant') {
      if (leaf.min !== undefined && leaf.min !== null) slot.min = exprs.push(aggregate('min', col, prim)) - 1;
      if (leaf.max !== undefined && leaf.max !== null) slot.max = exprs.push(aggregate('max', col, prim)) - 1;
    }
    slots.push(slot);
  }
  let row: (string | null)[];
  try {
    const reader = await conn.runAndReadAll(`SELECT ${exprs.join(', ')} FROM read_parquet(${sqlString(input.file)})`);
    row = reader.getRows()[0] as (string | null)[];
  } catch (e) {
    problems.error(where, `DuckDB cannot read the data file: ${(e as Error).message.split('\n')[0]}`);
    return;
  }
  const count = Number(row[0]);
  if (count !== input.footerRows)
    problems.error(where, `DuckDB counts ${count} rows but the Parquet footer says ${input.footerRows}`);
  for (const slot of slots) {
    const at = slot.leaf.path.join('.');
    const type = slot.leaf.type.kind === 'primitive' ? slot.leaf.type.name : undefined;
    if (slot.nulls !== undefined) {
      const actual = Number(row[slot.nulls]);
      const recorded = slot.leaf.nullCount as number;
      const ok = stats.tightBounds
        ? recorded === actual
        : (recorded !== 0 || actual === 0) && (recorded !== count || actual === count);
      if (!ok) problems.error(where, `stats.nullCount.${at} = ${recorded}, but the file has ${actual} nulls`);
    }
    if (!type) continue;
    if (slot.min !== undefined) {
      const p = boundProblem('min', slot.leaf.min, row[slot.min], type, stats.tightBounds, input.stringPrefixLength);
      if (p)
        problems.error(
          where,
          `stats.minValues.${at} = ${show(slot.leaf.min)}, but the true minimum is ${show(shownTruth(row[slot.min], type))}: ${p}`,
        );
    }
    if (slot.max !== undefined) {
      const p = boundProblem('max', slot.leaf.max, row[slot.max], type, stats.tightBounds, input.stringPrefixLength);
      if (p)
        problems.error(
          where,
          `stats.maxValues.${at} = ${show(slot.leaf.max)}, but the true maximum is ${show(shownTruth(row[slot.max], type))}: ${p}`,
        );
    }
  }
}

function aggregate(fn: 'min' | 'max', col: string, t: PrimitiveName): string {
  if (t === 'timestamp' || t === 'timestamp_ntz') return `CAST(epoch_us(${fn}(${col})) AS VARCHAR)`;
  if (t === 'date') return `CAST(${fn}(${col}) - DATE '1970-01-01' AS VARCHAR)`;
  return `CAST(${fn}(${col}) AS VARCHAR)`;
}

function shownTruth(truth: string | null, t: PrimitiveName): unknown {
  if (truth === null) return null;
  if (t === 'timestamp' || t === 'timestamp_ntz') {
    const us = BigInt(truth);
    const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
    const frac = String(((us % 1000000n) + 1000000n) % 1000000n).padStart(6, '0');
    return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${frac}`;
  }
  if (t === 'date') return new Date(Number(truth) * 86_400_000).toISOString().slice(0, 10);
  return truth;
}

/** Why a recorded bound is wrong for the true value, or undefined when acceptable. */
function boundProblem(
  kind: 'min' | 'max',
  recorded: unknown,
  truth: string | null,
  t: PrimitiveName,
  tight: boolean,
  prefixLen: number,
): string | undefined {
  if (truth === null) return undefined; // all values null: the bound carries no information
  const c = compareTo(recorded, truth, t);
  if (c === undefined) return undefined; // NaN involved: Spark and DuckDB order NaN differently
  if (kind === 'min' && c > 0) return 'the minimum must be <= every value';
  if (kind === 'max' && c < 0 && !(t === 'timestamp' || t === 'timestamp_ntz'))
    return 'the maximum must be >= every value';
  if (t === 'timestamp' || t === 'timestamp_ntz') {
    const diff = parseTimestampMicros(recorded as string)! - BigInt(truth);
    if (kind === 'max' && diff <= -1000n)
      return 'the maximum may be below the data by less than 1 ms only (millisecond truncation)';
    if (kind === 'max' && tight && diff >= 1000n) return 'a tight maximum may exceed the data by less than 1 ms only';
    if (kind === 'min' && tight && diff <= -1000n)
      return 'a tight minimum may be below the data by less than 1 ms only (millisecond truncation)';
    return undefined;
  }
  if (!tight || c === 0) return undefined;
  if (t === 'string') {
    const r = recorded as string;
    if (kind === 'min' && truth.startsWith(r) && codePointLength(r) >= prefixLen) return undefined;
    if (kind === 'max' && truncatedMaxOk(r, truth, prefixLen)) return undefined;
    return `a tight bound must equal the data (strings may only be cut to ${prefixLen} characters, max + one tie-breaker character)`;
  }
  return 'a tight bound must equal the data';
}

/**
 * max = (prefix of the true max) + one tie-breaker code point, where the prefix has at least
 * prefixLen code points or (Spark's rule) prefixLen UTF-16 units.
 */
function truncatedMaxOk(recorded: string, truth: string, prefixLen: number): boolean {
  const r = [...recorded];
  const prefix = r.slice(0, -1).join('');
  return (r.length - 1 >= prefixLen || prefix.length >= prefixLen) && truth.startsWith(prefix);
}

/** Sign of recorded - truth in the column's order, undefined when incomparable (NaN). */
function compareTo(recorded: unknown, truth: string, t: PrimitiveName): number | undefined {
  switch (t) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      const r = recorded as number;
      if (Number.isSafeInteger(r)) return sign(BigInt(r) - BigInt(truth));
      return sign(r - Number(truth));
    }
    case 'float':
    case 'double': {
      const r = typeof recorded === 'number' ? recorded : Number(recorded);
      const x = Number(truth === 'inf' ? 'Infinity' : truth === '-inf' ? '-Infinity' : truth);
      if (Number.isNaN(r) || Number.isNaN(x)) return undefined;
      return t === 'float' ? sign(Math.fround(r) - Math.fround(x)) : sign(r - x);
    }
    case 'decimal': {
      const r = Number(recorded);
      const x = Number(truth);
      return Math.abs(r - x) <= 1e-12 * Math.max(1, Math.abs(x)) ? 0 : sign(r - x);
    }
    case 'date':
      return sign(parseDateDays(recorded as string)! - Number(truth));
    case 'timestamp':
    case 'timestamp_ntz':
      return sign(parseTimestampMicros(recorded as string)! - BigInt(truth));
    case 'boolean':
      return sign(Number(recorded) - Number(truth === 'true'));
    case 'string':
      return compareCodePoints(recorded as string, truth);
    default:
      return undefined;
  }
}

function sign(x: number | bigint): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}
