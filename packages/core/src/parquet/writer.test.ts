import * as arrow from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { SchemaMismatchError } from '../errors.js';
import { MemoryStore } from '../storage/memory-store.js';
import { parseParquetFooter } from './metadata.js';
import { openParquetFile } from './reader.js';
import type { ParquetSchemaNode } from './types.js';
import { createParquetWriter, writeParquet } from './writer.js';

const f = (name: string, type: arrow.DataType, nullable = true) => new arrow.Field(name, type, nullable);
type Entries = arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>;
const mapOf = (key: arrow.DataType, value: arrow.DataType) =>
  new arrow.Map_(
    f('entries', new arrow.Struct([f('key', key, false), f('value', value)]), false) as arrow.Field<Entries>,
  );

function node(md: ReturnType<typeof parseParquetFooter>, path: string): ParquetSchemaNode | undefined {
  let n: ParquetSchemaNode | undefined = md.schema;
  for (const name of path.split('.')) n = n?.children.find((c) => c.name === name);
  return n;
}

function ts(type: arrow.Timestamp, values: bigint[]): arrow.Vector {
  return arrow.makeVector(arrow.makeData({ type, length: values.length, data: BigInt64Array.from(values) }));
}

function int64s(v: arrow.Vector): bigint[] {
  return v.data.flatMap((d) => Array.from(d.values as BigInt64Array));
}

async function readBack(bytes: Uint8Array): Promise<arrow.Table> {
  const store = new MemoryStore();
  await store.put('f.parquet', bytes);
  const file = await openParquetFile(store, 'f.parquet');
  const batches: arrow.RecordBatch[] = [];
  for await (const b of file.readBatches()) batches.push(b);
  const schema = file.arrowSchema();
  file.close();
  return batches.length ? new arrow.Table(batches) : new arrow.Table(schema);
}

describe('Spark-compatible Parquet layout', () => {
  it('names list elements `element` and map entries `key_value` with `key`/`value`, nested too', async () => {
    const table = new arrow.Table({
      l: arrow.vectorFromArray([[1, 2], null], new arrow.List(f('item', new arrow.Int32()))),
      m: arrow.vectorFromArray([new Map([[1, 'a']]), null], mapOf(new arrow.Int32(), new arrow.Utf8())),
      n: arrow.vectorFromArray(
        [new Map([['k', [{ x: [1n] }]]]), null],
        mapOf(
          new arrow.Utf8(),
          new arrow.List(f('item', new arrow.Struct([f('x', new arrow.List(f('item', new arrow.Int64())))]))),
        ),
      ),
    });
    const md = parseParquetFooter(await writeParquet(table));
    expect(md.leaves.map((l) => l.path.join('.'))).toEqual([
      'l.list.element',
      'm.key_value.key',
      'm.key_value.value',
      'n.key_value.key',
      'n.key_value.value.list.element.x.list.element',
    ]);
    expect(node(md, 'l')!.logicalType).toEqual({ type: 'LIST' });
    expect(node(md, 'm')!.logicalType).toEqual({ type: 'MAP' });
    expect(node(md, 'm.key_value.key')!.repetition).toBe('REQUIRED');
    expect(node(md, 'm.key_value.value')!.repetition).toBe('OPTIONAL');
    const back = await readBack(await writeParquet(table));
    expect(back.getChild('m')!.get(0)!.toJSON()).toEqual({ 1: 'a' });
    expect([...(back.getChild('l')!.get(0) as arrow.Vector)]).toEqual([1, 2]);
  });

  it('writes zoned timestamps as UTC-adjusted INT64 micros and zoneless ones as not adjusted', async () => {
    const table = new arrow.Table({
      utc: ts(new arrow.TimestampMicrosecond('UTC'), [1n, -2n]),
      zoned: ts(new arrow.TimestampMillisecond('America/New_York'), [1n, -2n]),
      ntz: ts(new arrow.TimestampMicrosecond(null), [1n, -2n]),
      ntzSeconds: ts(new arrow.TimestampSecond(null), [1n, -2n]),
    });
    const bytes = await writeParquet(table);
    const md = parseParquetFooter(bytes);
    const logical = Object.fromEntries(md.leaves.map((l) => [l.name, [l.physicalType, l.logicalType]]));
    const adjusted = { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' };
    const local = { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' };
    expect(logical).toEqual({
      utc: ['INT64', adjusted],
      zoned: ['INT64', adjusted],
      ntz: ['INT64', local],
      ntzSeconds: ['INT64', local],
    });
    const back = await readBack(bytes);
    expect(int64s(back.getChild('utc')!)).toEqual([1n, -2n]);
    expect(int64s(back.getChild('zoned')!)).toEqual([1000n, -2000n]);
    expect(int64s(back.getChild('ntzSeconds')!)).toEqual([1_000_000n, -2_000_000n]);
    expect(String(back.getChild('zoned')!.type)).toBe('Timestamp<MICROSECOND, UTC>');
    expect(String(back.getChild('ntz')!.type)).toBe('Timestamp<MICROSECOND>');
  });

  it('turns whole-day Date64 into Date32 and refuses Date64 with a time of day', async () => {
    const date64 = (ms: bigint[]) =>
      arrow.makeVector(
        arrow.makeData({ type: new arrow.DateMillisecond(), length: ms.length, data: BigInt64Array.from(ms) }),
      );
    const md = parseParquetFooter(await writeParquet(new arrow.Table({ d: date64([0n, 86_400_000n * -3n]) })));
    expect(md.leaves[0]!.logicalType).toEqual({ type: 'DATE' });
    expect(md.rowGroups[0]!.columns.get('d')).toMatchObject({ min: -3, max: 0 });
    await expect(writeParquet(new arrow.Table({ d: date64([1n]) }))).rejects.toThrow(/time of day/);
  });

  it('refuses Arrow types Delta cannot represent', async () => {
    const cases: [string, arrow.Vector][] = [
      ['unsigned', arrow.vectorFromArray([1], new arrow.Uint32())],
      ['nanos', ts(new arrow.TimestampNanosecond('UTC'), [1n])],
      ['null', arrow.vectorFromArray([null], new arrow.Null())],
      ['empty struct', arrow.vectorFromArray([{}], new arrow.Struct([]))],
      [
        'time',
        arrow.makeVector(arrow.makeData({ type: new arrow.TimeMillisecond(), length: 1, data: new Int32Array(1) })),
      ],
      ['nested unsigned', arrow.vectorFromArray([[1]], new arrow.List(f('item', new arrow.Uint8())))],
    ];
    for (const [name, vector] of cases) {
      await expect(writeParquet(new arrow.Table({ [name]: vector })), name).rejects.toBeInstanceOf(SchemaMismatchError);
    }
  });

  it('applies compression, row group size and key/value metadata', async () => {
    const n = 1000;
    const table = new arrow.Table({ x: arrow.makeVector(Int32Array.from({ length: n }, (_, i) => i)) });
    for (const [compression, codec] of [
      ['snappy', 'SNAPPY'],
      ['zstd', 'ZSTD'],
      ['gzip', 'GZIP'],
      ['none', 'UNCOMPRESSED'],
    ] as const) {
      const bytes = await writeParquet(table, { compression, rowGroupSize: 300, keyValueMetadata: { writer: 'test' } });
      const hy = parquetMetadata(bytes);
      expect(hy.row_groups.map((g) => g.columns[0]!.meta_data!.codec)).toEqual([codec, codec, codec, codec]);
      const md = parseParquetFooter(bytes);
      expect(md.rowGroups.map((g) => g.numRows)).toEqual([300, 300, 300, 100]);
      expect(md.keyValueMetadata.get('writer')).toBe('test');
      expect(md.rowGroups[3]!.columns.get('x')).toMatchObject({ min: 900, max: 999, nullCount: 0 });
    }
  });

  it('reports nulls in non-nullable fields as SchemaMismatchError', async () => {
    const inner = new arrow.Struct([f('a', new arrow.Int32(), false)]);
    const table = new arrow.Table({ s: arrow.vectorFromArray([{ a: 1 }, { a: null }], inner) });
    await expect(writeParquet(table)).rejects.toBeInstanceOf(SchemaMismatchError);
  });
});

describe('streaming writer', () => {
  const schema = new arrow.Schema([f('id', new arrow.Int64(), false), f('s', new arrow.Utf8())]);
  const batch = (start: number, n: number) => {
    const ids = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => BigInt(start + i)),
      new arrow.Int64(),
    );
    const strs = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => (i % 3 ? `v${start + i}` : null)),
      new arrow.Utf8(),
    );
    const children = [ids.data[0]!, strs.data[0]!];
    return new arrow.RecordBatch(
      schema,
      arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children }),
    );
  };

  it('streams row groups into a store put and reads back every row', async () => {
    const store = new MemoryStore();
    const writer = await createParquetWriter(schema, { rowGroupSize: 2500 });
    const put = store.putStream('w.parquet', writer.bytes);
    for (let i = 0; i < 10; i++) await writer.write(batch(i * 1000, 1000));
    const result = await writer.close();
    await put;
    expect(result.numRows).toBe(10_000);
    expect(result.metadata.rowGroups.map((g) => g.numRows)).toEqual([2500, 2500, 2500, 2500]);
    expect(result.metadata.rowGroups[1]!.columns.get('id')).toMatchObject({ min: 2500n, max: 4999n, nullCount: 0 });
    expect(result.size).toBe((await store.head('w.parquet')).size);
    const file = await openParquetFile(store, 'w.parquet');
    let n = 0;
    let sum = 0n;
    let nulls = 0;
    for await (const b of file.readBatches()) {
      n += b.numRows;
      for (const v of b.getChild('id')!.toArray() as BigInt64Array) sum += v;
      nulls += b.getChild('s')!.nullCount;
    }
    file.close();
    expect(n).toBe(10_000);
    expect(sum).toBe((9999n * 10_000n) / 2n);
    expect(nulls).toBe(10 * 334);
  });

  it('writes a valid empty file when no batch was written', async () => {
    const writer = await createParquetWriter(schema);
    const chunks: Uint8Array[] = [];
    const drained = (async () => {
      for await (const c of writer.bytes) chunks.push(c);
    })();
    const result = await writer.close();
    await drained;
    expect(result.numRows).toBe(0);
    const back = await readBack(Buffer.concat(chunks));
    expect(back.numRows).toBe(0);
    expect(back.schema.names).toEqual(['id', 's']);
  });

  it('rejects a batch whose columns differ from the schema', async () => {
    const writer = await createParquetWriter(schema);
    const drained = (async () => {
      for await (const _ of writer.bytes);
    })();
    const other = new arrow.RecordBatch({ x: arrow.vectorFromArray([1], new arrow.Int32()).data[0]! });
    await expect(writer.write(other)).rejects.toBeInstanceOf(SchemaMismatchError);
    await writer.write(batch(0, 10));
    expect((await writer.close()).numRows).toBe(10);
    await drained;
  });

  it('fails the byte stream when parquet-wasm drops data (footer row count check)', async () => {
    const writer = await createParquetWriter(schema);
    const drained = (async () => {
      for await (const _ of writer.bytes);
    })();
    drained.catch(() => undefined);
    await writer.write(batch(0, 10));
    // Feed a batch of another schema past our own checks: parquet-wasm drops it silently.
    const internals = writer as unknown as { schema: arrow.Schema; feed(b: arrow.RecordBatch): Promise<void> };
    const other = new arrow.RecordBatch({ x: arrow.vectorFromArray([1, 2], new arrow.Int32()).data[0]! });
    internals.schema = other.schema;
    await internals.feed(other);
    internals.schema = schema;
    await expect(writer.close()).rejects.toThrow(/produced 10 rows but was given 12/);
    await expect(drained).rejects.toBeInstanceOf(SchemaMismatchError);
  });

  it('fails the byte stream on abort', async () => {
    const writer = await createParquetWriter(schema);
    const drained = (async () => {
      for await (const _ of writer.bytes);
    })();
    drained.catch(() => undefined);
    await writer.write(batch(0, 10));
    await writer.abort(new Error('stop'));
    await expect(drained).rejects.toThrow();
    await expect(writer.close()).rejects.toThrow();
  });

  it('fails pending writes when the byte consumer stops early instead of hanging', async () => {
    const writer = await createParquetWriter(schema, { rowGroupSize: 100 });
    const consumer = (async () => {
      for await (const _ of writer.bytes) break; // e.g. the store upload failed
    })();
    let failure: unknown;
    try {
      for (let i = 0; i < 50; i++) await writer.write(batch(i * 100, 100));
    } catch (err) {
      failure = err;
    }
    await consumer;
    expect(String(failure)).toMatch(/not fully consumed/);
    await expect(writer.close()).rejects.toThrow(/not fully consumed/);
  }, 10_000);
});
