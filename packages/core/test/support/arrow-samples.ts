/**
 * Test-only: one sample column per Arrow type the kernels support (nulls included, nested
 * types, a column without a validity bitmap), plus an independent row reader built on
 * Arrow's own accessors to check kernel output against.
 */
import * as arrow from 'apache-arrow';

export interface Fixture {
  name: string;
  data: arrow.Data;
}

const N = 9;

const field = (name: string, type: arrow.DataType, nullable = true): arrow.Field =>
  new arrow.Field(name, type, nullable);
const vec = (values: unknown[], type: arrow.DataType): arrow.Data => {
  const v = arrow.vectorFromArray(values, type);
  return v.data.length === 1 ? v.data[0] : arrow.makeVector(v.toArray()).data[0];
};

/** A validity bitmap with the given rows null. */
export function bitmap(n: number, nullRows: number[]): Uint8Array {
  const bm = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (!nullRows.includes(i)) bm[i >> 3] |= 1 << (i & 7);
  return bm;
}

/** Decimal words (little-endian uint32) for unscaled values. */
export function decimalWords(values: bigint[], bitWidth: 128 | 256): Uint32Array {
  const words = bitWidth / 32;
  const out = new Uint32Array(values.length * words);
  values.forEach((v, i) => {
    let x = BigInt.asUintN(bitWidth, v);
    for (let k = 0; k < words; k++) {
      out[i * words + k] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  });
  return out;
}

function fixed(type: arrow.DataType, data: ArrayBufferView, nulls: number[] = [2, 7]): arrow.Data {
  type Buffers = ConstructorParameters<typeof arrow.Data>[4];
  return new arrow.Data(type, 0, N, nulls.length, [undefined, data, bitmap(N, nulls)] as unknown as Buffers);
}

const ints = [1, -2, null, 3, 0, 127, -128, null, 5];
const i64 = [1n, -2n, null, 2n ** 62n, 0n, -(2n ** 63n), 9007199254740993n, null, 5n];
const strs = ['a', '', null, 'ünïcödé ✓', 'x'.repeat(100), 'bb', 'c', null, 'the end'];
const bins = strs.map((s) => (s === null ? null : new TextEncoder().encode(s)));
const decs = [12345n, -99999n, 0n, 0n, 1n, -1n, 10n ** 37n, 0n, 5n];
const days = [0, -1, 0, 2932896, -719162, 19000, 1, 0, 365];
const micros = [0n, -1n, 0n, 253402214400000000n, -62135596800000000n, 1234567890123456n, 1n, 0n, 86400000000n];

/** Every supported type, 9 rows each. */
export function fixtures(): Fixture[] {
  const intField = field('item', new arrow.Int32());
  const mapType = new arrow.Map_(
    field(
      'entries',
      new arrow.Struct([field('key', new arrow.Utf8(), false), field('value', new arrow.Int64())]),
      false,
    ),
  );
  const out: Fixture[] = [
    { name: 'int8', data: vec(ints, new arrow.Int8()) },
    { name: 'int16', data: vec(ints, new arrow.Int16()) },
    { name: 'int32', data: vec(ints, new arrow.Int32()) },
    { name: 'int64', data: vec(i64, new arrow.Int64()) },
    { name: 'uint8', data: vec([0, 255, null, 1, 2, 3, 4, null, 200], new arrow.Uint8()) },
    { name: 'uint16', data: vec([0, 65535, null, 1, 2, 3, 4, null, 200], new arrow.Uint16()) },
    { name: 'uint32', data: vec([0, 4294967295, null, 1, 2, 3, 4, null, 200], new arrow.Uint32()) },
    { name: 'uint64', data: vec([0n, 2n ** 64n - 1n, null, 1n, 2n, 3n, 4n, null, 200n], new arrow.Uint64()) },
    { name: 'float32', data: vec([1.5, NaN, null, -0, Infinity, -Infinity, 3.25, null, 1e30], new arrow.Float32()) },
    { name: 'float64', data: vec([1.5, NaN, null, -0, Infinity, -Infinity, 0.1, null, 1e300], new arrow.Float64()) },
    { name: 'bool', data: vec([true, false, null, true, true, false, true, null, false], new arrow.Bool()) },
    { name: 'utf8', data: vec(strs, new arrow.Utf8()) },
    { name: 'largeutf8', data: vec(strs, new arrow.LargeUtf8()) },
    { name: 'utf8view', data: vec(strs, new arrow.Utf8View()) },
    { name: 'binary', data: vec(bins, new arrow.Binary()) },
    { name: 'largebinary', data: vec(bins, new arrow.LargeBinary()) },
    {
      name: 'fixedsizebinary',
      data: vec(
        bins.map((b) => (b === null ? null : Uint8Array.from([b.length, 1, 2]))),
        new arrow.FixedSizeBinary(3),
      ),
    },
    { name: 'decimal128', data: fixed(new arrow.Decimal(2, 38, 128), decimalWords(decs, 128)) },
    { name: 'decimal256', data: fixed(new arrow.Decimal(4, 76, 256), decimalWords(decs, 256)) },
    { name: 'date32', data: fixed(new arrow.DateDay(), Int32Array.from(days)) },
    {
      name: 'date64',
      data: fixed(new arrow.DateMillisecond(), BigInt64Array.from(days.map((d) => BigInt(d) * 86400000n))),
    },
    { name: 'ts_s', data: fixed(new arrow.TimestampSecond(), BigInt64Array.from(micros.map((m) => m / 1000000n))) },
    {
      name: 'ts_ms_utc',
      data: fixed(new arrow.TimestampMillisecond('UTC'), BigInt64Array.from(micros.map((m) => m / 1000n))),
    },
    { name: 'ts_us', data: fixed(new arrow.TimestampMicrosecond(), BigInt64Array.from(micros)) },
    { name: 'ts_us_utc', data: fixed(new arrow.TimestampMicrosecond('UTC'), BigInt64Array.from(micros)) },
    {
      name: 'ts_ns',
      data: fixed(
        new arrow.TimestampNanosecond(),
        BigInt64Array.from(micros.map((m) => (m % 9000000000n) * 1000n + 7n)),
      ),
    },
    {
      name: 'time32',
      data: fixed(new arrow.TimeMillisecond(), Int32Array.from(days.map((d) => Math.abs(d) % 86400000))),
    },
    {
      name: 'time64',
      data: fixed(new arrow.TimeMicrosecond(), BigInt64Array.from(micros.map((m) => (m < 0n ? -m : m) % 86400000000n))),
    },
    { name: 'null', data: arrow.makeData({ type: new arrow.Null(), length: N }) },
    {
      name: 'int32_no_bitmap',
      data: arrow.makeData({ type: new arrow.Int32(), length: N, data: Int32Array.from([9, 8, 7, 6, 5, 4, 3, 2, 1]) }),
    },
    { name: 'utf8_all_null', data: vec(new Array<null>(N).fill(null), new arrow.Utf8()) },
    {
      name: 'struct',
      data: vec(
        [
          { a: 1, b: 'x' },
          null,
          { a: null, b: 'y' },
          { a: 4, b: null },
          { a: 5, b: 'e' },
          { a: 6, b: 'f' },
          null,
          { a: 8, b: 'h' },
          { a: 9, b: 'i' },
        ],
        new arrow.Struct([field('a', new arrow.Int32()), field('b', new arrow.Utf8())]),
      ),
    },
    {
      name: 'list',
      data: vec([[1, 2], null, [], [3], [null, 4], [5, 6, 7], null, [8], []], new arrow.List(intField)),
    },
    {
      name: 'largelist',
      data: vec([[1, 2], null, [], [3], [null, 4], [5, 6, 7], null, [8], []], new arrow.LargeList(intField)),
    },
    {
      name: 'fixedsizelist',
      data: vec(
        [[1, 2], null, [3, null], [4, 5], [6, 7], [8, 9], null, [10, 11], [12, 13]],
        new arrow.FixedSizeList(2, intField),
      ),
    },
    {
      name: 'map',
      data: vec(
        [
          new Map([
            ['a', 1n],
            ['b', null],
          ]),
          null,
          new Map(),
          new Map([['c', 3n]]),
          new Map([
            ['d', 4n],
            ['e', 5n],
          ]),
          new Map([['f', 6n]]),
          null,
          new Map([['g', 7n]]),
          new Map(),
        ],
        mapType,
      ),
    },
    {
      name: 'dictionary',
      data: vec(
        ['a', null, 'b', 'a', 'c', 'c', 'b', null, 'a'],
        new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
      ),
    },
    {
      name: 'struct_of_list_of_map',
      data: vec(
        [
          { l: [new Map([['k', 1n]]), null] },
          null,
          { l: null },
          { l: [] },
          {
            l: [
              new Map([
                ['x', 2n],
                ['y', null],
              ]),
            ],
          },
          { l: [new Map()] },
          { l: [new Map([['z', 3n]]), new Map([['w', 4n]])] },
          null,
          { l: [null] },
        ],
        new arrow.Struct([field('l', new arrow.List(field('item', mapType)))]),
      ),
    },
    {
      name: 'list_of_struct',
      data: vec(
        [
          [{ x: 1, y: ['a'] }, null],
          null,
          [],
          [{ x: null, y: null }],
          [
            { x: 3, y: [] },
            { x: 4, y: ['b', null, 'c'] },
          ],
          [{ x: 5, y: ['d'] }],
          null,
          [{ x: 6, y: ['e', 'f'] }],
          [null],
        ],
        new arrow.List(
          field(
            'item',
            new arrow.Struct([
              field('x', new arrow.Int32()),
              field('y', new arrow.List(field('item', new arrow.Utf8()))),
            ]),
          ),
        ),
      ),
    },
  ];
  return out;
}

/** Independent reader: one plain JS value per row, via Arrow's own getters (raw words for decimals/64-bit). */
export function rowsOf(data: arrow.Data): unknown[] {
  return Array.from({ length: data.length }, (_, i) => cell(data, i));
}

function cell(data: arrow.Data, i: number): unknown {
  if (data.typeId === arrow.Type.Null || !data.getValid(i)) return null;
  const t = data.type;
  switch (t.typeId) {
    case arrow.Type.Struct:
      return Object.fromEntries(t.children.map((f, k) => [f.name, cell(data.children[k], i)]));
    case arrow.Type.List:
    case arrow.Type.LargeList:
    case arrow.Type.Map: {
      const o = data.valueOffsets as ArrayLike<number | bigint>;
      const out: unknown[] = [];
      for (let j = Number(o[i]); j < Number(o[i + 1]); j++) out.push(cell(data.children[0], j));
      return out;
    }
    case arrow.Type.FixedSizeList: {
      const size = (t as arrow.FixedSizeList).listSize;
      return Array.from({ length: size }, (_, k) => cell(data.children[0], i * size + k));
    }
    case arrow.Type.Decimal: {
      const w = (t as arrow.Decimal).bitWidth / 32;
      return `dec:${Array.from((data.values as Uint32Array).subarray(i * w, (i + 1) * w)).join(',')}`;
    }
    case arrow.Type.Dictionary:
      return norm(arrow.makeVector(data).get(i));
    default: {
      const v = (data.values as ArrayLike<unknown>)[i];
      if (typeof v === 'bigint') return `${v}n`;
      return norm(arrow.makeVector(data).get(i));
    }
  }
}

function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `bytes:${Array.from(v).join(',')}`;
  return v;
}
