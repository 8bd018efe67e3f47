import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptDataError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { LocalStore } from '../storage/local-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { openParquetFile } from './reader.js';
import { writeParquet } from './writer.js';

const N = 7;

/** Little-endian 128-bit words of a bigint (two's complement). */
function decimalWords(values: (bigint | null)[]): Uint32Array {
  const out = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    let x = BigInt.asUintN(128, v ?? 0n);
    for (let w = 0; w < 4; w++) {
      out[i * 4 + w] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  });
  return out;
}

function validity(values: unknown[]): Uint8Array {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) bits[i >> 3]! |= 1 << (i & 7);
  });
  return bits;
}

function nulls(values: unknown[]): number {
  return values.filter((v) => v === null).length;
}

function decimal(precision: number, scale: number, values: (bigint | null)[]): arrow.Vector {
  return arrow.makeVector(
    arrow.makeData({
      type: new arrow.Decimal(scale, precision, 128),
      length: values.length,
      nullCount: nulls(values),
      nullBitmap: validity(values),
      data: decimalWords(values),
    }),
  );
}

function timestamps(tz: string | null, values: (bigint | null)[]): arrow.Vector {
  return arrow.makeVector(
    arrow.makeData({
      type: new arrow.TimestampMicrosecond(tz),
      length: values.length,
      nullCount: nulls(values),
      nullBitmap: validity(values),
      data: BigInt64Array.from(values, (v) => v ?? 0n),
    }),
  );
}

function dates(values: (number | null)[]): arrow.Vector {
  return arrow.makeVector(
    arrow.makeData({
      type: new arrow.DateDay(),
      length: values.length,
      nullCount: nulls(values),
      nullBitmap: validity(values),
      data: Int32Array.from(values, (v) => v ?? 0),
    }),
  );
}

const f = (name: string, type: arrow.DataType, nullable = true) => new arrow.Field(name, type, nullable);
const structType = new arrow.Struct([f('a', new arrow.Int32()), f('b', new arrow.Utf8())]);
const listType = new arrow.List(f('item', new arrow.Int64()));
type Entries = arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>;
const mapOf = (key: arrow.DataType, value: arrow.DataType) =>
  new arrow.Map_(
    f('entries', new arrow.Struct([f('key', key, false), f('value', value)]), false) as arrow.Field<Entries>,
  );
const mapType = mapOf(new arrow.Int32(), new arrow.Utf8());
const nestedType = new arrow.List(
  f(
    'item',
    new arrow.Struct([
      f('m', mapOf(new arrow.Utf8(), new arrow.List(f('item', new arrow.Int64())))),
      f('s', new arrow.Struct([f('d', new arrow.Float64())])),
    ]),
  ),
);

/** One column per Delta type, nulls included, extreme values where they matter. */
function allTypesTable(): arrow.Table {
  return new arrow.Table({
    long: arrow.vectorFromArray([0n, -(2n ** 63n), 2n ** 63n - 1n, null, 42n, -1n, 7n], new arrow.Int64()),
    int: arrow.vectorFromArray([0, -(2 ** 31), 2 ** 31 - 1, null, 1, 2, 3], new arrow.Int32()),
    short: arrow.vectorFromArray([0, -32768, 32767, null, 1, 2, 3], new arrow.Int16()),
    byte: arrow.vectorFromArray([0, -128, 127, null, 1, 2, 3], new arrow.Int8()),
    float: arrow.vectorFromArray([0, -1.5, 3.25, null, Infinity, NaN, -0], new arrow.Float32()),
    double: arrow.vectorFromArray([0, -1e308, 1e-308, null, -Infinity, NaN, Math.PI], new arrow.Float64()),
    boolean: arrow.vectorFromArray([true, false, null, true, false, true, null], new arrow.Bool()),
    string: arrow.vectorFromArray(['', 'a', 'ünïcødé ✓', null, 'x'.repeat(100), 'b', 'c'], new arrow.Utf8()),
    binary: arrow.vectorFromArray(
      [
        new Uint8Array([]),
        new Uint8Array([0, 255]),
        null,
        new Uint8Array([1]),
        new Uint8Array([2, 3]),
        new Uint8Array([9]),
        null,
      ],
      new arrow.Binary(),
    ),
    date: dates([0, -719162, 2932896, null, 18262, -1, 1]), // 0001-01-01 .. 9999-12-31
    timestamp: timestamps('UTC', [0n, -62135596800000000n, 253402300799999999n, null, 1n, -1n, 1_600_000_000_123_456n]),
    timestamp_ntz: timestamps(null, [
      0n,
      -62135596800000000n,
      253402300799999999n,
      null,
      1n,
      -1n,
      1_600_000_000_123_456n,
    ]),
    dec5: decimal(5, 2, [0n, -99999n, 99999n, null, 1n, -1n, 12345n]),
    dec18: decimal(18, 6, [0n, -(10n ** 18n - 1n), 10n ** 18n - 1n, null, 1n, -1n, 123456789012345678n]),
    dec38: decimal(38, 10, [0n, -(10n ** 38n - 1n), 10n ** 38n - 1n, null, 1n, -1n, 12345678901234567890123456789n]),
    struct: arrow.vectorFromArray(
      [{ a: 1, b: 'x' }, null, { a: null, b: null }, { a: 4, b: 'y' }, { a: 5, b: '' }, null, { a: 7, b: 'z' }],
      structType,
    ),
    array: arrow.vectorFromArray([[1n, 2n], null, [], [null], [3n], [4n, 5n, 6n], []], listType),
    map: arrow.vectorFromArray(
      [
        new Map([[1, 'a']]),
        null,
        new Map(),
        new Map([
          [2, 'b'],
          [3, null],
        ]),
        new Map([[-4, 'd']]),
        new Map(),
        null,
      ],
      mapType,
    ),
    nested: arrow.vectorFromArray(
      [
        [{ m: new Map([['k', [1n, null]]]), s: { d: 1.5 } }, null],
        null,
        [],
        [{ m: null, s: null }],
        [
          {
            m: new Map([
              ['a', null],
              ['b', []],
            ]),
            s: { d: null },
          },
        ],
        [{ m: new Map(), s: { d: -2 } }],
        null,
      ],
      nestedType,
    ),
  });
}

/** Plain JS form of a value for deep comparison (bigints and bytes made comparable). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v;
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  if (v instanceof Uint32Array) return `${arrow.util.bigNumToBigInt(v as never)}n`; // decimal words
  if (v instanceof arrow.Vector) return [...v].map(plain);
  if (v instanceof arrow.MapRow) return [...(v as Iterable<[unknown, unknown]>)].map(([k, x]) => [plain(k), plain(x)]);
  if (v instanceof arrow.StructRow)
    return Object.fromEntries(Object.entries(v.toJSON()).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Raw int64 values of a column (Arrow JS `get` turns timestamps into lossy milliseconds). */
function raw64(v: arrow.Vector): (bigint | null)[] {
  return v.data.flatMap((d) => Array.from(d.values as BigInt64Array, (x, i) => (d.getValid(i) ? x : null)));
}

function rows(t: arrow.Table | arrow.RecordBatch): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < t.numRows; i++) out.push(t.schema.fields.map((fld) => plain(t.getChild(fld.name)!.get(i))));
  return out;
}

async function readAll(store: ObjectStore, path: string, opts = {}): Promise<arrow.Table> {
  const file = await openParquetFile(store, path);
  try {
    const batches: arrow.RecordBatch[] = [];
    for await (const b of file.readBatches(opts)) batches.push(b);
    return batches.length > 0 ? new arrow.Table(batches) : new arrow.Table(file.arrowSchema());
  } finally {
    file.close();
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ds-parquet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('round trip of every Delta type', () => {
  for (const kind of ['memory', 'local'] as const) {
    it(`writes and reads back identical values (${kind} store)`, async () => {
      const store: ObjectStore = kind === 'memory' ? new MemoryStore() : new LocalStore(dir);
      const source = allTypesTable();
      await store.put('t/all.parquet', await writeParquet(source, { rowGroupSize: 3 }));
      const back = await readAll(store, 't/all.parquet');
      expect(back.numRows).toBe(N);
      expect(back.schema.names).toEqual(source.schema.names);
      expect(rows(back)).toEqual(rows(source));
      const get = (col: string, i: number) => plain(back.getChild(col)!.get(i));
      expect(get('dec38', 2)).toBe(`${10n ** 38n - 1n}n`);
      expect(get('dec18', 1)).toBe(`${-(10n ** 18n - 1n)}n`);
      for (const col of ['timestamp', 'timestamp_ntz']) {
        expect(raw64(back.getChild(col)!)).toEqual(raw64(source.getChild(col)!));
      }
      expect(raw64(back.getChild('timestamp')!)[2]).toBe(253402300799999999n);
      expect(get('long', 1)).toBe(`${-(2n ** 63n)}n`);
      expect(get('map', 3)).toEqual([
        [2, 'b'],
        [3, null],
      ]);
      expect(get('nested', 0)).toEqual([{ m: [['k', ['1n', null]]], s: { d: 1.5 } }, null]);
      expect(get('binary', 1)).toBe('0x00ff');
      // Types come back as Delta expects them.
      const types = Object.fromEntries(back.schema.fields.map((x) => [x.name, String(x.type)]));
      expect(types).toMatchObject({
        long: 'Int64',
        int: 'Int32',
        short: 'Int16',
        byte: 'Int8',
        float: 'Float32',
        date: 'Date32<DAY>',
        timestamp: 'Timestamp<MICROSECOND, UTC>',
        timestamp_ntz: 'Timestamp<MICROSECOND>',
        dec5: 'Decimal[5e+2]', // Arrow JS prints precision e+scale
        dec38: 'Decimal[38e+10]',
        array: 'List<Int64>',
      });
    });
  }

  it('streams row group by row group with the requested batch size', async () => {
    const store = new MemoryStore();
    await store.put('a.parquet', await writeParquet(allTypesTable(), { rowGroupSize: 3 }));
    const file = await openParquetFile(store, 'a.parquet');
    expect(file.metadata.rowGroups.map((g) => g.numRows)).toEqual([3, 3, 1]);
    const sizes: number[] = [];
    for await (const b of file.readBatches({ batchSize: 2 })) sizes.push(b.numRows);
    expect(sizes).toEqual([2, 1, 2, 1, 1]);
    const picked: bigint[] = [];
    for await (const b of file.readBatches({ rowGroups: [2, 0], columns: ['long'] })) {
      expect(b.schema.names).toEqual(['long']);
      picked.push(...(b.getChild('long')!.toArray() as BigInt64Array));
    }
    expect(picked).toEqual([7n, 0n, -(2n ** 63n), 2n ** 63n - 1n]);
    file.close();
  });
});

describe('column selection', () => {
  let store: MemoryStore;
  beforeAll(async () => {
    store = new MemoryStore();
    await store.put('c.parquet', await writeParquet(allTypesTable()));
  });

  it('reads only the requested top-level columns, skipping absent ones', async () => {
    const t = await readAll(store, 'c.parquet', { columns: ['map', 'missing', 'int', 'int'] });
    expect(t.schema.names).toEqual(['int', 'map']); // file order
    expect(rows(t)[3]).toEqual([
      null,
      [
        [2, 'b'],
        [3, null],
      ],
    ]);
  });

  it('selects nested leaves by their dotted Parquet path (repeated groups included)', async () => {
    const file = await openParquetFile(store, 'c.parquet');
    const names = file.metadata.leaves.map((l) => l.path.join('.'));
    expect(names).toContain('struct.a');
    expect(names).toContain('array.list.element');
    expect(names).toContain('map.key_value.key');
    const batches: arrow.RecordBatch[] = [];
    for await (const b of file.readBatches({ columns: ['struct.b', 'array.list.element', 'array.item'] }))
      batches.push(b);
    const t = new arrow.Table(batches);
    expect(String(t.schema.fields[0]!.type)).toBe('Struct<{b:Utf8}>');
    expect(rows(t)[0]).toEqual([{ b: 'x' }, ['1n', '2n']]);
    file.close();
  });

  it('gives row counts without columns when none of the requested columns exists', async () => {
    const file = await openParquetFile(store, 'c.parquet');
    let n = 0;
    for await (const b of file.readBatches({ columns: ['nope'] })) {
      expect(b.numCols).toBe(0);
      n += b.numRows;
    }
    expect(n).toBe(N);
    file.close();
  });
});

describe('I/O through the store', () => {
  it('fetches the footer once and then only the selected column chunks', async () => {
    const store = new MemoryStore();
    const n = 200_000;
    const big = new arrow.Table({
      a: arrow.makeVector(Float64Array.from({ length: n }, (_, i) => i * 1.5)),
      b: arrow.makeVector(Int32Array.from({ length: n }, (_, i) => i)),
    });
    const bytes = await writeParquet(big, { compression: 'none', rowGroupSize: 100_000 });
    await store.put('big.parquet', bytes);
    const file = await openParquetFile(store, 'big.parquet', { size: bytes.length });
    expect(file.io()).toEqual({ requests: 1, bytesFetched: 64 * 1024 });
    let sum = 0;
    for await (const batch of file.readBatches({ columns: ['b'], rowGroups: [1] })) {
      for (const v of batch.getChild('b')!.toArray() as Int32Array) sum += v;
    }
    expect(sum).toBe((100_000 * (100_000 + 199_999)) / 2);
    const io = file.io();
    expect(io.requests).toBe(2);
    // Exactly one more read: the int column chunk of row group 1, not the doubles.
    expect(io.bytesFetched).toBe(64 * 1024 + file.metadata.rowGroups[1]!.columns.get('b')!.compressedSize);
    file.close();
  });

  it('surfaces the store error for a missing object and CorruptDataError for a non-Parquet object', async () => {
    const store = new MemoryStore();
    await expect(openParquetFile(store, 'nope.parquet')).rejects.toBeInstanceOf(NotFoundError);
    await store.put('x.parquet', new TextEncoder().encode('this is not parquet at all'));
    await expect(openParquetFile(store, 'x.parquet')).rejects.toBeInstanceOf(CorruptDataError);
  });

  it('reports a truncated object as CorruptDataError', async () => {
    const store = new MemoryStore();
    const bytes = await writeParquet(allTypesTable());
    await store.put('t.parquet', bytes.subarray(0, bytes.length - 100));
    await expect(openParquetFile(store, 't.parquet', { size: bytes.length })).rejects.toBeInstanceOf(CorruptDataError);
  });

  it('rejects bad options and use after close', async () => {
    const store = new MemoryStore();
    await store.put('t.parquet', await writeParquet(allTypesTable()));
    const file = await openParquetFile(store, 't.parquet');
    const batches = file.readBatches({ rowGroups: [5] });
    await expect(batches[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(file.readBatches({ batchSize: 0 })[Symbol.asyncIterator]().next()).rejects.toThrow(/batchSize/);
    file.close();
    expect(() => file.arrowSchema()).toThrow(InvalidArgumentError);
  });

  it('stops reading when the consumer stops early', async () => {
    const store = new MemoryStore();
    await store.put('t.parquet', await writeParquet(allTypesTable(), { rowGroupSize: 2 }));
    const file = await openParquetFile(store, 't.parquet');
    for await (const b of file.readBatches()) {
      expect(b.numRows).toBe(2);
      break;
    }
    let n = 0;
    for await (const b of file.readBatches()) n += b.numRows; // the file is still usable
    expect(n).toBe(N);
    file.close();
  });
});
