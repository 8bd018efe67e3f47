import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { SchemaMismatchError } from '../errors.js';
import type { DataType, StructType } from '../protocol/schema.js';
import { parseDataType } from '../protocol/schema.js';
import { batchToObjects, batchToRows, encodeValue, type JsonValue } from './json-values.js';
import { bitmap, decimalWords, fixtures } from '../../test/support/arrow-samples.js';
import { CORPUS } from '../../../../test/support/corpus.js';

type Buffers = ConstructorParameters<typeof arrow.Data>[4];
const raw = (type: arrow.DataType, values: ArrayBufferView, length: number, nulls: number[] = []): arrow.Data =>
  new arrow.Data(type, 0, length, nulls.length, [
    undefined,
    values,
    nulls.length ? bitmap(length, nulls) : undefined,
  ] as unknown as Buffers);
const vec = (values: unknown[], type: arrow.DataType): arrow.Data => arrow.vectorFromArray(values, type).data[0];
const all = (d: arrow.Data, t: DataType): JsonValue[] =>
  Array.from({ length: d.length }, (_, i) => encodeValue(d, i, t));
const fx = (name: string): arrow.Data => fixtures().find((f) => f.name === name)!.data;
const dt = (s: string): DataType => parseDataType(s);

describe('encodeValue: primitives', () => {
  it('encodes integers as numbers and longs beyond 2^53 as strings', () => {
    expect(all(fx('int8'), dt('byte'))).toEqual([1, -2, null, 3, 0, 127, -128, null, 5]);
    expect(all(fx('int64'), dt('long'))).toEqual([
      1,
      -2,
      null,
      '4611686018427387904',
      0,
      '-9223372036854775808',
      '9007199254740993',
      null,
      5,
    ]);
    const edge = raw(new arrow.Int64(), BigInt64Array.from([2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n]), 3);
    expect(all(edge, dt('long'))).toEqual([9007199254740992, -9007199254740992, '9007199254740993']);
    expect(all(fx('uint64'), dt('long'))[1]).toBe('18446744073709551615');
  });

  it('encodes floats with NaN and infinities as strings', () => {
    expect(all(fx('float64'), dt('double'))).toEqual([1.5, 'NaN', null, -0, 'Infinity', '-Infinity', 0.1, null, 1e300]);
    expect(all(fx('float32'), dt('float'))).toEqual([
      1.5,
      'NaN',
      null,
      -0,
      'Infinity',
      '-Infinity',
      3.25,
      null,
      1.0000000150474662e30,
    ]);
    expect(JSON.stringify(encodeValue(vec([3.4], new arrow.Float32()), 0, dt('float')))).toBe('3.4000000953674316');
  });

  it('encodes decimals exactly at the column scale', () => {
    const d = raw(new arrow.Decimal(2, 5, 128), decimalWords([-99999n, 0n, 5n, -1n, 12345n], 128), 6, [5]);
    expect(all(d, dt('decimal(5,2)'))).toEqual(['-999.99', '0.00', '0.05', '-0.01', '123.45', null]);
    const wide = raw(new arrow.Decimal(36, 38, 128), decimalWords([-(10n ** 37n) + 1n, 29546424000000000000n], 128), 2);
    expect(all(wide, dt('decimal(38,36)'))).toEqual([
      '-9.999999999999999999999999999999999999',
      '0.000000000000000029546424000000000000',
    ]);
    const d256 = raw(new arrow.Decimal(0, 76, 256), decimalWords([-(10n ** 75n)], 256), 1);
    expect(encodeValue(d256, 0, dt('decimal(38,0)'))).toBe(`-1${'0'.repeat(75)}`);
    expect(encodeValue(vec([7], new arrow.Int32()), 0, dt('decimal(10,3)'))).toBe('7.000');
  });

  it('encodes strings, binaries and booleans', () => {
    expect(all(fx('utf8'), dt('string'))).toEqual([
      'a',
      '',
      null,
      'ünïcödé ✓',
      'x'.repeat(100),
      'bb',
      'c',
      null,
      'the end',
    ]);
    expect(all(fx('largeutf8').slice(3, 2), dt('string'))).toEqual(['ünïcödé ✓', 'x'.repeat(100)]);
    expect(all(vec([Uint8Array.from([0, 1, 171, 255]), null], new arrow.Binary()), dt('binary'))).toEqual([
      '0001abff',
      null,
    ]);
    expect(all(fx('largebinary').slice(0, 2), dt('binary'))).toEqual(['61', '']);
    expect(encodeValue(fx('fixedsizebinary'), 0, dt('binary'))).toBe('010102');
    expect(all(fx('bool').slice(1, 3), dt('boolean'))).toEqual([false, null, true]);
    const view = vec(['a view string longer than 12', 'tiny'], new arrow.Utf8View());
    expect(all(view, dt('string'))).toEqual(['a view string longer than 12', 'tiny']);
  });

  it('encodes dates, including far past and year 9999', () => {
    expect(all(fx('date32'), dt('date'))).toEqual([
      '1970-01-01',
      '1969-12-31',
      null,
      '9999-12-31',
      '0001-01-01',
      '2022-01-08',
      '1970-01-02',
      null,
      '1971-01-01',
    ]);
    expect(all(fx('date64'), dt('date'))).toEqual(all(fx('date32'), dt('date')));
  });

  it('encodes timestamps with six fractional digits in every unit', () => {
    const expected = [
      '1970-01-01T00:00:00.000000Z',
      '1969-12-31T23:59:59.999999Z',
      null,
      '9999-12-31T00:00:00.000000Z',
      '0001-01-01T00:00:00.000000Z',
      '2009-02-13T23:31:30.123456Z',
      '1970-01-01T00:00:00.000001Z',
      null,
      '1970-01-02T00:00:00.000000Z',
    ];
    expect(all(fx('ts_us_utc'), dt('timestamp'))).toEqual(expected);
    expect(all(fx('ts_us'), dt('timestamp_ntz'))).toEqual(expected.map((v) => (v === null ? null : v.slice(0, -1))));
    const ms = raw(new arrow.TimestampMillisecond('UTC'), BigInt64Array.from([253402300799999n, -1n]), 2);
    expect(all(ms, dt('timestamp'))).toEqual(['9999-12-31T23:59:59.999000Z', '1969-12-31T23:59:59.999000Z']);
    const s = raw(new arrow.TimestampSecond(), BigInt64Array.from([-62135596800n]), 1);
    expect(all(s, dt('timestamp_ntz'))).toEqual(['0001-01-01T00:00:00.000000']);
    const ns = raw(new arrow.TimestampNanosecond(), BigInt64Array.from([-1n, 1_999n]), 2);
    expect(all(ns, dt('timestamp_ntz'))).toEqual(['1969-12-31T23:59:59.999999', '1970-01-01T00:00:00.000001']);
    expect(encodeValue(fx('date32'), 3, dt('timestamp_ntz'))).toBe('9999-12-31T00:00:00.000000');
  });

  it('encodes Null-typed columns as null whatever the Delta type', () => {
    expect(all(fx('null'), dt('string'))).toEqual(new Array(9).fill(null));
  });

  it('reads a row of a multi-chunk vector', () => {
    const v = new arrow.Vector([fx('int32').slice(0, 2), fx('int32').slice(2, 7)]);
    expect(encodeValue(v, 1, dt('integer'))).toBe(-2);
    expect(encodeValue(v, 3, dt('integer'))).toBe(3);
    expect(encodeValue(v, 5)).toBe(127);
    expect(() => encodeValue(v, 9)).toThrow(RangeError);
  });

  it('refuses Arrow data that cannot hold the Delta type', () => {
    expect(() => encodeValue(fx('utf8'), 0, dt('integer'))).toThrow(SchemaMismatchError);
    expect(() => encodeValue(fx('int32'), 0, dt('date'))).toThrow(SchemaMismatchError);
  });
});

describe('encodeValue: nested', () => {
  it('encodes structs as objects, arrays as arrays and maps as [key, value] pairs', () => {
    const struct: DataType = { type: 'struct', fields: [f('a', 'integer'), f('b', 'string')] };
    expect(all(fx('struct').slice(0, 4), struct)).toEqual([
      { a: 1, b: 'x' },
      null,
      { a: null, b: 'y' },
      { a: 4, b: null },
    ]);
    const list: DataType = { type: 'array', elementType: dt('integer'), containsNull: true };
    expect(all(fx('list'), list)).toEqual([[1, 2], null, [], [3], [null, 4], [5, 6, 7], null, [8], []]);
    expect(all(fx('largelist').slice(4, 2), list)).toEqual([
      [null, 4],
      [5, 6, 7],
    ]);
    expect(all(fx('fixedsizelist').slice(1, 3), list)).toEqual([null, [3, null], [4, 5]]);
    const map: DataType = { type: 'map', keyType: dt('string'), valueType: dt('long'), valueContainsNull: true };
    expect(all(fx('map').slice(0, 5), map)).toEqual([
      [
        ['a', 1],
        ['b', null],
      ],
      null,
      [],
      [['c', 3]],
      [
        ['d', 4],
        ['e', 5],
      ],
    ]);
    expect(all(fx('dictionary'), dt('string'))).toEqual(['a', null, 'b', 'a', 'c', 'c', 'b', null, 'a']);
  });

  it('encodes struct of list of map and list of struct (inferring Delta types)', () => {
    const rows = all(fx('struct_of_list_of_map'), undefined as unknown as DataType);
    expect(rows.slice(0, 6)).toEqual([
      { l: [[['k', 1]], null] },
      null,
      { l: null },
      { l: [] },
      {
        l: [
          [
            ['x', 2],
            ['y', null],
          ],
        ],
      },
      { l: [[]] },
    ]);
    expect(encodeValue(fx('list_of_struct'), 4)).toEqual([
      { x: 3, y: [] },
      { x: 4, y: ['b', null, 'c'] },
    ]);
  });

  it('encodes variant structs as {metadata, value} hex objects', () => {
    const variant = vec(
      [
        { metadata: Uint8Array.from([1, 1, 0]), value: Uint8Array.from([12, 1]) },
        null,
        { metadata: Uint8Array.from([1]), value: null },
      ],
      new arrow.Struct([new arrow.Field('metadata', new arrow.Binary()), new arrow.Field('value', new arrow.Binary())]),
    );
    expect(all(variant, dt('variant'))).toEqual([
      { metadata: '010100', value: '0c01' },
      null,
      { metadata: '01', value: null },
    ]);
  });
});

function f(name: string, type: string): StructType['fields'][number] {
  return { name, type: dt(type), nullable: true, metadata: {} };
}

describe('batchToRows / batchToObjects', () => {
  const cols = [fx('int32'), fx('utf8'), fx('ts_us_utc')];
  const fields = ['id', 'name', 'at'].map((n, i) => new arrow.Field(n, cols[i].type, true));
  const batch = new arrow.RecordBatch(
    new arrow.Schema(fields),
    arrow.makeData({ type: new arrow.Struct(fields), length: 9, nullCount: 0, children: cols }),
  );
  const schema: StructType = { type: 'struct', fields: [f('at', 'timestamp'), f('id', 'long'), f('name', 'string')] };

  it('returns rows in Delta field order, matching columns by name', () => {
    const rows = batchToRows(batch, schema);
    expect(rows.length).toBe(9);
    expect(rows[0]).toEqual(['1970-01-01T00:00:00.000000Z', 1, 'a']);
    expect(rows[2]).toEqual([null, null, null]);
    expect(batchToObjects(batch, schema)[3]).toEqual({ at: '9999-12-31T00:00:00.000000Z', id: 3, name: 'ünïcödé ✓' });
  });

  it('infers Delta types when no schema is given and falls back to positions', () => {
    expect(batchToObjects(batch)[5]).toEqual({ id: 127, name: 'bb', at: '2009-02-13T23:31:30.123456Z' });
    const renamed: StructType = {
      type: 'struct',
      fields: [f('x', 'integer'), f('y', 'string'), f('z', 'timestamp_ntz')],
    };
    expect(batchToRows(batch, renamed)[1]).toEqual([-2, '', '1969-12-31T23:59:59.999999']);
    const tooFew: StructType = { type: 'struct', fields: [f('x', 'integer')] };
    expect(() => batchToRows(batch, tooFew)).toThrow(SchemaMismatchError);
  });
});

describe('corpus value encoding', () => {
  const root = CORPUS;
  const tables = [
    'delta-golden/data-reader-primitives',
    'delta-golden/data-reader-array-primitives',
    'delta-golden/data-reader-array-complex-objects',
    'delta-golden/data-reader-map',
    'delta-golden/data-reader-nested-struct',
    'delta-golden/decimal-various-scale-precision',
    'dat/basic_append',
  ];
  for (const table of tables) {
    it(`reproduces the expected rows of ${table}`, () => {
      const expected = JSON.parse(readFileSync(join(root, `${table}.expected.json`), 'utf8')) as {
        deltaSchema: unknown;
        rows: unknown[][];
      };
      const schema = parseDataType(expected.deltaSchema) as StructType;
      const dir = join(root, table);
      const rows: JsonValue[][] = [];
      for (const file of readdirSync(dir).filter((n) => n.endsWith('.parquet'))) {
        const t = arrow.tableFromIPC(readParquet(readFileSync(join(dir, file))).intoIPCStream());
        for (const b of t.batches) rows.push(...batchToRows(b, schema));
      }
      const sorted = (r: unknown[][]): string[] => r.map((x) => JSON.stringify(x)).sort();
      expect(sorted(rows)).toEqual(sorted(expected.rows));
    });
  }
});
