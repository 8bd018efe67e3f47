import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { InputFormatError } from '../errors.js';
import { deltaSchemaToArrow } from '../protocol/arrow-schema.js';
import { readInputStream } from './index.js';
import { chunksOf, collect, rowsOf } from '../../test/support/format-inputs.js';

const read = (text: string, opts: Partial<Parameters<typeof readInputStream>[1]> = {}) =>
  collect(readInputStream(chunksOf(text, 5), { key: 'in.ndjson', format: 'ndjson', ...opts }));

async function failure(p: Promise<unknown>): Promise<InputFormatError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputFormatError);
  return err as InputFormatError;
}

describe('NDJSON input', () => {
  it('infers scalars, structs and lists; skips blank lines; handles CRLF and a missing final newline', async () => {
    const text =
      '{"id":1,"x":1.5,"ok":true,"s":"a","obj":{"a":1,"b":"x"},"arr":[1,2]}\r\n' +
      '\n   \n' +
      '{"id":2,"x":2,"mixed":"t","obj":{"a":null,"c":[true]},"arr":[]}\n' +
      '{"id":3,"mixed":4,"obj":null,"arr":null}';
    const batches = await read(text);
    const types = Object.fromEntries(batches[0]!.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toEqual({
      id: 'Int64',
      x: 'Float64',
      ok: 'Bool',
      s: 'Utf8',
      obj: 'Struct<{a:Int64, b:Utf8, c:List<Bool>}>',
      arr: 'List<Int64>',
      mixed: 'Utf8',
    });
    expect(rowsOf(batches)).toEqual([
      { id: 1, x: 1.5, ok: true, s: 'a', obj: { a: 1, b: 'x', c: null }, arr: [1, 2], mixed: null },
      { id: 2, x: 2, ok: null, s: null, obj: { a: null, b: null, c: [true] }, arr: [], mixed: 't' },
      { id: 3, x: null, ok: null, s: null, obj: null, arr: null, mixed: '4' },
    ]);
  });

  it('keeps integers beyond 2^53 exact', async () => {
    const batches = await read(
      '{"id":9007199254740993,"s":"12345678901234567890","f":1234567890123456.5}\n{"id":-9223372036854775808}\n',
    );
    const ids = batches[0]!.getChild('id')!.data[0]!.values as BigInt64Array;
    expect(Array.from(ids)).toEqual([9007199254740993n, -9223372036854775808n]);
    expect(batches[0]!.getChild('s')!.get(0)).toBe('12345678901234567890');
    expect(batches[0]!.getChild('f')!.get(0)).toBe(1234567890123456.5);
  });

  it('converts to a target schema: decimal, date, timestamp, nested struct/list/map', async () => {
    const schema = deltaSchemaToArrow({
      type: 'struct',
      fields: [
        { name: 'amount', type: { type: 'decimal', precision: 12, scale: 3 }, nullable: true, metadata: {} },
        { name: 'day', type: { type: 'date' }, nullable: true, metadata: {} },
        { name: 'at', type: { type: 'timestamp' }, nullable: true, metadata: {} },
        { name: 'n', type: { type: 'integer' }, nullable: true, metadata: {} },
        {
          name: 'info',
          type: {
            type: 'struct',
            fields: [
              {
                name: 'tags',
                type: { type: 'array', elementType: { type: 'string' }, containsNull: true },
                nullable: true,
                metadata: {},
              },
            ],
          },
          nullable: true,
          metadata: {},
        },
        {
          name: 'm',
          type: { type: 'map', keyType: { type: 'integer' }, valueType: { type: 'double' }, valueContainsNull: true },
          nullable: true,
          metadata: {},
        },
        { name: 'later', type: { type: 'string' }, nullable: true, metadata: {} },
      ],
    });
    const text =
      '{"amount":12.5,"day":"2024-03-01","at":"2024-03-01T12:00:00+01:00","n":7,"info":{"tags":["a"]},"m":{"1":0.5},"extra":1}\n' +
      '{"amount":"-0.001","day":null,"n":null,"info":{},"m":{},"later":"z","extra":1}\n';
    const batches = await read(text, { schema, batchRows: 1 });
    expect(batches.length).toBe(2);
    expect(rowsOf(batches)).toEqual([
      {
        amount: '12.500',
        day: '2024-03-01',
        at: '2024-03-01T11:00:00.000000Z',
        n: 7,
        info: { tags: ['a'] },
        m: [[1, 0.5]],
        later: null,
        extra: 1,
      },
      { amount: '-0.001', day: null, at: null, n: null, info: { tags: null }, m: [], later: 'z', extra: 1 },
    ]);
  });

  it('errors: malformed line, non-object line, wrong type, key not seen in the first batch', async () => {
    const bad = await failure(read('{"a":1}\n\n{"a":2,}\n'));
    expect(bad.message).toContain('line 3 is not valid JSON');
    expect(bad.line).toBe(3);
    const arr = await failure(read('[1,2]\n'));
    expect(arr.message).toContain('line 1 holds an array');
    const type = await failure(read('{"a":1}\n{"a":"x"}\n', { batchRows: 1 }));
    expect(type.message).toMatch(/line 2, column "a": cannot read "x" as long.*inferred from the first 1 rows/);
    const nested = await failure(
      read('{"l":[1,2]}\n{"l":[3,"four"]}\n', {
        schema: new arrow.Schema([new arrow.Field('l', new arrow.List(new arrow.Field('element', new arrow.Int32())))]),
      }),
    );
    expect(nested.message).toContain('line 2, column "l[]"');
    const late = await failure(read('{"a":1}\n{"a":1,"b":2}\n', { batchRows: 1 }));
    expect(late.message).toContain('line 2 has key "b"');
    const binary = await failure(read('\u0000\u0001{}'));
    expect(binary.message).toContain('NUL bytes');
  });

  it('a number past the double range (1e400) in an integer or decimal column is out of range, not "null"', async () => {
    const schema = (type: arrow.DataType) => new arrow.Schema([new arrow.Field('n', type)]);
    for (const type of [new arrow.Int64(), new arrow.Int32(), new arrow.Decimal(2, 10, 128)]) {
      const err = await failure(read('{"n":1}\n{"n":1e400}\n', { schema: schema(type) }));
      expect(err.message).toMatch(
        /line 2, column "n": cannot read a number beyond the double range \(like 1e400\) as \w+.* \(out of range/,
      );
      expect(err.message).not.toContain('null');
    }
    const neg = await failure(read('{"n":-1e400}\n', { schema: schema(new arrow.Int64()) }));
    expect(neg.message).toContain('(like -1e400) as long (out of range)');
  });
});
