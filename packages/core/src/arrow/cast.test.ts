import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SchemaMismatchError } from '../errors.js';
import { castBatch, castData } from './cast.js';
import { bitmap, decimalWords, fixtures, rowsOf } from '../../test/support/arrow-samples.js';

const field = (name: string, type: arrow.DataType, nullable = true): arrow.Field =>
  new arrow.Field(name, type, nullable);
const vec = (values: unknown[], type: arrow.DataType): arrow.Data => arrow.vectorFromArray(values, type).data[0];
const fx = (name: string): arrow.Data => fixtures().find((f) => f.name === name)!.data;
type Buffers = ConstructorParameters<typeof arrow.Data>[4];
const raw = (type: arrow.DataType, values: ArrayBufferView, nulls: number[] = []): arrow.Data => {
  const n =
    (values as unknown as { length: number }).length /
    (type.typeId === arrow.Type.Decimal ? (type as arrow.Decimal).bitWidth / 32 : 1);
  return new arrow.Data(type, 0, n, nulls.length, [
    undefined,
    values,
    nulls.length ? bitmap(n, nulls) : undefined,
  ] as unknown as Buffers);
};
const bigints = (d: arrow.Data): (bigint | null)[] =>
  Array.from({ length: d.length }, (_, i) => (d.getValid(i) ? (d.values as BigInt64Array)[i] : null));
const decimals = (d: arrow.Data): (bigint | null)[] => {
  const w = (d.type as arrow.Decimal).bitWidth / 32;
  return Array.from({ length: d.length }, (_, i) => {
    if (!d.getValid(i)) return null;
    let x = 0n;
    for (let k = w - 1; k >= 0; k--) x = (x << 32n) | BigInt((d.values as Uint32Array)[i * w + k]);
    return BigInt.asIntN(w * 32, x);
  });
};

describe('castData: identity and relabels', () => {
  for (const { name, data } of fixtures()) {
    it(`keeps ${name} values when casting to the same type`, () => {
      const out = castData(data, data.type);
      expect(rowsOf(out)).toEqual(rowsOf(data));
      const sliced = data.slice(2, 6);
      expect(rowsOf(castData(sliced, data.type))).toEqual(rowsOf(sliced));
    });
  }

  it('relabels timestamp zones between none and UTC without shifting', () => {
    const d = fx('ts_us');
    const out = castData(d, new arrow.TimestampMicrosecond('UTC'));
    expect((out.type as arrow.Timestamp).timezone).toBe('UTC');
    expect(bigints(out)).toEqual(bigints(d));
    expect(bigints(castData(out, new arrow.TimestampMicrosecond()))).toEqual(bigints(d));
    const berlin = raw(new arrow.TimestampMicrosecond('Europe/Berlin'), BigInt64Array.from([5n]));
    expect(bigints(castData(berlin, new arrow.TimestampMicrosecond('UTC')))).toEqual([5n]);
    expect(() => castData(berlin, new arrow.TimestampMicrosecond())).toThrow(SchemaMismatchError);
    expect(() => castData(d, new arrow.TimestampMicrosecond('Asia/Tokyo'))).toThrow(SchemaMismatchError);
  });
});

describe('castData: numbers', () => {
  it('widens every signed integer upward', () => {
    const widths = [
      ['int8', new arrow.Int8()],
      ['int16', new arrow.Int16()],
      ['int32', new arrow.Int32()],
    ] as const;
    const targets = [new arrow.Int16(), new arrow.Int32(), new arrow.Int64()];
    for (const [name, t] of widths) {
      const src = fx(name).slice(1, 7);
      const expected = rowsOf(src).map((v) => (v === null ? null : v));
      for (const target of targets.filter((x) => x.bitWidth > t.bitWidth)) {
        const out = castData(src, target);
        const got = target.bitWidth === 64 ? bigints(out).map((v) => (v === null ? null : Number(v))) : rowsOf(out);
        expect(got, `${name} -> ${String(target)}`).toEqual(expected);
      }
    }
  });

  it('widens unsigned integers to wider signed ones and checks uint64', () => {
    expect(rowsOf(castData(fx('uint8'), new arrow.Int16()))).toEqual(rowsOf(fx('uint8')));
    expect(rowsOf(castData(fx('uint16'), new arrow.Int32()))).toEqual(rowsOf(fx('uint16')));
    expect(bigints(castData(fx('uint32'), new arrow.Int64()))).toEqual([
      0n,
      4294967295n,
      null,
      1n,
      2n,
      3n,
      4n,
      null,
      200n,
    ]);
    const small = raw(new arrow.Uint64(), BigUint64Array.from([1n, 2n ** 63n - 1n, 2n ** 64n - 1n]), [2]);
    expect(bigints(castData(small, new arrow.Int64()))).toEqual([1n, 2n ** 63n - 1n, null]);
    expect(() => castData(fx('uint64'), new arrow.Int64())).toThrow(/exceeds the long range/);
  });

  it('refuses narrowing, unsigned targets and strings to numbers', () => {
    expect(() => castData(fx('int64'), new arrow.Int32())).toThrow(SchemaMismatchError);
    expect(() => castData(fx('uint8'), new arrow.Int8())).toThrow(SchemaMismatchError);
    expect(() => castData(fx('int8'), new arrow.Uint16())).toThrow(SchemaMismatchError);
    expect(() => castData(fx('utf8'), new arrow.Int32())).toThrow(SchemaMismatchError);
    expect(() => castData(fx('float64'), new arrow.Float32())).toThrow(SchemaMismatchError);
    expect(() => castData(fx('int32'), new arrow.Float32())).toThrow(SchemaMismatchError);
  });

  it('widens integers and float to double', () => {
    expect(rowsOf(castData(fx('int32'), new arrow.Float64()))).toEqual(rowsOf(fx('int32')));
    expect(rowsOf(castData(fx('float32'), new arrow.Float64()))).toEqual(rowsOf(fx('float32')));
    expect(rowsOf(castData(fx('int64'), new arrow.Float64()))).toEqual([
      1,
      -2,
      null,
      2 ** 62,
      0,
      -(2 ** 63),
      9007199254740992,
      null,
      5,
    ]);
    expect(rowsOf(castData(fx('uint64'), new arrow.Float64()))[1]).toBe(2 ** 64);
    expect(rowsOf(castData(fx('float32').slice(3, 3), new arrow.Float64()))).toEqual([-0, Infinity, -Infinity]);
  });

  it('casts integers to decimals, scaling by 10^s', () => {
    expect(decimals(castData(fx('int8'), new arrow.Decimal(2, 10, 128)))).toEqual([
      100n,
      -200n,
      null,
      300n,
      0n,
      12700n,
      -12800n,
      null,
      500n,
    ]);
    expect(decimals(castData(fx('int64'), new arrow.Decimal(0, 20, 128)))).toEqual([
      1n,
      -2n,
      null,
      2n ** 62n,
      0n,
      -(2n ** 63n),
      9007199254740993n,
      null,
      5n,
    ]);
    expect(decimals(castData(fx('int32'), new arrow.Decimal(18, 38, 128)))).toEqual(
      [1n, -2n, null, 3n, 0n, 127n, -128n, null, 5n].map((v) => (v === null ? null : v * 10n ** 18n)),
    );
    expect(decimals(castData(fx('int16'), new arrow.Decimal(3, 40, 256)))[6]).toBe(-128000n);
    expect(() => castData(fx('int32'), new arrow.Decimal(2, 4, 128))).toThrow(/does not fit decimal\(4,2\)/);
    expect(
      decimals(castData(raw(new arrow.Int32(), Int32Array.from([99, 12345]), [1]), new arrow.Decimal(2, 4, 128))),
    ).toEqual([9900n, null]);
  });

  it('rescales decimals to a larger scale and checks precision', () => {
    const d = raw(new arrow.Decimal(2, 10, 128), decimalWords([12345n, -99999n, 0n, 10n ** 9n], 128), [2]);
    expect(decimals(castData(d, new arrow.Decimal(4, 12, 128)))).toEqual([1234500n, -9999900n, null, 10n ** 11n]);
    expect(decimals(castData(d, new arrow.Decimal(30, 38, 128)))).toEqual([
      12345n * 10n ** 28n,
      -99999n * 10n ** 28n,
      null,
      10n ** 37n,
    ]);
    expect(decimals(castData(d, new arrow.Decimal(2, 40, 256)))).toEqual([12345n, -99999n, null, 10n ** 9n]);
    const precisionOnly = castData(d, new arrow.Decimal(2, 20, 128));
    expect(precisionOnly.values).toBe(d.values);
    expect(() => castData(d, new arrow.Decimal(1, 12, 128))).toThrow(/scale cannot shrink/);
    expect(() => castData(d, new arrow.Decimal(4, 8, 128))).toThrow(/does not fit/);
    const big = raw(new arrow.Decimal(0, 38, 128), decimalWords([-(10n ** 36n), 2n ** 60n], 128));
    expect(decimals(castData(big, new arrow.Decimal(1, 38, 128)))).toEqual([-(10n ** 37n), 2n ** 60n * 10n]);
    const full = raw(new arrow.Decimal(0, 38, 128), decimalWords([-(10n ** 37n)], 128));
    expect(() => castData(full, new arrow.Decimal(1, 38, 128))).toThrow(/does not fit decimal\(38,1\)/);
  });
});

describe('castData: temporal', () => {
  const micros = bigints(fx('ts_us'));

  it('converts seconds, milliseconds and nanoseconds to microseconds', () => {
    const s = raw(new arrow.TimestampSecond(), BigInt64Array.from([1n, -1n, 253402300799n, -62135596800n]));
    expect(bigints(castData(s, new arrow.TimestampMicrosecond()))).toEqual([
      1000000n,
      -1000000n,
      253402300799000000n,
      -62135596800000000n,
    ]);
    const ms = raw(new arrow.TimestampMillisecond('UTC'), BigInt64Array.from([1n, -1n, 253402300799999n]), [1]);
    expect(bigints(castData(ms, new arrow.TimestampMicrosecond('UTC')))).toEqual([1000n, null, 253402300799999000n]);
    const ns = raw(
      new arrow.TimestampNanosecond(),
      BigInt64Array.from([1999n, -1n, -1000n, -1001n, 9223372036854775807n, -9223372036854775808n]),
    );
    expect(bigints(castData(ns, new arrow.TimestampMicrosecond('UTC')))).toEqual([
      1n,
      -1n,
      -1n,
      -2n,
      9223372036854775n,
      -9223372036854776n,
    ]);
    const sliced = castData(fx('ts_ms_utc').slice(3, 4), new arrow.TimestampMicrosecond('UTC'));
    expect(bigints(sliced)).toEqual(micros.slice(3, 7).map((v) => (v === null ? null : (v / 1000n) * 1000n)));
  });

  it('reports overflow when seconds do not fit microseconds', () => {
    const s = raw(new arrow.TimestampSecond(), BigInt64Array.from([2n ** 60n]));
    expect(() => castData(s, new arrow.TimestampMicrosecond())).toThrow(/out of the microsecond timestamp range/);
    expect(() => castData(fx('ts_us'), new arrow.TimestampNanosecond())).toThrow(SchemaMismatchError);
  });

  it('widens dates to timestamp_ntz and narrows date64 to date32', () => {
    const out = castData(fx('date32'), new arrow.TimestampMicrosecond());
    expect(bigints(out)).toEqual(
      [0, -1, null, 2932896, -719162, 19000, 1, null, 365].map((d) => (d === null ? null : BigInt(d) * 86400000000n)),
    );
    expect(bigints(castData(fx('date64'), new arrow.TimestampMicrosecond()))).toEqual(bigints(out));
    expect(() => castData(fx('date32'), new arrow.TimestampMicrosecond('UTC'))).toThrow(SchemaMismatchError);
    expect(rowsOf(castData(fx('date64'), new arrow.DateDay()))).toEqual(rowsOf(fx('date32')));
    const ms = raw(new arrow.DateMillisecond(), BigInt64Array.from([-1n, 86400000n]));
    expect(Array.from(castData(ms, new arrow.DateDay()).values as Int32Array)).toEqual([-1, 1]);
  });
});

describe('castData: strings, dictionaries and nulls', () => {
  it('narrows large strings and binaries, also when sliced', () => {
    for (const [src, target, plain] of [
      ['largeutf8', new arrow.Utf8(), 'utf8'],
      ['largebinary', new arrow.Binary(), 'binary'],
    ] as const) {
      const out = castData(fx(src).slice(3, 5), target);
      expect(out.valueOffsets).toBeInstanceOf(Int32Array);
      expect(rowsOf(out)).toEqual(rowsOf(fx(plain)).slice(3, 8));
    }
    expect(rowsOf(castData(fx('utf8'), new arrow.LargeUtf8()))).toEqual(rowsOf(fx('utf8')));
    expect(() => castData(fx('utf8'), new arrow.Binary())).toThrow(SchemaMismatchError);
  });

  it('decodes view strings and fixed-size binaries', () => {
    const strs = ['short', null, 'a string longer than twelve bytes', ''];
    const view = arrow.vectorFromArray(strs, new arrow.Utf8View()).data[0];
    expect(rowsOf(castData(view, new arrow.Utf8()))).toEqual(strs);
    const fsb = castData(fx('fixedsizebinary'), new arrow.Binary());
    expect(rowsOf(fsb)).toEqual(rowsOf(fx('fixedsizebinary')));
  });

  it('decodes dictionaries to their values, then casts', () => {
    expect(rowsOf(castData(fx('dictionary'), new arrow.Utf8()))).toEqual(rowsOf(fx('dictionary')));
    const ints = vec([1, null, 2, 1], new arrow.Dictionary(new arrow.Int16(), new arrow.Int8()));
    expect(bigints(castData(ints.slice(1, 3), new arrow.Int64()))).toEqual([null, 2n, 1n]);
    const dictTarget = new arrow.Dictionary(new arrow.LargeUtf8(), new arrow.Int32());
    expect(rowsOf(castData(fx('dictionary'), dictTarget))).toEqual(rowsOf(fx('dictionary')));
  });

  it('turns a Null column into nulls of any type', () => {
    const target = fixtures().find((f) => f.name === 'struct_of_list_of_map')!.data.type;
    const out = castData(fx('null'), target);
    expect(out.type).toBe(target);
    expect(rowsOf(out)).toEqual(new Array(9).fill(null));
  });
});

describe('castData: nested', () => {
  it('renames list and map children and widens leaves inside them', () => {
    const list = fx('list_of_struct');
    const elem = new arrow.Struct([
      field('x', new arrow.Int64()),
      field('y', new arrow.List(field('element', new arrow.LargeUtf8()))),
    ]);
    const target = new arrow.List(field('element', elem, false));
    const out = castData(list.slice(1, 8), target);
    expect(out.type.children[0].name).toBe('element');
    expect(out.type.children[0].nullable).toBe(false);
    const expected = rowsOf(list.slice(1, 8)).map((row) =>
      row === null
        ? null
        : (row as ({ x: number | null; y: unknown } | null)[]).map((s) =>
            s === null ? null : { ...s, x: s.x === null ? null : `${s.x}n` },
          ),
    );
    expect(rowsOf(out)).toEqual(expected);

    const m = fx('map');
    const mapTarget = new arrow.Map_(
      field(
        'key_value',
        new arrow.Struct([field('k', new arrow.LargeUtf8(), false), field('v', new arrow.Decimal(0, 20, 128))]),
        false,
      ),
    );
    const mo = castData(m, mapTarget);
    expect(rowsOf(mo)[0]).toEqual([
      { key: 'a', value: `dec:${Array.from(decimalWords([1n], 128)).join(',')}` },
      { key: 'b', value: null },
    ]);
  });

  it('casts struct children by position with target names', () => {
    const s = fx('struct');
    const target = new arrow.Struct([field('id', new arrow.Int64()), field('name', new arrow.Utf8())]);
    const out = castData(s.slice(2, 3), target);
    expect(rowsOf(out)).toEqual([
      { id: null, name: 'y' },
      { id: '4n', name: null },
      { id: '5n', name: 'e' },
    ]);
    const wrongArity = new arrow.Struct([field('id', new arrow.Int64())]);
    expect(() => castData(s, wrongArity)).toThrow(/struct has 2 fields/);
  });

  it('converts between List and LargeList and keeps fixed-size lists', () => {
    const l = fx('list');
    const large = castData(l.slice(3, 4), new arrow.LargeList(field('element', new arrow.Int64())));
    expect(large.valueOffsets).toBeInstanceOf(BigInt64Array);
    expect(rowsOf(large)).toEqual(
      rowsOf(l.slice(3, 4)).map((r) =>
        r === null ? null : (r as (number | null)[]).map((v) => (v === null ? null : `${v}n`)),
      ),
    );
    const back = castData(fx('largelist'), new arrow.List(field('item', new arrow.Int32())));
    expect(rowsOf(back)).toEqual(rowsOf(l));
    const fsl = castData(fx('fixedsizelist'), new arrow.FixedSizeList(2, field('element', new arrow.Float64())));
    expect(rowsOf(fsl)).toEqual(rowsOf(fx('fixedsizelist')));
    expect(() => castData(fx('fixedsizelist'), new arrow.FixedSizeList(3, field('e', new arrow.Int32())))).toThrow(
      SchemaMismatchError,
    );
  });

  it('names the failing nested path', () => {
    const target = new arrow.Struct([field('l', new arrow.List(field('item', new arrow.Utf8())))]);
    expect(() => castData(fx('struct_of_list_of_map'), target)).toThrow(/value\.l\[\]/);
  });
});

describe('castBatch', () => {
  it('casts by position and keeps target names and metadata', () => {
    const cols = [fx('int32'), fx('ts_ns'), fx('null'), fx('dictionary')];
    const fields = cols.map((d, i) => field(`src${i}`, d.type));
    const batch = new arrow.RecordBatch(
      new arrow.Schema(fields),
      arrow.makeData({ type: new arrow.Struct(fields), length: 9, nullCount: 0, children: cols }),
    );
    const meta = new Map([['delta.columnMapping.id', '7']]);
    const target = new arrow.Schema(
      [
        new arrow.Field('id', new arrow.Int64(), true, meta),
        field('ts', new arrow.TimestampMicrosecond('UTC')),
        field('added', new arrow.Utf8()),
        field('s', new arrow.Utf8()),
      ],
      new Map([['k', 'v']]),
    );
    const out = castBatch(batch, target);
    expect(out.schema.fields.map((f) => f.name)).toEqual(['id', 'ts', 'added', 's']);
    expect(out.schema.fields[0].metadata.get('delta.columnMapping.id')).toBe('7');
    expect(out.schema.metadata.get('k')).toBe('v');
    expect(bigints(out.data.children[0])).toEqual([1n, -2n, null, 3n, 0n, 127n, -128n, null, 5n]);
    expect(rowsOf(out.data.children[2])).toEqual(new Array(9).fill(null));
    expect(rowsOf(out.data.children[3])).toEqual(rowsOf(fx('dictionary')));
    const back = arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table([out])));
    expect(back.schema.fields.map((f) => String(f.type))).toEqual(target.fields.map((f) => String(f.type)));
    expect(() => castBatch(batch, new arrow.Schema(target.fields.slice(1)))).toThrow(/4 columns to a schema with 3/);
  });
});
