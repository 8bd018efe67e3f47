/**
 * INT96 inside structs and lists. No writer here can produce INT96 (the corpus only has
 * top-level INT96 columns), so this test assembles a tiny uncompressed Parquet file by hand.
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../storage/memory-store.js';
import { openParquetFile } from './reader.js';

/** Minimal Thrift compact-protocol writer (only what a Parquet footer needs). */
class Thrift {
  private bytes: number[] = [];
  private last: number[] = [0];

  varint(n: bigint): void {
    while (n > 0x7fn) {
      this.bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.bytes.push(Number(n));
  }
  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1]!;
    this.last[this.last.length - 1] = id;
    this.bytes.push((delta << 4) | type);
  }
  i32(id: number, v: number): this {
    this.header(id, 5);
    this.varint(BigInt((v << 1) ^ (v >> 31)) & 0xffffffffn);
    return this;
  }
  i64(id: number, v: number | bigint): this {
    this.header(id, 6);
    const b = BigInt(v);
    this.varint(BigInt.asUintN(64, (b << 1n) ^ (b >> 63n)));
    return this;
  }
  binary(id: number, s: string): this {
    this.header(id, 8);
    this.raw(new TextEncoder().encode(s));
    return this;
  }
  private raw(b: Uint8Array): void {
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
  struct(id: number, body: (t: this) => void): this {
    this.header(id, 12);
    this.inner(body);
    return this;
  }
  private inner(body: (t: this) => void): void {
    this.last.push(0);
    body(this);
    this.bytes.push(0);
    this.last.pop();
  }
  structs<T>(id: number, items: T[], body: (t: this, item: T) => void): this {
    this.header(id, 9);
    this.bytes.push((items.length << 4) | 12);
    for (const item of items) this.inner((t) => body(t, item));
    return this;
  }
  i32s(id: number, items: number[]): this {
    this.header(id, 9);
    this.bytes.push((items.length << 4) | 5);
    for (const v of items) this.varint(BigInt((v << 1) ^ (v >> 31)));
    return this;
  }
  strings(id: number, items: string[]): this {
    this.header(id, 9);
    this.bytes.push((items.length << 4) | 8);
    for (const s of items) this.raw(new TextEncoder().encode(s));
    return this;
  }
  done(): Uint8Array {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

/** Levels in the RLE/bit-packed hybrid, one run per value, with the v1 length prefix. */
function levels(values: number[]): number[] {
  const body = values.flatMap((v) => [2, v]); // run header (1 << 1), then the value in one byte
  return [body.length & 0xff, body.length >> 8, 0, 0, ...body];
}

const JULIAN_EPOCH = 2_440_588;
/** INT96 of a micros-since-epoch instant: 8 bytes nanos of day, 4 bytes Julian day (little-endian). */
function int96(micros: bigint): number[] {
  const day = micros >= 0n ? micros / 86_400_000_000n : -((-micros + 86_399_999_999n) / 86_400_000_000n);
  const nanos = (micros - day * 86_400_000_000n) * 1000n;
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, nanos, true);
  view.setInt32(8, Number(day) + JULIAN_EPOCH, true);
  return [...out];
}

interface Chunk {
  path: string[];
  type: number; // 1 INT32, 3 INT96
  numValues: number;
  page: number[]; // page body: levels then PLAIN values
}

/** Parquet codec ids and compressors used below. */
const CODECS: Record<string, [number, (b: Uint8Array) => Uint8Array]> = {
  none: [0, (b) => b],
  gzip: [2, (b) => gzipSync(b)],
  brotli: [4, (b) => brotliCompressSync(b)],
};

function parquetFile(schema: (t: Thrift) => void, numRows: number, chunks: Chunk[], codec = 'none'): Uint8Array {
  const [codecId, compress] = CODECS[codec]!;
  const out: number[] = [...new TextEncoder().encode('PAR1')];
  const offsets: number[] = [];
  for (const c of chunks) {
    offsets.push(out.length);
    const body = compress(Uint8Array.from(c.page));
    const header = new Thrift()
      .i32(1, 0)
      .i32(2, c.page.length)
      .i32(3, body.length)
      .struct(5, (t) => t.i32(1, c.numValues).i32(2, 0).i32(3, 3).i32(4, 3))
      .done();
    out.push(...header, ...body);
  }
  const meta = new Thrift().i32(1, 1);
  schema(meta);
  meta.i64(3, numRows).structs(4, [0], (rg) => {
    rg.structs(1, chunks, (cc, c) => {
      const i = chunks.indexOf(c);
      const size = (offsets[i + 1] ?? out.length) - offsets[i]!;
      cc.i64(2, offsets[i]!).struct(3, (m) =>
        m
          .i32(1, c.type)
          .i32s(2, [0, 3])
          .strings(3, c.path)
          .i32(4, codecId)
          .i64(5, c.numValues)
          .i64(6, size)
          .i64(7, size)
          .i64(9, offsets[i]!),
      );
    })
      .i64(2, out.length)
      .i64(3, numRows);
  });
  const footer = meta.done();
  const len = footer.length;
  out.push(
    ...footer,
    len & 0xff,
    (len >> 8) & 0xff,
    (len >> 16) & 0xff,
    len >>> 24,
    ...new TextEncoder().encode('PAR1'),
  );
  return Uint8Array.from(out);
}

function element(
  t: Thrift,
  e: { name: string; rep: number; type?: number; children?: number; converted?: number },
): void {
  if (e.type !== undefined) t.i32(1, e.type);
  t.i32(3, e.rep).binary(4, e.name);
  if (e.children !== undefined) t.i32(5, e.children);
  if (e.converted !== undefined) t.i32(6, e.converted);
}

const MAX = 253402300799999999n; // 9999-12-31T23:59:59.999999Z
const OLD = -2208988799999999n; // 1900-01-01T00:00:00.000001Z (before the nanosecond range)

function micros(v: arrow.Vector | null | undefined): (bigint | null)[] {
  const d = v!.data[0]!;
  return Array.from(d.values as BigInt64Array, (x, i) => (d.getValid(i) ? x : null));
}

describe('INT96 in nested columns', () => {
  // id INT32 required | s: struct<t: INT96> | l: list<INT96>
  const schema = (t: Thrift) =>
    t.structs(
      2,
      [
        { name: 'schema', rep: 0, children: 3 },
        { name: 'id', rep: 0, type: 1 },
        { name: 's', rep: 1, children: 1 },
        { name: 't', rep: 1, type: 3 },
        { name: 'l', rep: 1, children: 1, converted: 3 },
        { name: 'list', rep: 2, children: 1 },
        { name: 'element', rep: 1, type: 3 },
      ],
      element,
    );
  const ids = [0, 1, 2, 3].flatMap((i) => [i, 0, 0, 0]);
  const build = (codec: string) =>
    parquetFile(
      schema,
      4,
      [
        { path: ['id'], type: 1, numValues: 4, page: ids },
        // rows: {t: MAX}, null, {t: null}, {t: OLD}
        { path: ['s', 't'], type: 3, numValues: 4, page: [...levels([2, 0, 1, 2]), ...int96(MAX), ...int96(OLD)] },
        // rows: [2000-01-01T00:00:00.000001, null], null, [], [-1 µs]
        {
          path: ['l', 'list', 'element'],
          type: 3,
          numValues: 5,
          page: [...levels([0, 1, 0, 0, 0]), ...levels([3, 2, 0, 1, 3]), ...int96(946684800000001n), ...int96(-1n)],
        },
      ],
      codec,
    );
  const file = build('none');

  it('decodes struct-nested INT96 exactly and list-nested INT96 within the nanosecond range', async () => {
    const store = new MemoryStore();
    await store.put('nested.parquet', file);
    const reader = await openParquetFile(store, 'nested.parquet');
    expect(reader.metadata.int96Columns).toEqual(['s.t', 'l.list.element']);
    expect(String(reader.arrowSchema().fields[1]!.type)).toBe('Struct<{t:Timestamp<MICROSECOND, UTC>}>');
    expect(String(reader.arrowSchema().fields[2]!.type)).toBe('List<Timestamp<MICROSECOND, UTC>>');
    const batches: arrow.RecordBatch[] = [];
    for await (const b of reader.readBatches()) batches.push(b);
    reader.close();
    expect(batches).toHaveLength(1);
    const b = batches[0]!;
    expect([...b.getChild('id')!]).toEqual([0, 1, 2, 3]);
    const s = b.getChild('s')!;
    expect([0, 1, 2, 3].map((i) => s.isValid(i))).toEqual([true, false, true, true]);
    const t = micros(s.getChildAt(0));
    expect([t[0], t[2], t[3]]).toEqual([MAX, null, OLD]);
    const l = b.getChild('l')!;
    expect(l.isValid(1)).toBe(false);
    expect(micros(l.getChildAt(0))).toEqual([946684800000001n, null, -1n]);
    expect((l.data[0]!.valueOffsets as Int32Array).slice(0, 5)).toEqual(Int32Array.from([0, 2, 2, 2, 3]));
  });

  it('decodes the struct leaf when only it is selected', async () => {
    const store = new MemoryStore();
    await store.put('nested.parquet', file);
    const reader = await openParquetFile(store, 'nested.parquet');
    const batches: arrow.RecordBatch[] = [];
    for await (const b of reader.readBatches({ columns: ['s.t'] })) batches.push(b);
    reader.close();
    expect(batches[0]!.schema.names).toEqual(['s']);
    expect(micros(batches[0]!.getChild('s')!.getChildAt(0))[0]).toBe(MAX);
  });

  for (const codec of ['gzip', 'brotli']) {
    it(`decodes INT96 exactly from ${codec}-compressed pages`, async () => {
      const store = new MemoryStore();
      await store.put('c.parquet', build(codec));
      const reader = await openParquetFile(store, 'c.parquet');
      expect(reader.metadata.rowGroups[0]!.columns.get('s.t')!.codec).toBe(codec.toUpperCase());
      const batches: arrow.RecordBatch[] = [];
      for await (const b of reader.readBatches({ columns: ['s'] })) batches.push(b);
      reader.close();
      const t = micros(batches[0]!.getChild('s')!.getChildAt(0));
      expect([t[0], t[3]]).toEqual([MAX, OLD]);
    });
  }
});
