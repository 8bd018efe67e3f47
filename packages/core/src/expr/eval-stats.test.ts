import { describe, expect, it } from 'vitest';
import type { Scalar } from '../protocol/scalar.js';
import { parseDate, parseTimestampMicros } from '../protocol/scalar.js';
import type { DataType, StructType } from '../protocol/schema.js';
import { bind } from './bind.js';
import { mayMatch } from './eval-stats.js';
import type { StatsLookup } from './eval-stats.js';
import { parseExpression } from './parse.js';

const t = (type: string): DataType => ({ type }) as DataType;
const schema: StructType = {
  type: 'struct',
  fields: [
    ['id', t('long')],
    ['n', t('integer')],
    ['x', t('double')],
    ['s', t('string')],
    ['country', t('string')],
    ['d', t('date')],
    ['ts', t('timestamp')],
    ['ntz', t('timestamp_ntz')],
    ['price', { type: 'decimal', precision: 10, scale: 2 } as DataType],
    ['flag', t('boolean')],
    ['other', t('long')],
    ['st', { type: 'struct', fields: [{ name: 'y', type: t('integer'), nullable: true, metadata: {} }] } as DataType],
  ].map(([name, type]) => ({ name: name as string, type: type as DataType, nullable: true, metadata: {} })),
};

interface ColStats {
  min?: Scalar;
  max?: Scalar;
  nulls?: number;
}

function lookup(
  cols: Record<string, ColStats>,
  numRecords?: number,
  extra: Partial<Pick<StatsLookup, 'allNull' | 'boundsExact'>> = {},
): StatsLookup {
  const get = (p: readonly string[]) => cols[p.join('.')];
  return {
    numRecords,
    min: (p) => get(p)?.min ?? undefined,
    max: (p) => get(p)?.max ?? undefined,
    nullCount: (p) => get(p)?.nulls,
    ...extra,
  };
}

const may = (filter: string, st: StatsLookup): boolean => mayMatch(bind(parseExpression(filter), schema), st);

/** Asserts which filters may match and which are skipped for the same stats. */
function check(st: StatsLookup, keep: string[], skip: string[]): void {
  for (const f of keep) expect(may(f, st), `${f} should be kept`).toBe(true);
  for (const f of skip) expect(may(f, st), `${f} should be skipped`).toBe(false);
}

describe('mayMatch on numeric min/max', () => {
  const st = lookup({ id: { min: 10n, max: 20n, nulls: 0 }, n: { min: 1, max: 3, nulls: 2 } }, 100);

  it('range comparisons', () => {
    check(
      st,
      ['id <= 10', 'id >= 20', 'id = 15', 'id = 10', 'id = 20', 'id != 15', 'id > 19', 'id < 11', '25 > id'],
      ['id < 10', 'id > 20', 'id = 5', 'id = 25', 'id >= 21', 'id <= 9', '5 >= id'],
    );
  });

  it('IN, NOT IN, BETWEEN and <=>', () => {
    check(
      st,
      ['id IN (1, 15)', 'id NOT IN (15)', 'id BETWEEN 20 AND 30', 'id <=> 12', 'NOT (id <=> 12)'],
      [
        'id IN (1, 2, 30)',
        'id BETWEEN 21 AND 30',
        'id BETWEEN 0 AND 9',
        'id <=> 5',
        'id IN (NULL)',
        'id NOT IN (1, NULL)',
      ],
    );
    const single = lookup({ id: { min: 15n, max: 15n, nulls: 0 } }, 10);
    check(
      single,
      ['id != 16', 'id NOT IN (16)', 'id NOT IN (14, 16)'],
      ['id != 15', 'id NOT IN (14, 15)', 'NOT (id <=> 15)'],
    );
    // With nulls present, NOT (id <=> 15) is true for the null rows.
    check(lookup({ id: { min: 15n, max: 15n, nulls: 1 } }, 10), ['NOT (id <=> 15)'], ['id != 15']);
  });

  it('pushes NOT down through AND/OR and comparisons', () => {
    check(
      st,
      ['NOT (id < 15)', 'NOT (id > 15 AND id < 18)', 'NOT (id = 12)'],
      [
        'NOT (id < 25)',
        'NOT (id >= 10)',
        'NOT (id > 5 AND id < 30)',
        'NOT (id >= 0 OR other = 1)',
        'NOT NOT (id > 20)',
      ],
    );
  });

  it('combines AND (all may) and OR (any may); unknown stats never skip', () => {
    check(
      st,
      ['id > 15 OR other = 1', 'other = 1', 'other IS NULL', 'st.y = 1', 'id + 1 > 100', 'id = other'],
      ['id > 25 AND other = 1', 'id > 25 OR id < 5', 'FALSE', 'NULL', 'id = NULL'],
    );
  });

  it('IS NULL / IS NOT NULL from null counts', () => {
    check(st, ['n IS NULL', 'id IS NOT NULL'], ['id IS NULL', 'NOT (n IS NOT NULL) AND id IS NULL']);
    const allNull = lookup({ id: { nulls: 5 } }, 5);
    check(
      allNull,
      ['id IS NULL'],
      ['id IS NOT NULL', 'id = 1', 'id != 1', 'NOT (id = 1)', 'id IN (1)', 'id NOT IN (1)'],
    );
    // Without numRecords an all-null column can still be declared (null partition value).
    const nullPartition = lookup({}, undefined, { allNull: (p) => p[0] === 'country' });
    check(nullPartition, ['country IS NULL', 'id = 1'], ["country = 'NZ'", 'country IS NOT NULL', "country LIKE 'N%'"]);
  });

  it('widens the column for mixed types (int vs decimal literal, date vs timestamp)', () => {
    check(st, ['n > 2.5', 'n < 1.5', 'n = 3.0'], ['n > 3.5', 'n < 0.5', 'n = 2.5'.replace('2.5', '3.01')]);
    const dates = lookup({ d: { min: parseDate('2024-01-01'), max: parseDate('2024-01-31'), nulls: 0 } }, 10);
    check(
      dates,
      ["d >= '2024-01-31'", "d < TIMESTAMP '2024-01-01 00:00:01'"],
      ["d > '2024-01-31'", "d > TIMESTAMP '2024-01-31 00:00:01'", "d < TIMESTAMP '2024-01-01 00:00:00'"],
    );
  });

  it('decimal stats are unscaled at the column scale', () => {
    const dec = lookup({ price: { min: 100n, max: 500n, nulls: 0 } }, 10);
    check(
      dec,
      ['price >= 5', 'price > 4.999', 'price = 1', "price IN (0.5, '2.50')"],
      ['price > 5', 'price >= 5.001', 'price < 1', 'price IN (0.5, 6)'],
    );
  });

  it('booleans as predicates', () => {
    const f = lookup({ flag: { min: false, max: false, nulls: 0 } }, 10);
    check(f, ['NOT flag', 'flag = false'], ['flag', 'flag = true']);
  });

  it('does not trust stats of the wrong kind', () => {
    check(lookup({ id: { min: 'ten', max: 'twenty', nulls: 0 } }, 10), ['id = 1', 'id > 100'], []);
  });
});

describe('mayMatch edge cases of Delta statistics', () => {
  it('NaN: float bounds may leave NaN rows out, so ops NaN satisfies never skip on max', () => {
    const st = lookup({ x: { min: 1, max: 5, nulls: 0 } }, 10);
    check(
      st,
      ['x > 10', 'x >= 10', "x = 'NaN'", "x >= 'NaN'", 'x != 3', "x < 'NaN'"],
      ['x < 0', 'x <= 0.5', 'x = 10', 'x IN (7, 8)', "x > 'NaN'"],
    );
    check(lookup({ x: { min: 3, max: 3, nulls: 0 } }, 10), ['x != 3', 'x NOT IN (3)'], []);
    // A NaN bound (Spark orders NaN last, so max = NaN when any row is NaN) carries no information.
    check(lookup({ x: { min: NaN, max: NaN, nulls: 0 } }, 10), ['x < 0', 'x = 1', 'x > 100'], []);
    check(lookup({ x: { min: 1, max: NaN, nulls: 0 } }, 10), ['x = 100'], ['x < 0']);
  });

  it('strings: a max of 32+ characters bounds values only by its prefix', () => {
    const p32 = 'a'.repeat(32);
    // Writer that truncates max without a tie-breaker: real values can be longer than the stat.
    const prefixOnly = lookup({ s: { min: 'a', max: p32, nulls: 0 } }, 10);
    check(
      prefixOnly,
      [`s = '${p32}xyz'`, `s > '${p32}'`, `s >= '${p32}zzz'`, `s LIKE '${p32}b%'`, `s IN ('${'a'.repeat(40)}')`],
      ["s > 'b'", `s >= '${'a'.repeat(31)}b'`, "s = 'b'", "s LIKE 'b%'", "s < 'a'"],
    );
    // Spark-style: 32-character prefix plus a tie-breaker character.
    const tieBreak = lookup({ s: { min: 'a', max: `${p32}\ufffd`, nulls: 0 } }, 10);
    check(tieBreak, [`s = '${p32}\u{1F600}'`, `s > '${p32}\uffff'`], ["s > 'b'", "s = 'ab'".replace('ab', 'b')]);
    // Short max strings are exact.
    const short = lookup({ s: { min: 'abc', max: 'abd', nulls: 0 } }, 10);
    check(
      short,
      ["s = 'abc'", "s >= 'abd'", "s LIKE 'ab%'", "s LIKE 'abd%'", "s LIKE '%zz'"],
      ["s > 'abd'", "s = 'abda'", "s LIKE 'abe%'", "s LIKE 'b%'", "s LIKE 'abb%'"],
    );
    // With exact bounds (e.g. partition values) the long max is trusted.
    const exact = lookup({ s: { min: 'a', max: p32, nulls: 0 } }, 10, { boundsExact: () => true });
    check(exact, [`s = '${p32}'`], [`s = '${p32}xyz'`, `s > '${p32}'`]);
  });

  it('strings compare in code point order (UTF-8 byte order), not UTF-16 order', () => {
    // U+FF5E sorts below U+1F600 as code points but above it as UTF-16 units.
    const st = lookup({ s: { min: '\uff5e', max: '\u{1F600}', nulls: 0 } }, 10);
    check(st, ["s = '\u{1F600}'", "s > '\uff5e'"], ["s > '\u{1F600}'", "s < '\uff5e'"]);
  });

  it('LIKE: leading literal prefix against the bounds; NOT LIKE when every value has the prefix', () => {
    const st = lookup({ s: { min: 'cab', max: 'cat', nulls: 0 } }, 10);
    check(
      st,
      ["s LIKE 'ca%'", "s LIKE 'cat%'", "s LIKE 'c_t%'", "s LIKE '%z'", "s NOT LIKE 'cab%'", "s NOT LIKE 'c_%'"],
      ["s LIKE 'b%'", "s LIKE 'cb%'", "s LIKE 'caz%'", "s NOT LIKE 'ca%'", "s NOT LIKE 'c%'", "s LIKE 'x'"],
    );
  });

  it('timestamps: stats are milliseconds, so max is widened by 999 µs', () => {
    const ms = (s: string) => parseTimestampMicros(s, true);
    const st = lookup(
      { ts: { min: ms('2024-01-01T00:00:00.000Z'), max: ms('2024-01-01T00:00:00.123Z'), nulls: 0 } },
      10,
    );
    check(
      st,
      ["ts > '2024-01-01 00:00:00.123500'", "ts = '2024-01-01 00:00:00.123999'", "ts >= '2024-01-01T00:00:00.123999Z'"],
      ["ts > '2024-01-01 00:00:00.123999'", "ts >= '2024-01-01 00:00:00.124'", "ts < '2024-01-01 00:00:00'"],
    );
    const ntz = lookup({ ntz: { min: 0n, max: 5_000n, nulls: 0 } }, 10);
    check(ntz, ["ntz = '1970-01-01 00:00:00.005999'"], ["ntz > '1970-01-01 00:00:00.005999'"]);
    const exact = lookup({ ts: { min: 0n, max: 5_000n, nulls: 0 } }, 10, { boundsExact: () => true });
    check(exact, ["ts = '1970-01-01 00:00:00.005'"], ["ts > '1970-01-01 00:00:00.005'"]);
  });

  it('partition values: min = max = value with exact bounds', () => {
    const part = lookup({ country: { min: 'NZ', max: 'NZ', nulls: 0 } }, undefined, { boundsExact: () => true });
    check(
      part,
      ["country = 'NZ'", "country IN ('AU', 'NZ')", "country LIKE 'N%'", "country != 'AU'", 'country IS NOT NULL'],
      [
        "country = 'AU'",
        "country != 'NZ'",
        "country NOT IN ('NZ')",
        "country NOT LIKE 'N%'",
        'country IS NULL',
        "country > 'NZ'",
      ],
    );
  });

  it('an empty file (numRecords 0) matches nothing that needs a value', () => {
    check(lookup({ id: { nulls: 0 } }, 0), [], ['id = 1', 'id > 1', 'id NOT IN (1)']);
  });
});
