/**
 * The expression engine on real tables from the conformance corpus (Spark / delta-rs
 * writers, decoded by parquet-wasm as the scanner does): row filters agree with the
 * expected rows, and stats skipping from the writers' own `add.stats` is never wrong.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { parseStatsValue } from '../protocol/scalar.js';
import { findField, parseSchemaString } from '../protocol/schema.js';
import type { StructType } from '../protocol/schema.js';
import { bind } from './bind.js';
import { evaluatePredicate } from './eval-arrow.js';
import { mayMatch } from './eval-stats.js';
import type { StatsLookup } from './eval-stats.js';
import { parseExpression } from './parse.js';
import { CORPUS } from '../../../../test/support/corpus.js';

interface TableFile {
  path: string;
  stats?: string;
  data: arrow.Table;
}

/** Schema and data files (with their JSON stats) of a single-commit corpus table. */
function loadTable(name: string): { schema: StructType; files: TableFile[] } {
  const root = join(CORPUS, name);
  const log = join(root, '_delta_log');
  const commits = readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f));
  let schema: StructType | undefined;
  const files: TableFile[] = [];
  for (const c of commits)
    for (const line of readFileSync(join(log, c), 'utf8').split('\n').filter(Boolean)) {
      const action = JSON.parse(line) as {
        metaData?: { schemaString: string };
        add?: { path: string; stats?: string };
      };
      if (action.metaData) schema = parseSchemaString(action.metaData.schemaString);
      if (action.add) {
        const bytes = readFileSync(join(root, decodeURIComponent(action.add.path)));
        const data = arrow.tableFromIPC(readParquet(bytes).intoIPCStream());
        files.push({ path: action.add.path, stats: action.add.stats, data });
      }
    }
  return { schema: schema!, files };
}

/** A StatsLookup over one `add.stats` JSON string, as the scanner builds it. */
function statsLookup(json: string, schema: StructType): StatsLookup {
  const s = JSON.parse(json) as {
    numRecords?: number;
    minValues?: Record<string, unknown>;
    maxValues?: Record<string, unknown>;
    nullCount?: Record<string, unknown>;
  };
  const dig = (o: unknown, path: readonly string[]): unknown =>
    path.reduce<unknown>(
      (cur, p) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined),
      o,
    );
  const bound = (o: unknown, path: readonly string[]) => {
    const f = findField(schema, path);
    return f ? parseStatsValue(dig(o, path), f.type) : undefined;
  };
  return {
    numRecords: s.numRecords,
    min: (p) => bound(s.minValues, p),
    max: (p) => bound(s.maxValues, p),
    nullCount: (p) => {
      const v = dig(s.nullCount, p);
      return typeof v === 'number' ? v : undefined;
    },
  };
}

function countKept(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

/** Values of one column over all files via Arrow's own accessors (an independent reader). */
function column(files: TableFile[], name: string): unknown[] {
  return files.flatMap((f) => [...f.data.getChild(name)!].map((v) => v as unknown));
}

/** Kept values of `key` under `filter`, across all files. */
function keptValues(files: TableFile[], schema: StructType, filter: string, key: string): unknown[] {
  const bound = bind(parseExpression(filter), schema);
  return files.flatMap((f) => {
    const mask = evaluatePredicate(bound, f.data);
    const keys = [...f.data.getChild(key)!];
    return keys.filter((_, i) => mask[i] === 1);
  });
}

describe('row filters on corpus data', () => {
  it('every primitive type (delta-golden/data-reader-primitives)', () => {
    const { schema, files } = loadTable('delta-golden/data-reader-primitives');
    const ints = column(files, 'as_int');
    expect(ints.length).toBe(11);
    const sorted = (xs: unknown[]) => [...xs].map(Number).sort((a, b) => a - b);
    const q = (f: string) => sorted(keptValues(files, schema, f, 'as_int'));
    // Rows hold i in every column (string 'i', binary [i, i], decimal i) plus one all-null row.
    expect(q('as_int > 6')).toEqual([7, 8, 9]);
    expect(q('as_long BETWEEN 2 AND 4')).toEqual([2, 3, 4]);
    expect(q('as_byte IN (1, 5, 42)')).toEqual([1, 5]);
    expect(q('as_short <= 1')).toEqual([0, 1]);
    expect(q('as_boolean')).toEqual([0, 2, 4, 6, 8]);
    expect(q('as_float < 2.5')).toEqual([0, 1, 2]);
    expect(q('as_double >= 8.0')).toEqual([8, 9]);
    expect(q("as_string IN ('1', '7')")).toEqual([1, 7]);
    expect(q("as_string LIKE '9%' OR as_string < '1'")).toEqual([0, 9]);
    expect(q("as_binary = X'0303'")).toEqual([3]);
    expect(q('as_big_decimal = 3 OR as_big_decimal > 8')).toEqual([3, 9]);
    const nulls = bind(parseExpression('as_int IS NULL AND as_string IS NULL AND as_big_decimal IS NULL'), schema);
    expect(files.reduce((n, f) => n + countKept(evaluatePredicate(nulls, f.data)), 0)).toBe(1);
    expect(q('NOT (as_int > 6)')).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('decimals of several precisions (delta-golden/basic-decimal-table)', () => {
    const { schema, files } = loadTable('delta-golden/basic-decimal-table');
    const q = (f: string) => keptValues(files, schema, f, 'col1').map(String).sort();
    // col1 is decimal(5,2): -999.99, 0.00, 1.00 and one more row.
    const all = column(files, 'col1');
    expect(all.length).toBe(4);
    expect(q('col3 = -9999999999.9999999999')).toHaveLength(1);
    expect(q('col1 < 0')).toEqual(q('col3 < 0'));
    expect(q('col2 BETWEEN 0 AND 2')).toHaveLength(2);
    expect(q('col1 = 1')).toHaveLength(1);
    expect(q('col1 >= -999.99')).toHaveLength(4);
    expect(q('col1 > -999.99')).toHaveLength(3);
  });

  it('timestamp_ntz and date columns', () => {
    const ntz = loadTable('delta-golden/data-reader-timestamp_ntz');
    const ids = (f: string) =>
      keptValues(ntz.files, ntz.schema, f, 'id')
        .map(Number)
        .sort((a, b) => a - b);
    expect(ids("tsNtz = '2013-07-05 17:01:00.123456'")).toEqual([1, 4, 7]);
    expect(ids("tsNtz > TIMESTAMP_NTZ '2020-01-01 00:00:00'")).toEqual([0, 3, 6]);
    expect(ids('tsNtz IS NULL')).toEqual([2, 5, 8]);
    const dates = loadTable('delta-rs/delta-0.8.0-date');
    const days = keptValues(dates.files, dates.schema, "date >= '2021-01-03'", 'dayOfYear').map(Number);
    expect(days.length).toBeGreaterThan(0);
    expect(days.every((d) => d >= 3)).toBe(true);
  });

  it('nested struct fields (delta-golden/data-reader-nested-struct)', () => {
    const { schema, files } = loadTable('delta-golden/data-reader-nested-struct');
    const bs = (f: string) =>
      keptValues(files, schema, f, 'b')
        .map(Number)
        .sort((a, b) => a - b);
    const all = bs('TRUE');
    expect(all.length).toBeGreaterThan(0);
    // Each row i has a.ac.aca = i and b = i.
    expect(bs('a.ac.aca > 2')).toEqual(all.filter((b) => b > 2));
    expect(bs('a.ac.acb = 1')).toEqual(all.filter((b) => b === 1));
    expect(bs("a.aa = '3'")).toEqual(all.filter((b) => b === 3));
  });
});

describe('stats skipping on corpus add.stats is never wrong', () => {
  it('COVID-19 (delta-rs): 8 files, dates stored as strings, int counts', () => {
    const { schema, files } = loadTable('delta-rs/COVID-19_NYT');
    expect(files.length).toBe(8);
    const filters = [
      "state = 'Wyoming'",
      "date > '2021-01-01'",
      "date < '2020-03-01'",
      "date BETWEEN '2020-05-01' AND '2020-05-02'",
      'cases > 100000',
      "deaths = 0 AND state LIKE 'New%'",
      "county IN ('Ziebach', 'Abbeville')",
      "county > 'Zz'",
      'fips IS NULL',
      "NOT (date >= '2020-02-01')",
    ];
    let skipped = 0;
    for (const text of filters) {
      const bound = bind(parseExpression(text), schema);
      for (const f of files) {
        const kept = countKept(evaluatePredicate(bound, f.data));
        const may = mayMatch(bound, statsLookup(f.stats!, schema));
        if (!may) {
          skipped++;
          expect(kept, `${text} skipped ${f.path}, which has matching rows`).toBe(0);
        }
      }
    }
    expect(skipped).toBeGreaterThanOrEqual(10);
    // One filter cross-checked against Arrow's own accessors.
    const cases = column(files, 'cases');
    const expected = cases.filter((c) => c !== null && Number(c) > 100000).length;
    const bound = bind(parseExpression('cases > 100000'), schema);
    expect(files.reduce((n, f) => n + countKept(evaluatePredicate(bound, f.data)), 0)).toBe(expected);
  });

  it('all-types stats with a timestamp written in milliseconds and an offset', () => {
    const { schema, files } = loadTable('delta-golden/data-skipping-basic-stats-all-types-checkpoint');
    const withRow = files.find((f) => f.data.numRows === 1)!;
    const st = statsLookup(withRow.stats!, schema);
    const may = (text: string) => mayMatch(bind(parseExpression(text), schema), st);
    const matches = (text: string) =>
      countKept(evaluatePredicate(bind(parseExpression(text), schema), withRow.data)) === 1;
    const cases: [string, boolean][] = [
      ["as_timestamp = '2000-01-01 08:00:00'", true],
      ["as_timestamp = '2000-01-01 00:00:00-08:00'", true],
      ["as_timestamp > '2000-01-01 08:00:00.000999'", false],
      ["as_timestamp < '2000-01-01 08:00:00'", false],
      ["as_date = '2000-01-01'", true],
      ["as_date > DATE '2000-01-01'", false],
      ['as_int = 0 AND as_long = 0 AND as_byte = 0 AND as_short = 0', true],
      ['as_float > 0', false],
      ['as_double < 0', false],
      ["as_string = '0'", true],
      ["as_string > '0'", false],
      ['as_big_decimal != 0', false],
      ['as_int IS NULL', false],
    ];
    for (const [text, expected] of cases) {
      expect(matches(text), `row matches ${text}`).toBe(expected);
      if (expected) expect(may(text), `stats keep ${text}`).toBe(true);
    }
    // Skips that the stats allow (floats never skip on max: NaN may be missing from stats).
    for (const text of [
      "as_timestamp > '2000-01-01 08:00:00.000999'",
      "as_timestamp < '2000-01-01 08:00:00'",
      "as_date > DATE '2000-01-01'",
      'as_double < 0',
      "as_string > '0'",
      'as_big_decimal != 0',
      'as_int IS NULL',
    ])
      expect(may(text), `stats skip ${text}`).toBe(false);
    expect(may('as_float > 0')).toBe(true);
  });
});
