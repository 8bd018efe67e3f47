import * as arrow from 'apache-arrow';
import { parse as parseSync } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { InputFormatError } from '../errors.js';
import { deltaSchemaToArrow } from '../protocol/arrow-schema.js';
import { readInputStream } from './index.js';
import { chunksOf, collect, rowsOf } from '../../test/support/format-inputs.js';

const read = (text: string, opts: Parameters<typeof readInputStream>[1] = { format: 'csv' }) =>
  collect(readInputStream(chunksOf(text), { key: 'in.csv', ...opts }));

async function failure(p: Promise<unknown>): Promise<InputFormatError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputFormatError);
  return err as InputFormatError;
}

describe('CSV input', () => {
  it('infers long, double, boolean, date, timestamp and string columns', async () => {
    const text =
      'i,f,b,d,ts,s,zip,empty\n' +
      '1,1.5,true,2024-01-31,2024-01-31T10:00:00Z,x,007,\n' +
      '-20,2,FALSE,2024-02-29,2024-01-31 12:30:00.5+02:00,"a, ""b""",010,\n' +
      ',,,,,,,\n';
    const batches = await read(text);
    const schema = batches[0]!.schema;
    expect(schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'i:Int64',
      'f:Float64',
      'b:Bool',
      'd:Date32<DAY>',
      'ts:Timestamp<MICROSECOND, UTC>',
      's:Utf8',
      'zip:Utf8',
      'empty:Utf8',
    ]);
    expect(rowsOf(batches)).toEqual([
      { i: 1, f: 1.5, b: true, d: '2024-01-31', ts: '2024-01-31T10:00:00.000000Z', s: 'x', zip: '007', empty: null },
      {
        i: -20,
        f: 2,
        b: false,
        d: '2024-02-29',
        ts: '2024-01-31T10:30:00.500000Z',
        s: 'a, "b"',
        zip: '010',
        empty: null,
      },
      { i: null, f: null, b: null, d: null, ts: null, s: null, zip: null, empty: null },
    ]);
  });

  it('keeps 64-bit integers exact and widens beyond them to double', async () => {
    const batches = await read('a,b\n9223372036854775807,9223372036854775808\n-9223372036854775808,1\n');
    expect(String(batches[0]!.schema.fields[0]!.type)).toBe('Int64');
    expect(String(batches[0]!.schema.fields[1]!.type)).toBe('Float64');
    expect(Array.from(batches[0]!.getChildAt(0)!.data[0]!.values as BigInt64Array)).toEqual([
      9223372036854775807n,
      -9223372036854775808n,
    ]);
  });

  it('converts to a target schema: all primitive types, missing columns null, extra columns kept', async () => {
    const schema = deltaSchemaToArrow({
      type: 'struct',
      fields: [
        { name: 'b8', type: { type: 'byte' }, nullable: true, metadata: {} },
        { name: 'i32', type: { type: 'integer' }, nullable: true, metadata: {} },
        { name: 'l', type: { type: 'long' }, nullable: true, metadata: {} },
        { name: 'fl', type: { type: 'float' }, nullable: true, metadata: {} },
        { name: 'dec', type: { type: 'decimal', precision: 10, scale: 2 }, nullable: true, metadata: {} },
        { name: 'ok', type: { type: 'boolean' }, nullable: true, metadata: {} },
        { name: 'ntz', type: { type: 'timestamp_ntz' }, nullable: true, metadata: {} },
        { name: 'ts', type: { type: 'timestamp' }, nullable: true, metadata: {} },
        { name: 'bin', type: { type: 'binary' }, nullable: true, metadata: {} },
        {
          name: 'tags',
          type: { type: 'array', elementType: { type: 'string' }, containsNull: true },
          nullable: true,
          metadata: {},
        },
        { name: 'missing', type: { type: 'string' }, nullable: true, metadata: {} },
      ],
    });
    const text =
      'B8,i32,l,fl,dec,ok,ntz,ts,bin,tags,extra\n' +
      '-128,007,12345678901234567,0.25,-12.5,1,2024-01-01 00:00:01.123456,2024-01-01T00:00:00,aGk=,"[""x"",""y""]",e\n';
    const batches = await read(text, { format: 'csv', schema });
    expect(batches[0]!.schema.fields.map((f) => f.name)).toEqual([...schema.fields.map((f) => f.name), 'extra']);
    expect(rowsOf(batches)).toEqual([
      {
        b8: -128,
        i32: 7,
        l: '12345678901234567',
        fl: 0.25,
        dec: '-12.50',
        ok: true,
        ntz: '2024-01-01T00:00:01.123456',
        ts: '2024-01-01T00:00:00.000000Z',
        bin: '6869',
        tags: ['x', 'y'],
        missing: null,
        extra: 'e',
      },
    ]);
  });

  it('reads TSV, custom null values and a file without header (names from the schema by position)', async () => {
    const schema = new arrow.Schema([new arrow.Field('x', new arrow.Int32()), new arrow.Field('y', new arrow.Utf8())]);
    const batches = await read('1\tNA\n2\tb\n', {
      format: 'csv',
      schema,
      csv: { delimiter: '\t', header: false, nullValues: ['NA'] },
    });
    expect(rowsOf(batches)).toEqual([
      { x: 1, y: null },
      { x: 2, y: 'b' },
    ]);
    const anon = await read('1;2\n', { format: 'csv', csv: { delimiter: ';', header: false } });
    expect(rowsOf(anon)).toEqual([{ _c0: 1, _c1: 2 }]);
  });

  it('batches by batchRows with types fixed from the first batch', async () => {
    const text = 'a\n' + Array.from({ length: 10 }, (_, i) => `${i}\n`).join('');
    const batches = await read(text, { format: 'csv', batchRows: 4 });
    expect(batches.map((b) => b.numRows)).toEqual([4, 4, 2]);
    const err = await failure(read('a\n1\n2\nx\n', { format: 'csv', batchRows: 2 }));
    expect(err.message).toContain('line 4');
    expect(err.message).toContain('column "a"');
    expect(err.message).toContain('"x"');
    expect(err.message).toContain('inferred from the first 2 rows');
    expect(err.line).toBe(4);
    expect(err.column).toBe('a');
  });

  it('names the line and column of a value that does not fit the target type', async () => {
    const schema = new arrow.Schema([new arrow.Field('n', new arrow.Int8())]);
    const err = await failure(read('n\n1\n"multi\nline"\n', { format: 'csv', schema }));
    expect(err.message).toMatch(/in\.csv: line 4, column "n": cannot read "multi\\nline" as byte/);
    const range = await failure(read('n\n300\n', { format: 'csv', schema }));
    expect(range.message).toContain('out of range -128..127');
  });

  it('reports ragged rows, unclosed quotes and binary data cleanly', async () => {
    const ragged = await failure(read('a,b\n1,2\n3\n'));
    expect(ragged.message).toContain('line 3');
    const quote = await failure(read('a,b\n1,"2\n'));
    expect(quote.message).toContain('invalid CSV');
    const bin = await failure(read('\x00\x01\x02garbage'));
    expect(bin.message).toContain('NUL bytes');
    const missing = await failure(
      read('a\n1\n', { format: 'csv', schema: new arrow.Schema([new arrow.Field('req', new arrow.Int32(), false)]) }),
    );
    expect(missing.message).toContain('column "req" is required');
  });

  it('yields one empty batch for a header without rows', async () => {
    const batches = await read('a,b\n');
    expect(batches.length).toBe(1);
    expect(batches[0]!.numRows).toBe(0);
    expect(batches[0]!.schema.fields.map((f) => f.name)).toEqual(['a', 'b']);
  });

  it('parses 100k rows quickly (little overhead over csv-parse itself)', async () => {
    const lines = ['id,name,price,ok,day,ts'];
    for (let i = 0; i < 100_000; i++) {
      const day = String((i % 28) + 1).padStart(2, '0');
      const sec = String(i % 60).padStart(2, '0');
      lines.push(`${i},name ${i % 97},${(i * 0.25).toFixed(2)},${i % 2 === 0},2024-01-${day},2024-01-01T00:00:${sec}Z`);
    }
    const bytes = new TextEncoder().encode(lines.join('\n'));
    let t0 = performance.now();
    expect(parseSync(Buffer.from(bytes)).length).toBe(100_001);
    const baseline = performance.now() - t0;
    t0 = performance.now();
    const batches = await collect(readInputStream(chunksOf(bytes, 1 << 20), { format: 'csv' }));
    const ms = performance.now() - t0;
    expect(batches.reduce((s, b) => s + b.numRows, 0)).toBe(100_000);
    expect(batches[1]!.getChild('price')!.get(34_463)).toBe(99_999 * 0.25);
    expect(batches[1]!.getChild('ts')!.get(34_463)).toBe(1704067239000);
    // Absolute times depend on the machine's load; the overhead over csv-parse must stay small
    // (about 200 ms on an idle machine, csv-parse taking about as long).
    expect(ms).toBeLessThan(3 * baseline + 500);
  });
});
