/**
 * Every Delta type through write + read, with nulls everywhere, and the written `add.stats`
 * checked against the data (the validator recomputes them with DuckDB; exact strings here).
 */
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable, type JsonValue } from '@delta-serverless/core';
import { actionsOf, batch, build, field, readSorted, statsOf, tempDirs, validate, type AddAction } from './helpers.js';

const newDir = tempDirs('types');

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const D38 = 10n ** 38n - 1n;
const LONG_STR = 'abcdefghijklmnopqrstuvwxyz0123456789-long'; // 41 chars
const UNICODE = 'ünïcödé ✓ 日本語 🎉';

const innerType = new arrow.Struct([field('s', new arrow.Utf8()), field('l', new arrow.Int64())]);
const structType = new arrow.Struct([field('a', new arrow.Int32()), field('inner', innerType)]);
const pointType = new arrow.Struct([field('x', new arrow.Float64()), field('tag', new arrow.Utf8())]);
const arrOfStruct = new arrow.List(field('element', pointType));
const arrOfArr = new arrow.List(field('element', new arrow.List(field('element', new arrow.Int32()))));
const entries = (k: arrow.DataType, v: arrow.DataType) =>
  new arrow.Field(
    'entries',
    new arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>([field('key', k, false), field('value', v)]),
    false,
  );
const mapStrInt = new arrow.Map_(entries(new arrow.Utf8(), new arrow.Int32()));
const mapIntStr = new arrow.Map_(entries(new arrow.Int32(), new arrow.Utf8()));

/** 8 rows; `id` orders them. Row 3 is null in every other column. */
function allTypes(): arrow.RecordBatch {
  return batch(
    {
      id: build.int([0, 1, 2, 3, 4, 5, 6, 7]),
      long: build.long([0n, I64_MIN, I64_MAX, null, 42n, -1n, 9007199254740993n, 7n]),
      integer: build.int([0, -2147483648, 2147483647, null, 7, -1, 100, 3]),
      short: build.short([0, -32768, 32767, null, 1, -1, 2, 3]),
      byte: build.byte([0, -128, 127, null, -1, 1, 2, 3]),
      float: build.float([1.5, NaN, Infinity, null, -Infinity, -0, 0.25, -3.5]),
      double: build.double([0.1, -0, Infinity, null, -Infinity, NaN, 1e300, -2.5]),
      boolean: build.bool([true, false, true, null, false, true, false, true]),
      string: build.string([UNICODE, '', LONG_STR, null, 'a', 'Zebra', 'b', 'tab\tnew\nline']),
      binary: build.binary([
        Uint8Array.of(0, 255, 16),
        new Uint8Array(0),
        Uint8Array.of(1),
        null,
        Uint8Array.of(0xde, 0xad),
        Uint8Array.of(0),
        Uint8Array.of(7, 7),
        Uint8Array.of(128),
      ]),
      // 0001-01-01, 1969-12-31, 9999-12-31, null, epoch, 1900-01-01, 2024-02-29, 1582-10-04
      date: build.date([-719162, -1, 2932896, null, 0, -25567, 19782, -141438]),
      timestamp: build.timestamp([
        0n,
        -1n,
        253402300799999999n,
        null,
        1234567890123456n,
        -62135596800000000n,
        -86400000000n * 365n,
        1n,
      ]),
      timestamp_ntz: build.timestampNtz([
        0n,
        -1n,
        253402300799999999n,
        null,
        1234567890123456n,
        -62135596800000000n,
        1n,
        999n,
      ]),
      dec1: build.decimal(1, 0, [-9n, 9n, 0n, null, 1n, -1n, 5n, 3n]),
      dec9: build.decimal(9, 2, [-999999999n, 999999999n, 0n, null, 12345n, -1n, 100n, 7n]),
      dec18: build.decimal(18, 4, [
        -(10n ** 18n - 1n),
        10n ** 18n - 1n,
        0n,
        null,
        123456789012345678n,
        -5n,
        10000n,
        1n,
      ]),
      dec38: build.decimal(38, 10, [-D38, D38, 0n, null, 12345678901234567890123456789n, -1n, 10n ** 10n, 42n]),
      struct: build.of(structType, [
        { a: 1, inner: { s: 'x', l: 10n } },
        { a: null, inner: { s: null, l: null } },
        { a: 3, inner: null },
        null,
        { a: 5, inner: { s: UNICODE, l: I64_MIN } },
        { a: -6, inner: { s: '', l: 0n } },
        { a: 7, inner: { s: 'y', l: 1n } },
        { a: 8, inner: { s: 'z', l: 2n } },
      ]),
      arr_struct: build.of(arrOfStruct, [
        [
          { x: 1.5, tag: 'a' },
          { x: null, tag: null },
        ],
        [],
        [null],
        null,
        [{ x: -1, tag: 'b' }],
        [{ x: 0, tag: '' }],
        [],
        [{ x: 2, tag: 'c' }],
      ]),
      arr_arr: build.of(arrOfArr, [[[1, 2], [3]], [[], null], [[null]], null, [], [[4, 5, 6]], [[7]], [[8], [9]]]),
      map_str: build.of(mapStrInt, [
        new Map([
          ['a', 1],
          ['b', null],
        ]),
        new Map(),
        new Map([['ü', -1]]),
        null,
        new Map([['', 0]]),
        new Map([['k', 5]]),
        new Map(),
        new Map([['z', 9]]),
      ]),
      map_int: build.of(mapIntStr, [
        new Map([
          [1, 'one'],
          [2, null],
        ]),
        new Map([[-5, '']]),
        new Map(),
        null,
        new Map([[2147483647, 'max']]),
        new Map(),
        new Map([[0, 'zero']]),
        new Map([[3, 'c']]),
      ]),
    },
    ['id'],
  );
}

const EXPECTED: Record<string, JsonValue>[] = [
  {
    id: 0,
    long: 0,
    integer: 0,
    short: 0,
    byte: 0,
    float: 1.5,
    double: 0.1,
    boolean: true,
    string: UNICODE,
    binary: '00ff10',
    date: '0001-01-01',
    timestamp: '1970-01-01T00:00:00.000000Z',
    timestamp_ntz: '1970-01-01T00:00:00.000000',
    dec1: '-9',
    dec9: '-9999999.99',
    dec18: '-99999999999999.9999',
    dec38: '-9999999999999999999999999999.9999999999',
    struct: { a: 1, inner: { s: 'x', l: 10 } },
    arr_struct: [
      { x: 1.5, tag: 'a' },
      { x: null, tag: null },
    ],
    arr_arr: [[1, 2], [3]],
    map_str: [
      ['a', 1],
      ['b', null],
    ],
    map_int: [
      [1, 'one'],
      [2, null],
    ],
  },
  {
    id: 1,
    long: '-9223372036854775808',
    integer: -2147483648,
    short: -32768,
    byte: -128,
    float: 'NaN',
    double: -0,
    boolean: false,
    string: '',
    binary: '',
    date: '1969-12-31',
    timestamp: '1969-12-31T23:59:59.999999Z',
    timestamp_ntz: '1969-12-31T23:59:59.999999',
    dec1: '9',
    dec9: '9999999.99',
    dec18: '99999999999999.9999',
    dec38: '9999999999999999999999999999.9999999999',
    struct: { a: null, inner: { s: null, l: null } },
    arr_struct: [],
    arr_arr: [[], null],
    map_str: [],
    map_int: [[-5, '']],
  },
  {
    id: 2,
    long: '9223372036854775807',
    integer: 2147483647,
    short: 32767,
    byte: 127,
    float: 'Infinity',
    double: 'Infinity',
    boolean: true,
    string: LONG_STR,
    binary: '01',
    date: '9999-12-31',
    timestamp: '9999-12-31T23:59:59.999999Z',
    timestamp_ntz: '9999-12-31T23:59:59.999999',
    dec1: '0',
    dec9: '0.00',
    dec18: '0.0000',
    dec38: '0.0000000000',
    struct: { a: 3, inner: null },
    arr_struct: [null],
    arr_arr: [[null]],
    map_str: [['ü', -1]],
    map_int: [],
  },
  {
    id: 3,
    long: null,
    integer: null,
    short: null,
    byte: null,
    float: null,
    double: null,
    boolean: null,
    string: null,
    binary: null,
    date: null,
    timestamp: null,
    timestamp_ntz: null,
    dec1: null,
    dec9: null,
    dec18: null,
    dec38: null,
    struct: null,
    arr_struct: null,
    arr_arr: null,
    map_str: null,
    map_int: null,
  },
  {
    id: 4,
    long: 42,
    integer: 7,
    short: 1,
    byte: -1,
    float: '-Infinity',
    double: '-Infinity',
    boolean: false,
    string: 'a',
    binary: 'dead',
    date: '1970-01-01',
    timestamp: '2009-02-13T23:31:30.123456Z',
    timestamp_ntz: '2009-02-13T23:31:30.123456',
    dec1: '1',
    dec9: '123.45',
    dec18: '12345678901234.5678',
    dec38: '1234567890123456789.0123456789',
    struct: { a: 5, inner: { s: UNICODE, l: '-9223372036854775808' } },
    arr_struct: [{ x: -1, tag: 'b' }],
    arr_arr: [],
    map_str: [['', 0]],
    map_int: [[2147483647, 'max']],
  },
  {
    id: 5,
    long: -1,
    integer: -1,
    short: -1,
    byte: 1,
    float: -0,
    double: 'NaN',
    boolean: true,
    string: 'Zebra',
    binary: '00',
    date: '1900-01-01',
    timestamp: '0001-01-01T00:00:00.000000Z',
    timestamp_ntz: '0001-01-01T00:00:00.000000',
    dec1: '-1',
    dec9: '-0.01',
    dec18: '-0.0005',
    dec38: '-0.0000000001',
    struct: { a: -6, inner: { s: '', l: 0 } },
    arr_struct: [{ x: 0, tag: '' }],
    arr_arr: [[4, 5, 6]],
    map_str: [['k', 5]],
    map_int: [],
  },
  {
    id: 6,
    long: '9007199254740993',
    integer: 100,
    short: 2,
    byte: 2,
    float: 0.25,
    double: 1e300,
    boolean: false,
    string: 'b',
    binary: '0707',
    date: '2024-02-29',
    timestamp: '1969-01-01T00:00:00.000000Z',
    timestamp_ntz: '1970-01-01T00:00:00.000001',
    dec1: '5',
    dec9: '1.00',
    dec18: '1.0000',
    dec38: '1.0000000000',
    struct: { a: 7, inner: { s: 'y', l: 1 } },
    arr_struct: [],
    arr_arr: [[7]],
    map_str: [],
    map_int: [[0, 'zero']],
  },
  {
    id: 7,
    long: 7,
    integer: 3,
    short: 3,
    byte: 3,
    float: -3.5,
    double: -2.5,
    boolean: true,
    string: 'tab\tnew\nline',
    binary: '80',
    date: '1582-10-04',
    timestamp: '1970-01-01T00:00:00.000001Z',
    timestamp_ntz: '1970-01-01T00:00:00.000999',
    dec1: '3',
    dec9: '0.07',
    dec18: '0.0001',
    dec38: '0.0000000042',
    struct: { a: 8, inner: { s: 'z', l: 2 } },
    arr_struct: [{ x: 2, tag: 'c' }],
    arr_arr: [[8], [9]],
    map_str: [['z', 9]],
    map_int: [[3, 'c']],
  },
];

describe('every Delta type round-trips through write and read', () => {
  test('schema, values (incl. NaN, ±Infinity, -0, extremes, nulls) and stats', async () => {
    const dir = newDir();
    const res = await writeDeltaTable(dir, allTypes());
    expect(res.version).toBe(0);
    await validate(dir);

    const table = await DeltaTable.open(dir);
    const types = Object.fromEntries(
      table.snapshot.schema.fields.map((f) => [
        f.name,
        f.type.type === 'decimal' ? `decimal(${f.type.precision},${f.type.scale})` : f.type.type,
      ]),
    );
    expect(types).toEqual({
      id: 'integer',
      long: 'long',
      integer: 'integer',
      short: 'short',
      byte: 'byte',
      float: 'float',
      double: 'double',
      boolean: 'boolean',
      string: 'string',
      binary: 'binary',
      date: 'date',
      timestamp: 'timestamp',
      timestamp_ntz: 'timestamp_ntz',
      dec1: 'decimal(1,0)',
      dec9: 'decimal(9,2)',
      dec18: 'decimal(18,4)',
      dec38: 'decimal(38,10)',
      struct: 'struct',
      arr_struct: 'array',
      arr_arr: 'array',
      map_str: 'map',
      map_int: 'map',
    });
    // Inferred schemas are nullable throughout (NOT NULL is declared with DeltaTable.create).
    expect(table.snapshot.schema.fields.every((f) => f.nullable)).toBe(true);

    const rows = await readSorted(dir, 'id');
    expect(rows).toEqual(EXPECTED);
    // toEqual does not tell -0 from 0 everywhere: check the signed zeros explicitly.
    expect(Object.is(rows[1]!.double, -0)).toBe(true);
    expect(Object.is(rows[5]!.float, -0)).toBe(true);
    expect(Object.is(rows[0]!.long, 0)).toBe(true);

    // Exact stats of the one file.
    const adds = actionsOf<AddAction>(dir, 0, 'add');
    expect(adds).toHaveLength(1);
    const s = statsOf(adds[0]!);
    expect(s.numRecords).toBe(8);
    expect(s.nullCount).toMatchObject({
      id: 0,
      long: 1,
      integer: 1,
      float: 1,
      boolean: 1,
      string: 1,
      binary: 1,
      date: 1,
      dec38: 1,
      // row 3 (struct null) and row 1 (a null) / row 2 (inner null): nested nulls count parent nulls
      struct: { a: 2, inner: { s: 3, l: 3 } },
      arr_struct: 1,
      arr_arr: 1,
      map_str: 1,
      map_int: 1,
    });
    expect(s.minValues).toMatchObject({
      id: 0,
      integer: -2147483648,
      short: -32768,
      byte: -128,
      float: '-Infinity',
      double: '-Infinity',
      string: '',
      date: '0001-01-01',
      timestamp: '0001-01-01T00:00:00.000Z',
      timestamp_ntz: '0001-01-01T00:00:00.000',
      dec1: -9,
      dec9: -9999999.99,
      struct: { a: -6, inner: { s: '' } },
    });
    expect(s.maxValues).toMatchObject({
      id: 7,
      integer: 2147483647,
      float: 'NaN',
      double: 'NaN',
      string: UNICODE,
      date: '9999-12-31',
      timestamp: '9999-12-31T23:59:59.999Z',
      timestamp_ntz: '9999-12-31T23:59:59.999',
      dec1: 9,
      dec9: 9999999.99,
      struct: { a: 8, inner: { s: UNICODE } },
    });
    // Booleans, binary and nested containers get no min/max.
    for (const k of ['boolean', 'binary', 'arr_struct', 'arr_arr', 'map_str', 'map_int']) {
      expect(s.minValues[k], k).toBeUndefined();
      expect(s.maxValues[k], k).toBeUndefined();
    }
    // 64-bit and decimal bounds are exact JSON number text, not rounded through doubles.
    const raw = adds[0]!.stats!;
    expect(raw).toContain('"long":-9223372036854775808');
    expect(raw).toContain('"long":9223372036854775807');
    expect(raw).toContain('"dec38":-9999999999999999999999999999.9999999999');
    expect(raw).toContain('"dec38":9999999999999999999999999999.9999999999');
    expect(raw).toContain('"dec18":-99999999999999.9999');
    expect(raw).toContain('"l":-9223372036854775808');
  });

  test('string stats are truncated to 32 characters (max with a tie-breaker)', async () => {
    const dir = newDir();
    const long1 = 'a'.repeat(40);
    const long2 = 'b'.repeat(31) + 'cdefghij';
    const umlauts = 'ü'.repeat(40); // non-ASCII cut: tie-breaker U+10FFFF
    const noMax = 'z'.repeat(32) + '\u{10ffff}'.repeat(17); // the cut never finds a smaller character: no max
    await writeDeltaTable(dir, batch({ k: build.int([1, 2]), s: build.string([long1, long2]) }));
    await writeDeltaTable(dir, batch({ k: build.int([3, 4]), s: build.string(['short', noMax]) }));
    await writeDeltaTable(dir, batch({ k: build.int([5]), s: build.string(['z'.repeat(32)]) }));
    await writeDeltaTable(dir, batch({ k: build.int([6]), s: build.string([umlauts]) }));
    await validate(dir);

    const s0 = statsOf(actionsOf<AddAction>(dir, 0, 'add')[0]!);
    expect(s0.minValues.s).toBe('a'.repeat(32));
    expect(s0.maxValues.s).toBe('b'.repeat(31) + 'c\u007f');
    expect(actionsOf<AddAction>(dir, 0, 'add')[0]!.stats).toContain(
      `"maxValues":{"k":2,"s":"${'b'.repeat(31)}c\u007f"}`,
    );

    const s1 = statsOf(actionsOf<AddAction>(dir, 1, 'add')[0]!);
    expect(s1.minValues.s).toBe('short');
    expect(s1.maxValues.s).toBeUndefined();
    expect(s1.maxValues.k).toBe(4);
    expect(s1.nullCount.s).toBe(0);

    // Exactly 32 characters: kept whole on both sides.
    const s2 = statsOf(actionsOf<AddAction>(dir, 2, 'add')[0]!);
    expect(s2.minValues.s).toBe('z'.repeat(32));
    expect(s2.maxValues.s).toBe('z'.repeat(32));
    const s3 = statsOf(actionsOf<AddAction>(dir, 3, 'add')[0]!);
    expect(s3.minValues.s).toBe('ü'.repeat(32));
    expect(s3.maxValues.s).toBe('ü'.repeat(32) + '\u{10ffff}');

    const rows = await readSorted(dir, 'k');
    expect(rows.map((r) => r.s)).toEqual([long1, long2, 'short', noMax, 'z'.repeat(32), umlauts]);
    // A filter that stats skipping could get wrong with a bad max.
    const t = await DeltaTable.open(dir);
    const hit = await t.toArrow({ filter: `s = '${long2}'` });
    expect(hit.numRows).toBe(1);
    // Rows above 33 z's live only in the no-max file and the ü file: neither may be skipped.
    const high = await t.toArrow({ filter: `s > '${'z'.repeat(33)}'` });
    expect(high.numRows).toBe(2);
    const noMaxHit = await t.toArrow({ filter: `s = '${noMax}'` });
    expect(noMaxHit.numRows).toBe(1);
  });

  test('all-null and empty columns: nullCount only, no min/max', async () => {
    const dir = newDir();
    await writeDeltaTable(
      dir,
      batch({ k: build.int([1, 2, 3]), s: build.string([null, null, null]), d: build.double([null, null, null]) }),
    );
    await validate(dir);
    const st = statsOf(actionsOf<AddAction>(dir, 0, 'add')[0]!);
    expect(st).toEqual({ numRecords: 3, minValues: { k: 1 }, maxValues: { k: 3 }, nullCount: { k: 0, s: 3, d: 3 } });
    expect(await readSorted(dir, 'k')).toEqual([
      { k: 1, s: null, d: null },
      { k: 2, s: null, d: null },
      { k: 3, s: null, d: null },
    ]);
  });

  test('multiple batches of one write are stats-merged into one file', async () => {
    const dir = newDir();
    const b1 = batch({ v: build.long([5n, null]), t: build.timestamp([1000n, null]) });
    const b2 = batch({ v: build.long([-3n, 100n]), t: build.timestamp([-5000n, 2_000_000n]) });
    await writeDeltaTable(dir, [b1, b2]);
    await validate(dir);
    const adds = actionsOf<AddAction>(dir, 0, 'add');
    expect(adds).toHaveLength(1);
    expect(statsOf(adds[0]!)).toEqual({
      numRecords: 4,
      minValues: { v: -3, t: '1969-12-31T23:59:59.995Z' },
      maxValues: { v: 100, t: '1970-01-01T00:00:02.000Z' },
      nullCount: { v: 1, t: 1 },
    });
  });
});
