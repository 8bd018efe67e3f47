import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../errors.js';
import { parseDate } from '../protocol/scalar.js';
import type { DataType, StructField, StructType } from '../protocol/schema.js';
import { segments } from './arrow-access.js';
import type { ColumnChunk } from './arrow-access.js';
import { bind } from './bind.js';
import type { Expr } from './ast.js';
import { col } from './builder.js';
import { evaluatePredicate } from './eval-arrow.js';
import { parseExpression } from './parse.js';

// ---- batch building helpers -------------------------------------------------------------

const field = (name: string, type: DataType): StructField => ({ name, type, nullable: true, metadata: {} });
const t = (type: string): DataType => ({ type }) as DataType;

function bitmap(valid: boolean[]): Uint8Array {
  const bm = new Uint8Array((valid.length + 7) >> 3);
  valid.forEach((v, i) => {
    if (v) bm[i >> 3] |= 1 << (i & 7);
  });
  return bm;
}

/** Fixed-width Data from raw values (null entries become invalid rows holding 0). */
function fixedData(
  type: arrow.DataType,
  values: (number | bigint | null)[],
  make: (n: number) => ArrayBufferView & { [i: number]: number | bigint },
  zero: number | bigint,
): arrow.Data {
  const data = make(values.length);
  values.forEach((v, i) => (data[i] = v ?? zero));
  return arrow.makeData({
    type,
    length: values.length,
    nullCount: values.filter((v) => v === null).length,
    nullBitmap: bitmap(values.map((v) => v !== null)),
    data,
  } as never) as arrow.Data;
}

const dateData = (days: (number | null)[]) => fixedData(new arrow.DateDay(), days, (n) => new Int32Array(n), 0);
const tsData = (micros: (bigint | null)[], tz: string | null) =>
  fixedData(new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, tz), micros, (n) => new BigInt64Array(n), 0n);

function decimalData(unscaled: (bigint | null)[], precision: number, scale: number): arrow.Data {
  const words = new Uint32Array(unscaled.length * 4);
  unscaled.forEach((v, i) => {
    let x = BigInt.asUintN(128, v ?? 0n);
    for (let k = 0; k < 4; k++) {
      words[i * 4 + k] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  });
  return arrow.makeData({
    type: new arrow.Decimal(scale, precision, 128),
    length: unscaled.length,
    nullCount: unscaled.filter((v) => v === null).length,
    nullBitmap: bitmap(unscaled.map((v) => v !== null)),
    data: words,
  });
}

const vec = (values: unknown[], type: arrow.DataType): arrow.Data => arrow.vectorFromArray(values, type).data[0];

function batchOf(columns: Record<string, arrow.Data>): arrow.RecordBatch {
  return new arrow.RecordBatch(columns);
}

/** Indices of kept rows. */
function kept(mask: Uint8Array): number[] {
  const out: number[] = [];
  mask.forEach((m, i) => {
    if (m === 1) out.push(i);
    else if (m !== 0) throw new Error(`mask holds ${m} at row ${i}`);
  });
  return out;
}

function run(filter: string | Expr, batch: arrow.RecordBatch | arrow.Table, schema: StructType): number[] {
  const e = typeof filter === 'string' ? parseExpression(filter) : filter;
  return kept(evaluatePredicate(bind(e, schema), batch));
}

// ---- one batch with every primitive type --------------------------------------------------

const schema: StructType = {
  type: 'struct',
  fields: [
    field('l', t('long')),
    field('i', t('integer')),
    field('s', t('short')),
    field('b', t('byte')),
    field('f', t('float')),
    field('x', t('double')),
    field('flag', t('boolean')),
    field('str', t('string')),
    field('bin', t('binary')),
    field('d', t('date')),
    field('ts', t('timestamp')),
    field('ntz', t('timestamp_ntz')),
    field('dec', { type: 'decimal', precision: 38, scale: 2 }),
  ],
};

const D = (s: string) => parseDate(s);
const US = (s: string) => BigInt(Date.parse(s)) * 1000n;

//            row:   0        1       2      3              4              5
const all = batchOf({
  l: vec([1n, null, 3n, -5n, 2n ** 40n, -(2n ** 63n)], new arrow.Int64()),
  i: vec([1, null, 3, -5, 2147483647, -2147483648], new arrow.Int32()),
  s: vec([1, null, 3, -5, 32767, -32768], new arrow.Int16()),
  b: vec([1, null, 3, -5, 127, -128], new arrow.Int8()),
  f: vec([1.5, null, NaN, -5, Infinity, 0.1], new arrow.Float32()),
  x: vec([1.5, null, NaN, -5, Infinity, 0.1], new arrow.Float64()),
  flag: vec([true, null, false, true, false, true], new arrow.Bool()),
  str: vec(['a', null, 'é', '😀', '', 'ab'], new arrow.Utf8()),
  bin: vec(
    [Uint8Array.of(1), null, Uint8Array.of(255), Uint8Array.of(), Uint8Array.of(1, 0), Uint8Array.of(0)],
    new arrow.Binary(),
  ),
  d: dateData([D('2024-01-01'), null, D('2024-01-03'), D('1969-12-31'), D('2024-01-02'), D('0001-01-01')]),
  ts: tsData(
    [US('2024-01-01T00:00:00Z') + 1n, null, US('2024-01-01T00:00:00Z'), -1n, US('2262-01-01T00:00:00Z'), 0n],
    'UTC',
  ),
  ntz: tsData([US('2024-01-01T10:00:00Z'), null, 0n, -1_000_000n, 5n, 6n], null),
  dec: decimalData([12345n, null, -1n, 10n ** 30n, -(10n ** 30n), 0n], 38, 2),
});

describe('evaluatePredicate on every Delta type', () => {
  it('long (Int64): all operators, nulls never kept, 64-bit extremes', () => {
    expect(run('l > 2', all, schema)).toEqual([2, 4]);
    expect(run('l >= 3', all, schema)).toEqual([2, 4]);
    expect(run('l < 1', all, schema)).toEqual([3, 5]);
    expect(run('l <= 1', all, schema)).toEqual([0, 3, 5]);
    expect(run('l = 1099511627776', all, schema)).toEqual([4]);
    expect(run('l != 3', all, schema)).toEqual([0, 3, 4, 5]);
    expect(run('l = -9223372036854775808', all, schema)).toEqual([5]);
    expect(run('l <=> 3', all, schema)).toEqual([2]);
    expect(run('NOT (l <=> 3)', all, schema)).toEqual([0, 1, 3, 4, 5]);
    expect(run('NOT (l > 2)', all, schema)).toEqual([0, 3, 5]);
    expect(run('l IN (3, -5, 7)', all, schema)).toEqual([2, 3]);
    expect(run('l NOT IN (3, -5)', all, schema)).toEqual([0, 4, 5]);
    expect(run('l BETWEEN -5 AND 3', all, schema)).toEqual([0, 2, 3]);
    expect(run('l IS NULL', all, schema)).toEqual([1]);
    expect(run('l IS NOT NULL', all, schema)).toEqual([0, 2, 3, 4, 5]);
    expect(run('l > 2.5', all, schema)).toEqual([2, 4]); // decimal widening path
    expect(run(col('l').gt(2.5), all, schema)).toEqual([2, 4]); // double widening path
  });

  it('integer, short and byte', () => {
    for (const c of ['i', 's', 'b']) {
      expect(run(`${c} > 2`, all, schema)).toEqual([2, 4]);
      expect(run(`${c} < 0`, all, schema)).toEqual([3, 5]);
      expect(run(`${c} = 1`, all, schema)).toEqual([0]);
      expect(run(`${c} IN (1, 3, 99)`, all, schema)).toEqual([0, 2]);
      expect(run(`${c} NOT IN (1, 3)`, all, schema)).toEqual([3, 4, 5]);
      expect(run(`${c} > 1.5`, all, schema)).toEqual([2, 4]);
      expect(run(`${c} != 3`, all, schema)).toEqual([0, 3, 4, 5]);
    }
    expect(run('b < 1000', all, schema)).toEqual([0, 2, 3, 4, 5]); // byte widened to integer
    expect(run('i = 2147483647', all, schema)).toEqual([4]);
    expect(run('i < 3000000000', all, schema)).toEqual([0, 2, 3, 4, 5]); // widened to long
  });

  it('float and double: NaN is above every number and equal to itself', () => {
    for (const c of ['f', 'x']) {
      expect(run(`${c} > 1`, all, schema)).toEqual([0, 2, 4]);
      expect(run(`${c} < 1`, all, schema)).toEqual([3, 5]);
      expect(run(`${c} = 'NaN'`, all, schema)).toEqual([2]);
      expect(run(`${c} != 'NaN'`, all, schema)).toEqual([0, 3, 4, 5]);
      expect(run(`${c} < 'NaN'`, all, schema)).toEqual([0, 3, 4, 5]);
      expect(run(`${c} >= 'Infinity'`, all, schema)).toEqual([2, 4]);
      expect(run(`${c} IN ('NaN', -5)`, all, schema)).toEqual([2, 3]);
      expect(run(`${c} IS NULL`, all, schema)).toEqual([1]);
    }
    // 0.1 as float32 is 0.100000001490116..., above the double 0.1 (Spark compares as double).
    expect(run('f > 0.1', all, schema)).toEqual([0, 2, 4, 5]);
    expect(run('x > 0.1', all, schema)).toEqual([0, 2, 4]);
    expect(run('x = 0.1', all, schema)).toEqual([5]);
  });

  it('boolean: as a predicate, compared, negated', () => {
    expect(run('flag', all, schema)).toEqual([0, 3, 5]);
    expect(run('NOT flag', all, schema)).toEqual([2, 4]);
    expect(run('flag = false', all, schema)).toEqual([2, 4]);
    expect(run('flag != true', all, schema)).toEqual([2, 4]);
    expect(run('flag IN (false)', all, schema)).toEqual([2, 4]);
    expect(run('flag IS NULL', all, schema)).toEqual([1]);
  });

  it('string: code point order, multibyte, LIKE shapes', () => {
    expect(run("str > 'a'", all, schema)).toEqual([2, 3, 5]);
    expect(run("str < 'a'", all, schema)).toEqual([4]);
    expect(run("str > 'é'", all, schema)).toEqual([3]); // U+1F600 sorts after U+00E9
    expect(run("str = ''", all, schema)).toEqual([4]);
    expect(run("str IN ('a', '😀', 'zz')", all, schema)).toEqual([0, 3]);
    expect(run("str NOT IN ('a')", all, schema)).toEqual([2, 3, 4, 5]);
    expect(run("str LIKE 'a%'", all, schema)).toEqual([0, 5]);
    expect(run("str LIKE '%b'", all, schema)).toEqual([5]);
    expect(run("str LIKE '%'", all, schema)).toEqual([0, 2, 3, 4, 5]);
    expect(run("str LIKE '_'", all, schema)).toEqual([0, 2, 3]); // one character, even if multibyte
    expect(run("str LIKE '%😀%'", all, schema)).toEqual([3]);
    expect(run("str LIKE 'a_'", all, schema)).toEqual([5]);
    expect(run("str NOT LIKE 'a%'", all, schema)).toEqual([2, 3, 4]);
    expect(run("str LIKE 'é'", all, schema)).toEqual([2]);
    expect(run(col('str').startsWith('a'), all, schema)).toEqual([0, 5]);
  });

  it('binary: unsigned byte order', () => {
    expect(run("bin > X'01'", all, schema)).toEqual([2, 4]);
    expect(run("bin < X'01'", all, schema)).toEqual([3, 5]);
    expect(run("bin = X''", all, schema)).toEqual([3]);
    expect(run("bin IN (X'0100', X'00')", all, schema)).toEqual([4, 5]);
  });

  it('date, including dates before 1970 and against timestamps', () => {
    expect(run("d >= '2024-01-02'", all, schema)).toEqual([2, 4]);
    expect(run("d < DATE '1970-01-01'", all, schema)).toEqual([3, 5]);
    expect(run("d IN ('2024-01-01', '2024-01-03')", all, schema)).toEqual([0, 2]);
    expect(run("d BETWEEN '2024-01-01' AND '2024-01-02'", all, schema)).toEqual([0, 4]);
    expect(run("d > TIMESTAMP '2024-01-01 12:00:00'", all, schema)).toEqual([2, 4]);
  });

  it('timestamp and timestamp_ntz in microseconds', () => {
    expect(run("ts > '2024-01-01 00:00:00'", all, schema)).toEqual([0, 4]);
    expect(run("ts = TIMESTAMP '2024-01-01T02:00:00+02:00'", all, schema)).toEqual([2]);
    expect(run("ts < '1970-01-01'", all, schema)).toEqual([3]);
    expect(run("ts <= '1970-01-01'", all, schema)).toEqual([3, 5]);
    expect(run(col('ts').ge(new Date('2262-01-01T00:00:00Z')), all, schema)).toEqual([4]);
    expect(run("ntz = '2024-01-01 10:00:00'", all, schema)).toEqual([0]);
    expect(run("ntz < TIMESTAMP_NTZ '1970-01-01 00:00:00'", all, schema)).toEqual([3]);
    expect(run('ntz IN (5, 6)'.replace('5, 6', "'1970-01-01 00:00:00.000005'"), all, schema)).toEqual([4]);
  });

  it('decimal(38,2): 128-bit values, both signs, rescaled literals', () => {
    expect(run('dec > 0', all, schema)).toEqual([0, 3]);
    expect(run('dec = 123.45', all, schema)).toEqual([0]);
    expect(run("dec = '-0.01'", all, schema)).toEqual([2]);
    expect(run('dec < -1000000', all, schema)).toEqual([4]);
    expect(run('dec >= 10000000000000000000000000000', all, schema)).toEqual([3]);
    expect(run('dec BETWEEN -0.01 AND 123.45', all, schema)).toEqual([0, 2, 5]);
    expect(run('dec > 123.449', all, schema)).toEqual([0, 3]); // scale 3 literal: generic path
    expect(run('dec IN (123.45, 0)', all, schema)).toEqual([0, 5]);
    expect(run('dec * 2 > 200', all, schema)).toEqual([0, 3]);
  });
});

// ---- logic, nesting, layouts ----------------------------------------------------------------

const abSchema: StructType = { type: 'struct', fields: [field('a', t('integer')), field('b', t('integer'))] };
// All nine combinations of (true/false/null) for a > 0 and b > 0.
const ab = batchOf({
  a: vec([1, 1, 1, -1, -1, -1, null, null, null], new arrow.Int32()),
  b: vec([1, -1, null, 1, -1, null, 1, -1, null], new arrow.Int32()),
});

describe('three-valued logic', () => {
  it('AND, OR and NOT follow Kleene logic; only TRUE is kept', () => {
    expect(run('a > 0 AND b > 0', ab, abSchema)).toEqual([0]);
    expect(run('a > 0 OR b > 0', ab, abSchema)).toEqual([0, 1, 2, 3, 6]);
    expect(run('NOT (a > 0 AND b > 0)', ab, abSchema)).toEqual([1, 3, 4, 5, 7]);
    expect(run('NOT (a > 0 OR b > 0)', ab, abSchema)).toEqual([4]);
    expect(run('NOT NOT (a > 0)', ab, abSchema)).toEqual([0, 1, 2]);
    expect(run('a > 0 OR b IS NULL', ab, abSchema)).toEqual([0, 1, 2, 5, 8]);
    expect(run('a <=> b', ab, abSchema)).toEqual([0, 4, 8]);
    expect(run('a = b', ab, abSchema)).toEqual([0, 4]);
    expect(run('a < b', ab, abSchema)).toEqual([3]);
  });

  it('IN with a NULL member is never FALSE, so NOT IN keeps nothing', () => {
    expect(run('a IN (1, NULL)', ab, abSchema)).toEqual([0, 1, 2]);
    expect(run('a NOT IN (1, NULL)', ab, abSchema)).toEqual([]);
    expect(run('NOT (a IN (1, NULL)) OR b = 1', ab, abSchema)).toEqual([0, 3, 6]);
  });

  it('constant predicates', () => {
    expect(run('TRUE', ab, abSchema)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run('NULL', ab, abSchema)).toEqual([]);
    expect(run('NOT (1 = 2)', ab, abSchema)).toHaveLength(9);
    expect(run('a = NULL', ab, abSchema)).toEqual([]);
    expect(run('NOT (a = NULL)', ab, abSchema)).toEqual([]);
  });

  it('arithmetic: NULL operands and division by zero give NULL', () => {
    expect(run('a + b > 0', ab, abSchema)).toEqual([0]);
    expect(run('a * b < 0', ab, abSchema)).toEqual([1, 3]);
    expect(run('a / (b + 1) > 0', ab, abSchema)).toEqual([0]); // row 1 divides by zero -> NULL
    expect(run('(a / (b + 1)) IS NULL', ab, abSchema)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    expect(run('-a = 1', ab, abSchema)).toEqual([3, 4, 5]);
  });
});

describe('nested, sliced, chunked and dictionary data', () => {
  const nestedSchema: StructType = {
    type: 'struct',
    fields: [
      field('id', t('long')),
      field('addr', { type: 'struct', fields: [field('city', t('string')), field('zip', t('integer'))] }),
    ],
  };
  // Row 1 has a null struct whose children still hold values: they must read as null.
  const city = vec(['Auckland', 'Wellington', null, 'Nelson'], new arrow.Utf8());
  const zip = vec([1010, 6011, 7010, null], new arrow.Int32());
  const addrType = new arrow.Struct([
    new arrow.Field('city', new arrow.Utf8()),
    new arrow.Field('zip', new arrow.Int32()),
  ]);
  const addr = arrow.makeData({
    type: addrType,
    length: 4,
    nullCount: 1,
    nullBitmap: bitmap([true, false, true, true]),
    children: [city, zip],
  });
  const nested = batchOf({ id: vec([1n, 2n, 3n, 4n], new arrow.Int64()), addr });

  it('reads struct children by path and honours parent nulls', () => {
    expect(run("addr.city = 'Wellington'", nested, nestedSchema)).toEqual([]);
    expect(run('addr.city IS NULL', nested, nestedSchema)).toEqual([1, 2]);
    expect(run('addr.zip > 1000', nested, nestedSchema)).toEqual([0, 2]);
    expect(run('addr IS NULL', nested, nestedSchema)).toEqual([1]);
    expect(run("ADDR.City LIKE 'N%' OR id = 2", nested, nestedSchema)).toEqual([1, 3]);
  });

  it('evaluates sliced batches (Data offsets, bit-addressed bools and validity)', () => {
    const sliced = all.slice(2, 6);
    expect(sliced.numRows).toBe(4);
    expect(run('l > 2', sliced, schema)).toEqual([0, 2]);
    expect(run('flag', sliced, schema)).toEqual([1, 3]);
    expect(run("str LIKE 'a%'", sliced, schema)).toEqual([3]);
    expect(run('dec > 0', sliced, schema)).toEqual([1]);
    expect(run('x IS NULL', all.slice(1, 3), schema)).toEqual([0]);
    expect(run('addr.city IS NULL', nested.slice(1, 3), nestedSchema)).toEqual([0, 1]);
  });

  it('evaluates tables with several batches into one mask', () => {
    const table = new arrow.Table([ab, ab.slice(3, 9), ab]);
    expect(table.batches.length).toBe(3);
    const expected = [0, 1, 2, 3, 6];
    expect(run('a > 0 OR b > 0', table, abSchema)).toEqual([
      ...expected,
      ...[0, 3].map((i) => i + 9),
      ...expected.map((i) => i + 15),
    ]);
  });

  it('splits rows into segments when chunk boundaries differ between columns', () => {
    const chunk = (start: number, length: number) => ({ start, length }) as unknown as ColumnChunk;
    const segs = segments(10, [
      [chunk(0, 3), chunk(3, 7)],
      [chunk(0, 5), chunk(5, 5)],
    ]);
    expect(segs.map((s) => [s.start, s.length, s.slices.map((x) => x.off)])).toEqual([
      [0, 3, [0, 0]],
      [3, 2, [0, 3]],
      [5, 5, [2, 0]],
    ]);
  });

  it('evaluates dictionary-encoded strings once per dictionary entry', () => {
    const dictSchema: StructType = { type: 'struct', fields: [field('c', t('string'))] };
    const values = ['NZ', 'AU', null, 'NZ', 'US', 'AU'];
    const dict = batchOf({ c: arrow.vectorFromArray(values).data[0] });
    expect(dict.getChildAt(0)!.type.typeId).toBe(arrow.Type.Dictionary);
    expect(run("c = 'NZ'", dict, dictSchema)).toEqual([0, 3]);
    expect(run("c != 'NZ'", dict, dictSchema)).toEqual([1, 4, 5]);
    expect(run("c IN ('AU', 'US')", dict, dictSchema)).toEqual([1, 4, 5]);
    expect(run("c LIKE '%U%'", dict, dictSchema)).toEqual([1, 4, 5]);
    expect(run("c > 'B'", dict, dictSchema)).toEqual([0, 3, 4]);
    expect(run('c IS NULL', dict, dictSchema)).toEqual([2]);
    expect(run("c <=> 'NZ'", dict, dictSchema)).toEqual([0, 3]);
    expect(run("NOT (c <=> 'NZ')", dict, dictSchema)).toEqual([1, 2, 4, 5]);
  });

  it('fails with an ExpressionError naming a column missing from the batch', () => {
    const e = bind(parseExpression('zz = 1'), { type: 'struct', fields: [field('zz', t('integer'))] });
    expect(() => evaluatePredicate(e, ab)).toThrow(ExpressionError);
    expect(() => evaluatePredicate(e, ab)).toThrow(/column zz is not in the Arrow data \(fields: a, b\)/);
  });
});

// ---- fast paths agree with a plain reference on random data ---------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('fast paths agree with a reference evaluation', () => {
  const r = rng(42);
  const n = 2000;
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const bigs = [0n, 1n, -1n, 2n ** 32n, -(2n ** 32n), 2n ** 32n - 1n, 2n ** 63n - 1n, -(2n ** 63n), 123456789012345n];
  const longs = Array.from({ length: n }, () =>
    r() < 0.1 ? null : BigInt.asIntN(64, pick(bigs) + BigInt(Math.floor(r() * 5) - 2)),
  );
  const decs = Array.from({ length: n }, () => (r() < 0.1 ? null : pick(bigs) * pick([1n, -1n, 10n ** 18n])));
  const words = ['', 'a', 'ab', 'abc', 'b', 'é', 'éa', '😀', 'z', 'Z'];
  const strs = Array.from({ length: n }, () => (r() < 0.1 ? null : pick(words) + pick(words)));
  const nums = Array.from({ length: n }, () => (r() < 0.1 ? null : pick([0, 1, -1, 2.5, NaN, -Infinity, 1e9])));
  const rschema: StructType = {
    type: 'struct',
    fields: [
      field('l', t('long')),
      field('dec', { type: 'decimal', precision: 38, scale: 0 }),
      field('s', t('string')),
      field('x', t('double')),
    ],
  };
  const batch = batchOf({
    l: vec(longs, new arrow.Int64()),
    dec: decimalData(decs, 38, 0),
    s: vec(strs, new arrow.Utf8()),
    x: vec(nums, new arrow.Float64()),
  });
  const ops: [string, (c: number) => boolean][] = [
    ['<', (c) => c < 0],
    ['<=', (c) => c <= 0],
    ['>', (c) => c > 0],
    ['>=', (c) => c >= 0],
    ['=', (c) => c === 0],
    ['!=', (c) => c !== 0],
  ];
  const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  const cmpCodePoints = (a: string, b: string) => {
    const x = Array.from(a, (ch) => ch.codePointAt(0)!);
    const y = Array.from(b, (ch) => ch.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return x.length - y.length;
  };
  const cmpNum = (a: number, b: number) =>
    Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0;
  const expected = <T>(vals: (T | null)[], lit: T, cmp: (a: T, b: T) => number, test: (c: number) => boolean) =>
    vals.flatMap((v, i) => (v !== null && test(cmp(v, lit)) ? [i] : []));

  it('long vs literals around the 32-bit word boundaries', () => {
    for (const lit of bigs)
      for (const [op, test] of ops)
        expect(run(col('l')[opMethod(op)](lit), batch, rschema), `l ${op} ${lit}`).toEqual(
          expected(longs, lit, cmpBig, test),
        );
    const list = bigs.slice(0, 5);
    expect(run(col('l').in(list), batch, rschema)).toEqual(
      longs.flatMap((v, i) => (v !== null && list.includes(v) ? [i] : [])),
    );
    const long = [...bigs, 5n, 6n, 7n];
    expect(run(col('l').in(long), batch, rschema)).toEqual(
      longs.flatMap((v, i) => (v !== null && long.includes(v) ? [i] : [])),
    );
  });

  it('decimal(38,0) vs 128-bit literals', () => {
    for (const lit of [...bigs, 10n ** 20n, -(10n ** 37n)])
      for (const [op, test] of ops)
        expect(run(col('dec')[opMethod(op)](lit), batch, rschema), `dec ${op} ${lit}`).toEqual(
          expected(decs, lit, cmpBig, test),
        );
  });

  it('strings in code point order, IN lists short and long', () => {
    for (const lit of ['', 'a', 'ab', 'é', '😀', 'zz', 'éa😀'])
      for (const [op, test] of ops)
        expect(run(col('s')[opMethod(op)](lit), batch, rschema), `s ${op} '${lit}'`).toEqual(
          expected(strs, lit, cmpCodePoints, test),
        );
    for (const list of [['ab', 'é😀'], words.map((w) => w + 'a')])
      expect(run(col('s').in(list), batch, rschema)).toEqual(
        strs.flatMap((v, i) => (v !== null && list.includes(v) ? [i] : [])),
      );
  });

  it('doubles with NaN and infinities', () => {
    for (const lit of [0, 1, 2.5, NaN, -Infinity, Infinity])
      for (const [op, test] of ops)
        expect(run(col('x')[opMethod(op)](lit), batch, rschema), `x ${op} ${lit}`).toEqual(
          expected(nums, lit, cmpNum, test),
        );
    const list = [0, 1, 2, 3, 4, 5, 6, 7, 8, NaN];
    expect(run(col('x').in(list), batch, rschema)).toEqual(
      nums.flatMap((v, i) => (v !== null && list.some((l) => cmpNum(l, v) === 0) ? [i] : [])),
    );
  });
});

function opMethod(op: string): 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne' {
  return ({ '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '=': 'eq', '!=': 'ne' } as const)[op as '<'];
}
