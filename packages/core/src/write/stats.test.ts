import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SchemaMismatchError } from '../errors.js';
import { decimalWords } from '../../test/support/arrow-samples.js';
import { compareScalars } from '../expr/scalar-ops.js';
import { openParquetFile } from '../parquet/reader.js';
import { writeParquet } from '../parquet/writer.js';
import { deltaTypeToArrow } from '../protocol/arrow-schema.js';
import type { FileStats } from '../protocol/actions.js';
import { parseStatsValue, type Scalar } from '../protocol/scalar.js';
import type { DataType, FieldMetadata, StructField, StructType } from '../protocol/schema.js';
import { MemoryStore } from '../storage/memory-store.js';
import { StatsCollector, statsColumnsFromProperties } from './stats.js';

// ---------- helpers ----------

type T = DataType | string;
const dt = (t: T): DataType => (typeof t === 'string' ? ({ type: t } as DataType) : t);
const fld = (name: string, type: T, metadata: FieldMetadata = {}): StructField => ({
  name,
  type: dt(type),
  nullable: true,
  metadata,
});
const struct = (...fields: StructField[]): StructType => ({ type: 'struct', fields });
const DEC = { type: 'decimal', precision: 38, scale: 6 } as const;

function validity(values: readonly unknown[]): Uint8Array {
  const bm = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) bm[i >> 3] |= 1 << (i & 7);
  });
  return bm;
}

const countNulls = (values: readonly unknown[]) => values.filter((v) => v === null).length;

/** Arrow data of a Delta type (as deltaTypeToArrow) from JS values; null is null. */
function col(type: T, values: readonly unknown[]): arrow.Data {
  const t = dt(type);
  const at = deltaTypeToArrow(t);
  const base = { type: at, length: values.length, nullCount: countNulls(values), nullBitmap: validity(values) };
  switch (t.type) {
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return arrow.makeData({ ...base, data: BigInt64Array.from(values, (v) => (v as bigint | null) ?? 0n) } as never);
    case 'date':
      return arrow.makeData({ ...base, data: Int32Array.from(values, (v) => (v as number | null) ?? 0) } as never);
    case 'decimal':
      return arrow.makeData({
        ...base,
        data: decimalWords(
          values.map((v) => (v as bigint | null) ?? 0n),
          128,
        ),
      } as never);
    default:
      return arrow.vectorFromArray(values as unknown[], at).data[0];
  }
}

/** A struct column from child columns and the struct's own nulls. */
function structCol(type: StructType, nulls: boolean[], children: arrow.Data[]): arrow.Data {
  return arrow.makeData({
    type: deltaTypeToArrow(type) as arrow.Struct,
    length: nulls.length,
    nullCount: nulls.filter(Boolean).length,
    nullBitmap: validity(nulls.map((n) => (n ? null : 1))),
    children,
  });
}

function batchOf(columns: Record<string, arrow.Data>): arrow.RecordBatch {
  const fields = Object.entries(columns).map(([name, d]) => new arrow.Field(name, d.type, true));
  const length = Object.values(columns)[0]?.length ?? 0;
  return new arrow.RecordBatch(
    new arrow.Schema(fields),
    arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children: Object.values(columns) }),
  );
}

function statsOf(schema: StructType, batches: arrow.RecordBatch[], options = {}): string {
  const c = new StatsCollector(schema, options);
  for (const b of batches) c.update(b);
  return c.toJson();
}

function dig(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

// ---------- tests ----------

describe('StatsCollector: values of every type', () => {
  const inner = struct(fld('x', 'integer'), fld('y', 'string'));
  const schema = struct(
    fld('b', 'byte'),
    fld('sh', 'short'),
    fld('i', 'integer'),
    fld('l', 'long'),
    fld('f', 'float'),
    fld('d', 'double'),
    fld('dec', DEC),
    fld('s', 'string'),
    fld('bin', 'binary'),
    fld('bo', 'boolean'),
    fld('dt', 'date'),
    fld('ts', 'timestamp'),
    fld('ntz', 'timestamp_ntz'),
    fld('arr', { type: 'array', elementType: { type: 'integer' }, containsNull: true }),
    fld('m', { type: 'map', keyType: { type: 'string' }, valueType: { type: 'integer' }, valueContainsNull: true }),
    fld('st', inner),
  );
  const bytes = (s: string) => new TextEncoder().encode(s);
  const batch = batchOf({
    b: col('byte', [1, -5, null, 7]),
    sh: col('short', [300, null, -300, 0]),
    i: col('integer', [null, null, null, null]),
    l: col('long', [9223372036854775807n, -9223372036854775808n, null, 0n]),
    f: col('float', [1.5, 0.5, null, -2.25]),
    d: col('double', [0.1, -0, 2.5e300, null]),
    dec: col(DEC, [10n ** 38n - 1n, -1n, 0n, null]),
    s: col('string', ['b', 'a', null, 'ü']),
    bin: col('binary', [bytes('x'), null, bytes(''), bytes('zz')]),
    bo: col('boolean', [true, null, false, true]),
    dt: col('date', [19000, -1, null, 0]),
    ts: col('timestamp', [1704103200123999n, -1n, null, 0n]),
    ntz: col('timestamp_ntz', [1704103200123999n, -1n, null, 0n]),
    arr: col(schema.fields[13].type, [[1], null, [], null]),
    m: col(schema.fields[14].type, [new Map([['k', 1]]), null, new Map(), new Map([['a', null]])]),
    // Row 1's struct is null: its children's values there (100, 'zzz') must not count.
    st: structCol(
      inner,
      [false, true, false, false],
      [col('integer', [1, 100, 3, null]), col('string', ['q', 'zzz', null, 'a'])],
    ),
  });

  it('writes Spark-shaped JSON with exact text', () => {
    expect(statsOf(schema, [batch])).toBe(
      '{"numRecords":4,' +
        '"minValues":{"b":-5,"sh":-300,"l":-9223372036854775808,"f":-2.25,"d":-0.0,"dec":-0.000001,"s":"a",' +
        '"dt":"1969-12-31","ts":"1969-12-31T23:59:59.999Z","ntz":"1969-12-31T23:59:59.999","st":{"x":1,"y":"a"}},' +
        '"maxValues":{"b":7,"sh":300,"l":9223372036854775807,"f":1.5,"d":2.5e+300,' +
        '"dec":99999999999999999999999999999999.999999,"s":"ü","dt":"2022-01-08","ts":"2024-01-01T10:00:00.123Z",' +
        '"ntz":"2024-01-01T10:00:00.123","st":{"x":3,"y":"q"}},' +
        '"nullCount":{"b":1,"sh":1,"i":4,"l":1,"f":1,"d":1,"dec":1,"s":1,"bin":1,"bo":1,"dt":1,"ts":1,"ntz":1,' +
        '"arr":2,"m":1,"st":{"x":2,"y":2}}}',
    );
  });

  it('is valid JSON our reader parses back to bounds that hold', () => {
    const stats = JSON.parse(statsOf(schema, [batch])) as FileStats;
    expect(parseStatsValue(dig(stats.minValues, ['ts']), dt('timestamp'))).toBe(-1000n);
    expect(parseStatsValue(dig(stats.maxValues, ['ts']), dt('timestamp'))).toBe(1704103200123000n);
    expect(parseStatsValue(dig(stats.minValues, ['ntz']), dt('timestamp_ntz'))).toBe(-1000n);
    expect(parseStatsValue(dig(stats.maxValues, ['dt']), dt('date'))).toBe(19000);
    expect(parseStatsValue(dig(stats.minValues, ['dec']), DEC)).toBe(-1n);
    expect(parseStatsValue(dig(stats.minValues, ['st', 'x']), dt('integer'))).toBe(1);
  });

  it('counts every row of a column missing from the batch as null', () => {
    const s = struct(fld('a', 'integer'), fld('gone', 'string'), fld('st', struct(fld('p', 'long'), fld('q', 'long'))));
    const p = struct(fld('p', 'long'));
    const b = batchOf({
      a: col('integer', [1, 2, 3]),
      st: structCol(p, [false, false, false], [col('long', [1n, 2n, 3n])]),
    });
    expect(statsOf(s, [b])).toBe(
      '{"numRecords":3,"minValues":{"a":1,"st":{"p":1}},"maxValues":{"a":3,"st":{"p":3}},' +
        '"nullCount":{"a":0,"gone":3,"st":{"p":0,"q":3}}}',
    );
  });

  it('finds columns by name whatever their order or case', () => {
    const s = struct(fld('Alpha', 'integer'), fld('beta', 'integer'));
    const b = batchOf({ BETA: col('integer', [5]), alpha: col('integer', [7]) });
    expect(statsOf(s, [b])).toBe(
      '{"numRecords":1,"minValues":{"Alpha":7,"beta":5},"maxValues":{"Alpha":7,"beta":5},"nullCount":{"Alpha":0,"beta":0}}',
    );
  });

  it('refuses data of the wrong type with the column path', () => {
    const s = struct(fld('st', struct(fld('x', 'long'))));
    const wrong = batchOf({ st: structCol(struct(fld('x', 'integer')), [false], [col('integer', [1])]) });
    expect(() => statsOf(s, [wrong])).toThrow(SchemaMismatchError);
    expect(() => statsOf(s, [wrong])).toThrow(/column st\.x/);
    expect(() => statsOf(s, [batchOf({ st: col('integer', [1]) })])).toThrow(/st is a struct/);
  });
});

describe('StatsCollector: nested structs', () => {
  const c = struct(fld('c', 'long'), fld('flag', 'boolean'));
  const b = struct(fld('b', c));
  const schema = struct(fld('id', 'integer'), fld('a', b));
  // a null in rows 1, a.b null in row 2, a.b.c null in row 3; row 4 has a value under a null parent.
  const make = () =>
    batchOf({
      id: col('integer', [0, 1, 2, 3, 4, 5]),
      a: structCol(
        b,
        [false, true, false, false, true, false],
        [
          structCol(
            c,
            [false, false, true, false, false, false],
            [col('long', [10n, -999n, -999n, null, 999n, 20n]), col('boolean', [true, true, true, null, true, false])],
          ),
        ],
      ),
    });

  it('nests objects and counts rows under a null parent as null', () => {
    expect(statsOf(schema, [make()])).toBe(
      '{"numRecords":6,"minValues":{"id":0,"a":{"b":{"c":10}}},"maxValues":{"id":5,"a":{"b":{"c":20}}},' +
        '"nullCount":{"id":0,"a":{"b":{"c":4,"flag":4}}}}',
    );
  });

  it('gives the same answer for any slicing of the batch (bitmap offsets)', () => {
    const whole = make();
    const expected = statsOf(schema, [whole]);
    for (const cut of [1, 2, 3, 5]) {
      expect(statsOf(schema, [whole.slice(0, cut), whole.slice(cut)])).toBe(expected);
    }
    expect(statsOf(schema, [whole.slice(1, 3)])).toBe(
      '{"numRecords":2,"minValues":{"id":1,"a":{"b":{}}},"maxValues":{"id":2,"a":{"b":{}}},' +
        '"nullCount":{"id":0,"a":{"b":{"c":2,"flag":2}}}}',
    );
  });
});

describe('StatsCollector: strings', () => {
  const schema = struct(fld('s', 'string'));
  const one = (values: (string | null)[]) =>
    JSON.parse(statsOf(schema, [batchOf({ s: col('string', values) })])) as FileStats;

  it('truncates long strings: min to 32 code points, max with a tie-breaker', () => {
    const long = 'x'.repeat(40);
    const st = one([long, `${'é'.repeat(35)}`, `${'😀'.repeat(40)}`]);
    expect(st.minValues!.s).toBe('x'.repeat(32));
    // UTF-8 order: 'x' < 'é' < '😀'; 32 UTF-16 units of emoji = 16 code points.
    expect(st.maxValues!.s).toBe(`${'😀'.repeat(16)}\u{10ffff}`);
    expect(one(['😀'.repeat(40)]).minValues!.s).toBe('😀'.repeat(32));
    expect(one([`${'a'.repeat(32)}!`]).maxValues!.s).toBe(`${'a'.repeat(32)}\u007f`);
  });

  it('orders by UTF-8 bytes, not UTF-16 units', () => {
    // U+FF5E (3 UTF-8 bytes) < U+1F600 (4 bytes), though its UTF-16 unit is larger than a surrogate.
    const st = one(['\uff5e', '😀', null, '']);
    expect(st.minValues!.s).toBe('');
    expect(st.maxValues!.s).toBe('😀');
    expect(st.nullCount!.s).toBe(1);
  });

  it('writes no max when no tie-breaker fits in 64 units', () => {
    const st = one([`${'a'.repeat(32)}${'\u{10ffff}'.repeat(20)}`]);
    expect(st.minValues!.s).toBe('a'.repeat(32));
    expect(st.maxValues).toEqual({});
  });

  it('takes LargeUtf8 data too', () => {
    const large = arrow.vectorFromArray(['m', 'c', null], new arrow.LargeUtf8()).data[0];
    expect(statsOf(schema, [batchOf({ s: large })])).toBe(
      '{"numRecords":3,"minValues":{"s":"c"},"maxValues":{"s":"m"},"nullCount":{"s":1}}',
    );
  });
});

describe('StatsCollector: floating point', () => {
  const schema = struct(fld('d', 'double'), fld('f', 'float'));
  const run = (d: (number | null)[], f: (number | null)[] = d) =>
    statsOf(schema, [batchOf({ d: col('double', d), f: col('float', f) })]);

  it('puts NaN above every number, as Spark orders it', () => {
    expect(run([1, NaN, 3])).toBe(
      '{"numRecords":3,"minValues":{"d":1,"f":1},"maxValues":{"d":"NaN","f":"NaN"},"nullCount":{"d":0,"f":0}}',
    );
    expect(run([NaN, null, NaN])).toBe(
      '{"numRecords":3,"minValues":{"d":"NaN","f":"NaN"},"maxValues":{"d":"NaN","f":"NaN"},"nullCount":{"d":1,"f":1}}',
    );
  });

  it('writes infinities as strings, and parses back', () => {
    const json = run([-Infinity, 2, Infinity]);
    expect(json).toContain('"minValues":{"d":"-Infinity","f":"-Infinity"}');
    expect(json).toContain('"maxValues":{"d":"Infinity","f":"Infinity"}');
    const st = JSON.parse(json) as FileStats;
    expect(parseStatsValue(st.minValues!.d, dt('double'))).toBe(-Infinity);
    expect(parseStatsValue(st.maxValues!.f, dt('float'))).toBe(Infinity);
    expect(parseStatsValue(JSON.parse(run([NaN])).maxValues.d, dt('double'))).toBeNaN();
  });

  it('writes a float as its exact value, so a double-parsing reader keeps a true bound', () => {
    const st = JSON.parse(run([0.5, 0.5], [0.1, -0.1])) as FileStats;
    expect(st.maxValues!.f).toBe(Math.fround(0.1));
    expect(st.minValues!.f).toBe(Math.fround(-0.1));
    expect(run([0.5, 0.5], [0.1, -0.1])).toContain('"f":0.10000000149011612');
  });
});

describe('StatsCollector: exact long and decimal text', () => {
  it('never rounds through a JS number', () => {
    const schema = struct(fld('l', 'long'), fld('d', DEC), fld('d0', { type: 'decimal', precision: 20, scale: 0 }));
    const json = statsOf(schema, [
      batchOf({
        l: col('long', [9007199254740993n, 9007199254740995n]),
        d: col(DEC, [12345678901234567890123456789n, -5n]),
        d0: col({ type: 'decimal', precision: 20, scale: 0 }, [-(10n ** 19n) - 7n, 10n ** 19n + 7n]),
      }),
    ]);
    expect(json).toBe(
      '{"numRecords":2,"minValues":{"l":9007199254740993,"d":-0.000005,"d0":-10000000000000000007},' +
        '"maxValues":{"l":9007199254740995,"d":12345678901234567890123.456789,"d0":10000000000000000007},' +
        '"nullCount":{"l":0,"d":0,"d0":0}}',
    );
  });
});

describe('StatsCollector: column choice and keys', () => {
  const wide = struct(...Array.from({ length: 40 }, (_, i) => fld(`c${i}`, 'integer')));
  const wideBatch = batchOf(Object.fromEntries(wide.fields.map((f, i) => [f.name, col('integer', [i])])));

  it('indexes the first 32 leaf columns by default', () => {
    const st = JSON.parse(statsOf(wide, [wideBatch])) as FileStats;
    expect(Object.keys(st.nullCount!)).toEqual(Array.from({ length: 32 }, (_, i) => `c${i}`));
    expect(st.maxValues!.c31).toBe(31);
    expect(st.maxValues!.c32).toBeUndefined();
  });

  it('honours numIndexedCols and statsColumns from the table properties', () => {
    const props = (p: Record<string, string>) => statsColumnsFromProperties(p);
    expect(Object.keys(JSON.parse(statsOf(wide, [wideBatch], { numIndexedCols: -1 })).nullCount)).toHaveLength(40);
    expect(statsOf(wide, [wideBatch], props({ 'delta.dataSkippingNumIndexedCols': '0' }))).toBe('{"numRecords":1}');
    expect(statsOf(wide, [wideBatch], props({ 'delta.dataSkippingStatsColumns': 'c39,C2' }))).toBe(
      '{"numRecords":1,"minValues":{"c2":2,"c39":39},"maxValues":{"c2":2,"c39":39},"nullCount":{"c2":0,"c39":0}}',
    );
  });

  it('selects nested columns and leaves out partition columns', () => {
    const inner = struct(fld('x', 'integer'), fld('y', 'integer'));
    const schema = struct(fld('p', 'string'), fld('s', inner), fld('z', 'boolean'));
    const b = batchOf({
      s: structCol(inner, [false], [col('integer', [1]), col('integer', [2])]),
      z: col('boolean', [true]),
    });
    expect(statsOf(schema, [b], { statsColumns: ['s.y'], partitionColumns: ['p'] })).toBe(
      '{"numRecords":1,"minValues":{"s":{"y":2}},"maxValues":{"s":{"y":2}},"nullCount":{"s":{"y":0}}}',
    );
    // Only a boolean selected: no min/max objects at all, as Spark writes it.
    expect(statsOf(schema, [b], { numIndexedCols: -1, partitionColumns: ['p'] })).toBe(
      '{"numRecords":1,"minValues":{"s":{"x":1,"y":2}},"maxValues":{"s":{"x":1,"y":2}},"nullCount":{"s":{"x":0,"y":0},"z":0}}',
    );
    expect(statsOf(schema, [b], { statsColumns: ['z'] })).toBe('{"numRecords":1,"nullCount":{"z":0}}');
  });

  it('uses physical names under column mapping, nested too', () => {
    const phys = (p: string, id: number): FieldMetadata => ({
      'delta.columnMapping.physicalName': p,
      'delta.columnMapping.id': id,
    });
    const inner = struct(fld('x', 'integer', phys('col-x', 3)));
    const schema = struct(fld('a', 'long', phys('col-a', 1)), fld('s', inner, phys('col-s', 2)));
    const b = batchOf({ a: col('long', [5n]), s: structCol(inner, [false], [col('integer', [9])]) });
    expect(statsOf(schema, [b], { columnMapping: 'name' })).toBe(
      '{"numRecords":1,"minValues":{"col-a":5,"col-s":{"col-x":9}},"maxValues":{"col-a":5,"col-s":{"col-x":9}},' +
        '"nullCount":{"col-a":0,"col-s":{"col-x":0}}}',
    );
    expect(statsOf(schema, [b], { columnMapping: 'id', tightBounds: true })).toContain('"col-s":{"col-x":0}}');
    expect(statsOf(schema, [b], { columnMapping: 'id', tightBounds: true })).toMatch(/,"tightBounds":true}$/);
    expect(statsOf(schema, [b])).toContain('"nullCount":{"a":0,"s":{"x":0}}');
  });

  it('refuses a bad numIndexedCols option', () => {
    expect(() => new StatsCollector(wide, { numIndexedCols: -3 })).toThrow(InvalidArgumentError);
  });
});

describe('StatsCollector: many batches', () => {
  it('merges batches of every type, including empty and all-null ones', () => {
    const schema = struct(
      fld('l', 'long'),
      fld('s', 'string'),
      fld('ts', 'timestamp'),
      fld('dec', DEC),
      fld('d', 'double'),
    );
    const mk = (
      l: (bigint | null)[],
      s: (string | null)[],
      ts: (bigint | null)[],
      dec: (bigint | null)[],
      d: (number | null)[],
    ) =>
      batchOf({
        l: col('long', l),
        s: col('string', s),
        ts: col('timestamp', ts),
        dec: col(DEC, dec),
        d: col('double', d),
      });
    const c = new StatsCollector(schema);
    c.update(mk([5n], ['m'], [5000n], [5n], [5]));
    c.update(mk([], [], [], [], []));
    c.update(mk([null, null], [null, null], [null, null], [null, null], [null, null]));
    c.update(mk([-(2n ** 62n), 3n], ['zz', 'a'], [10_000n, -10_000n], [-(10n ** 30n), 2n], [-1, 1e9]));
    expect(c.numRecords).toBe(5);
    expect(c.toJson()).toBe(
      '{"numRecords":5,' +
        '"minValues":{"l":-4611686018427387904,"s":"a","ts":"1969-12-31T23:59:59.990Z","dec":-1000000000000000000000000.000000,"d":-1},' +
        '"maxValues":{"l":5,"s":"zz","ts":"1970-01-01T00:00:00.010Z","dec":0.000005,"d":1000000000},' +
        '"nullCount":{"l":2,"s":2,"ts":2,"dec":2,"d":2}}',
    );
  });
});

// ---------- agreement with Parquet footers and with our reader ----------

describe('StatsCollector: agrees with Parquet row-group stats and our reader', () => {
  const inner = struct(fld('x', 'long'), fld('y', 'string'));
  const schema = struct(
    fld('b', 'byte'),
    fld('sh', 'short'),
    fld('i', 'integer'),
    fld('l', 'long'),
    fld('f', 'float'),
    fld('d', 'double'),
    fld('dec', { type: 'decimal', precision: 20, scale: 3 }),
    fld('s', 'string'),
    fld('dt', 'date'),
    fld('ts', 'timestamp'),
    fld('ntz', 'timestamp_ntz'),
    fld('st', inner),
  );
  const N = 500;
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const maybe = <V>(v: V): V | null => (rnd() < 0.1 ? null : v);
  const rows = (gen: () => unknown) => Array.from({ length: N }, () => maybe(gen()));
  const values: Record<string, unknown[]> = {
    b: rows(() => Math.floor(rnd() * 256) - 128),
    sh: rows(() => Math.floor(rnd() * 65536) - 32768),
    i: rows(() => Math.floor(rnd() * 2 ** 32) - 2 ** 31),
    l: rows(() => BigInt(Math.floor(rnd() * 2 ** 52)) * (rnd() < 0.5 ? -1n : 1n)),
    f: rows(() => Math.fround((rnd() - 0.5) * 1e6)),
    d: rows(() => (rnd() - 0.5) * 1e12),
    dec: rows(() => BigInt(Math.floor((rnd() - 0.5) * 2 ** 50))),
    s: rows(() => `k${Math.floor(rnd() * 1e6)}${rnd() < 0.2 ? 'é😀' : ''}${rnd() < 0.05 ? 'z'.repeat(40) : ''}`),
    dt: rows(() => Math.floor((rnd() - 0.5) * 100000)),
    ts: rows(() => BigInt(Math.floor((rnd() - 0.5) * 2 ** 52)) * 1000n + BigInt(Math.floor(rnd() * 1000))),
    ntz: rows(() => BigInt(Math.floor((rnd() - 0.5) * 2 ** 52)) * 1000n + BigInt(Math.floor(rnd() * 1000))),
  };
  const stNulls = Array.from({ length: N }, () => rnd() < 0.1);
  const x = rows(() => BigInt(Math.floor(rnd() * 1e9)));
  const y = rows(() => `y${Math.floor(rnd() * 1e6)}`);
  const columns: Record<string, arrow.Data> = {};
  for (const f of schema.fields.slice(0, -1)) columns[f.name] = col(f.type, values[f.name]);
  columns.st = structCol(inner, stNulls, [col('long', x), col('string', y)]);
  const batch = batchOf(columns);
  // Logical values as Scalars, null where a struct parent is null.
  const leafValues: Record<string, unknown[]> = {
    ...values,
    'st.x': x.map((v, i) => (stNulls[i] ? null : v)),
    'st.y': y.map((v, i) => (stNulls[i] ? null : v)),
  };
  const leafType = (path: string): DataType =>
    path.startsWith('st.')
      ? inner.fields.find((f) => `st.${f.name}` === path)!.type
      : schema.fields.find((f) => f.name === path)!.type;

  it('min <= every value <= max once parsed by parseStatsValue (timestamps: max + 999 µs)', () => {
    const c = new StatsCollector(schema);
    for (let k = 0; k < N; k += 128) c.update(batch.slice(k, Math.min(N, k + 128)));
    const st = JSON.parse(c.toJson()) as FileStats;
    for (const [path, vals] of Object.entries(leafValues)) {
      const t = leafType(path);
      const min = parseStatsValue(dig(st.minValues, path.split('.')), t) as Scalar;
      let max = parseStatsValue(dig(st.maxValues, path.split('.')), t) as Scalar;
      expect(min, path).not.toBeUndefined();
      expect(max, path).not.toBeUndefined();
      if (t.type === 'timestamp' || t.type === 'timestamp_ntz') max = (max as bigint) + 999n;
      const present = vals.filter((v) => v !== null) as Scalar[];
      for (const v of present) {
        expect(compareScalars(min, v), `${path} min vs ${String(v)}`).toBeLessThanOrEqual(0);
        expect(compareScalars(v, max), `${path} max vs ${String(v)}`).toBeLessThanOrEqual(0);
      }
      // Tight where nothing is truncated: the bounds are actual values.
      if (t.type !== 'string' && t.type !== 'timestamp' && t.type !== 'timestamp_ntz') {
        expect(
          present.some((v) => compareScalars(v, min) === 0),
          path,
        ).toBe(true);
      }
      expect(dig(st.nullCount, path.split('.')), path).toBe(vals.length - present.length);
    }
  });

  it('matches the min/max/nullCount parquet-wasm writes into the footer', async () => {
    const bytes = await writeParquet([batch]);
    const store = new MemoryStore();
    await store.put('f.parquet', bytes);
    const file = await openParquetFile(store, 'f.parquet');
    const chunks = file.metadata.rowGroups[0].columns;
    file.close();
    const st = JSON.parse(statsOf(schema, [batch])) as FileStats;
    let compared = 0;
    for (const path of Object.keys(leafValues)) {
      const t = leafType(path);
      const pq = chunks.get(path)!;
      expect(pq, path).toBeDefined();
      expect(dig(st.nullCount, path.split('.')), path).toBe(pq.nullCount);
      const min = parseStatsValue(dig(st.minValues, path.split('.')), t);
      const max = parseStatsValue(dig(st.maxValues, path.split('.')), t);
      if (pq.min === undefined || pq.max === undefined) continue;
      if (t.type === 'timestamp' || t.type === 'timestamp_ntz') {
        const floorMs = (v: bigint) => v - (((v % 1000n) + 1000n) % 1000n);
        expect(min, path).toBe(floorMs(pq.min as bigint));
        expect(max, path).toBe(floorMs(pq.max as bigint));
      } else if (t.type === 'string') {
        // Parquet writers may truncate too: ours must be at least as wide.
        expect(compareScalars(min as string, pq.min), path).toBeLessThanOrEqual(0);
        expect(compareScalars(pq.max, max as string), path).toBeLessThanOrEqual(0);
      } else {
        expect(min, path).toEqual(t.type === 'long' || t.type === 'decimal' ? BigInt(pq.min as bigint) : pq.min);
        expect(max, path).toEqual(t.type === 'long' || t.type === 'decimal' ? BigInt(pq.max as bigint) : pq.max);
      }
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(10);
  });
});

describe('StatsCollector: speed', () => {
  it('collects 1M rows x 7 columns quickly', () => {
    const n = 1_000_000;
    const schema = struct(
      fld('id', 'long'),
      fld('i', 'integer'),
      fld('d', 'double'),
      fld('s', 'string'),
      fld('ts', 'timestamp'),
      fld('dt', 'date'),
      fld('dec', { type: 'decimal', precision: 18, scale: 2 }),
    );
    const enc = new TextEncoder();
    const offsets = new Int32Array(n + 1);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (let k = 0; k < n; k++) {
      const b = enc.encode(`name_${(k * 7919) % 1000003}`);
      chunks.push(b);
      total += b.length;
      offsets[k + 1] = total;
    }
    const strBytes = new Uint8Array(total);
    chunks.forEach((b, k) => strBytes.set(b, offsets[k]));
    const dec = new Uint32Array(n * 4);
    for (let k = 0; k < n; k++) dec[k * 4] = (k * 3) % 100000;
    const arrowOf = (name: string) => deltaTypeToArrow(schema.fields.find((f) => f.name === name)!.type);
    const mk = (name: string, data: ArrayBufferView) =>
      arrow.makeData({ type: arrowOf(name), length: n, nullCount: 0, data } as never);
    const batch = batchOf({
      id: mk(
        'id',
        BigInt64Array.from({ length: n }, (_, k) => BigInt(k)),
      ),
      i: mk(
        'i',
        Int32Array.from({ length: n }, (_, k) => (k * 7919) % 100000),
      ),
      d: mk(
        'd',
        Float64Array.from({ length: n }, (_, k) => ((k * 7919) % 100003) / 7),
      ),
      s: arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, data: strBytes, valueOffsets: offsets }),
      ts: mk(
        'ts',
        BigInt64Array.from({ length: n }, (_, k) => 1_700_000_000_000_000n + BigInt(k) * 1000n),
      ),
      dt: mk(
        'dt',
        Int32Array.from({ length: n }, (_, k) => 19000 + (k % 1000)),
      ),
      dec: mk('dec', dec),
    });
    const run = () => {
      const c = new StatsCollector(schema);
      for (let k = 0; k < n; k += 65_536) c.update(batch.slice(k, Math.min(n, k + 65_536)));
      return c.toJson();
    };
    run(); // warm up
    let ms = Infinity;
    let json = '';
    // Best of 5, in CPU time: parallel test files share the CPU, so wall-clock timings are noisy.
    const cpuMs = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    for (let r = 0; r < 5; r++) {
      const t0 = cpuMs();
      json = run();
      ms = Math.min(ms, cpuMs() - t0);
    }
    console.log(`StatsCollector 1M x 7: ${ms.toFixed(1)} ms CPU`);
    expect(json).toContain('"maxValues":{"id":999999,"i":99999');
    expect(json).toContain('"s":"name_999999"');
    // Target is under 60 ms; the bound is loose so a busy machine does not fail the suite.
    expect(ms).toBeLessThan(300);
  });
});
