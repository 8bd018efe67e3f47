import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { InputFormatError } from '../../errors.js';
import { MemoryStore } from '../../storage/memory-store.js';
import { collect, rowsOf } from '../../../test/support/format-inputs.js';
import { readChanges } from './index.js';

async function read(lines: readonly unknown[] | string, opts: Record<string, unknown> = {}) {
  const store = new MemoryStore();
  const text = typeof lines === 'string' ? lines : lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  await store.put('topic/part-0.json', new TextEncoder().encode(text));
  return collect(readChanges(store, 'topic/part-0.json', { cdc: 'debezium', ...opts }));
}

async function failure(p: Promise<unknown>): Promise<InputFormatError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputFormatError);
  return err as InputFormatError;
}

const ev = (op: string, before: unknown, after: unknown, source: Record<string, unknown> = {}) => ({
  before,
  after,
  op,
  source: { connector: 'postgresql', ...source },
  ts_ms: 1700000000000,
});

describe('Debezium change events', () => {
  it('maps c/r/u to the after image and d to the before image, with source.lsn as the sequence', async () => {
    const b = await read([
      ev('r', null, { id: 1, name: 'a' }, { lsn: 10 }),
      ev('c', null, { id: 2, name: 'b' }, { lsn: 11 }),
      { schema: { type: 'struct' }, payload: ev('u', { id: 1, name: 'a' }, { id: 1, name: 'c' }, { lsn: 12 }) },
      ev('d', { id: 2, name: null }, null, { lsn: 13 }),
      null, // Kafka's tombstone after a delete
      { schema: {}, payload: null },
    ]);
    expect(rowsOf(b)).toEqual([
      { id: 1, name: 'a', _cdc_op: 'I', _cdc_sequence: 10 },
      { id: 2, name: 'b', _cdc_op: 'I', _cdc_sequence: 11 },
      { id: 1, name: 'c', _cdc_op: 'U', _cdc_sequence: 12 },
      { id: 2, name: null, _cdc_op: 'D', _cdc_sequence: 13 },
    ]);
  });

  it('orders MySQL events by binlog file and position, else by ts_ms; a named row column replaces the envelope sequence', async () => {
    const mysql = await read([
      ev('c', null, { id: 1 }, { file: 'bin.000002', pos: 400, row: 1 }),
      ev('c', null, { id: 2 }, { file: 'bin.000002', pos: 50 }),
    ]);
    const seqs = rowsOf(mysql).map((r) => r['_cdc_sequence'] as string);
    expect(seqs[0]! > seqs[1]!).toBe(true);
    const ts = await read([{ op: 'c', after: { id: 1 }, ts_ms: 5 }]);
    expect(rowsOf(ts)).toEqual([{ id: 1, _cdc_op: 'I', _cdc_sequence: 5 }]);
    const named = await read([ev('c', null, { id: 1, v: 7 }, { lsn: 1 })], { sequence: 'v' });
    expect(rowsOf(named)).toEqual([{ id: 1, v: 7, _cdc_op: 'I' }]);
  });

  it('converts into the table schema', async () => {
    const schema = new arrow.Schema([
      new arrow.Field('id', new arrow.Int32(), true),
      new arrow.Field('name', new arrow.Utf8(), true),
      new arrow.Field('_cdc_sequence', new arrow.Int64(), true),
    ]);
    const b = await read([ev('d', { id: 3 }, null, { lsn: 99 })], { schema });
    expect(b[0]!.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'id:Int32',
      'name:Utf8',
      '_cdc_sequence:Int64',
      '_cdc_op:Utf8',
    ]);
    expect(rowsOf(b)).toEqual([{ id: 3, name: null, _cdc_sequence: 99, _cdc_op: 'D' }]);
  });

  it('decodes semantic types the wrapper schema names, for a new table and into a table schema', async () => {
    const fields = [
      { field: 'id', type: 'int32' },
      {
        field: 'price',
        type: 'bytes',
        name: 'org.apache.kafka.connect.data.Decimal',
        parameters: { scale: '2', 'connect.decimal.precision': '10' },
      },
      { field: 'born', type: 'int32', name: 'io.debezium.time.Date' },
      { field: 'seen', type: 'int64', name: 'io.debezium.time.MicroTimestamp' },
    ];
    const schema = { type: 'struct', fields: [{ field: 'after', type: 'struct', fields }] };
    const lines = [
      { schema, payload: ev('c', null, { id: 1, price: 'MDk=', born: 19700, seen: 1700000000123456 }, { lsn: 1 }) },
      { schema, payload: ev('u', null, { id: 1, price: '/w==', born: -1, seen: 0 }, { lsn: 2 }) },
    ];
    const created = await read(lines);
    expect(created[0]!.schema.fields.slice(0, 4).map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'id:Int32',
      'price:Decimal[10e+2]',
      'born:Date32<DAY>',
      'seen:Timestamp<MICROSECOND, UTC>',
    ]);
    expect(rowsOf(created).map((r) => [r['price'], r['born'], r['seen']])).toEqual([
      ['123.45', '2023-12-09', '2023-11-14T22:13:20.123456Z'],
      ['-0.01', '1969-12-31', '1970-01-01T00:00:00.000000Z'],
    ]);
    const table = new arrow.Schema([
      new arrow.Field('id', new arrow.Int32(), true),
      new arrow.Field('price', new arrow.Decimal(2, 12, 128), true),
      new arrow.Field('born', new arrow.DateDay(), true),
      new arrow.Field('seen', new arrow.TimestampMicrosecond(), true), // timestamp_ntz
      new arrow.Field('_cdc_sequence', new arrow.Int64(), true),
    ]);
    const into = await read(lines, { schema: table });
    expect(rowsOf(into).map((r) => [r['price'], r['born'], r['seen']])).toEqual([
      ['123.45', '2023-12-09', '2023-11-14T22:13:20.123456'],
      ['-0.01', '1969-12-31', '1970-01-01T00:00:00.000000'],
    ]);
  });

  it('names the line of a malformed event', async () => {
    const good = JSON.stringify(ev('c', null, { id: 1 }, { lsn: 1 }));
    expect((await failure(read(`${good}\n{not json\n`))).message).toContain('line 2: not valid JSON');
    expect((await failure(read(`${good}\n[1]\n`))).message).toContain('line 2: holds an array');
    expect(await failure(read([ev('x', null, { id: 1 })]))).toMatchObject({ line: 1 });
    expect((await failure(read([ev('t', null, null)]))).message).toContain('truncate');
    expect((await failure(read(`\n${JSON.stringify(ev('u', null, null, { lsn: 1 }))}\n`))).message).toContain(
      'line 2: a u event needs after',
    );
    expect((await failure(read([ev('d', null, null, { lsn: 1 })]))).message).toContain('needs before');
    expect((await failure(read([{ op: 'c', after: { id: 1 } }]))).message).toContain('no source.lsn');
    expect((await failure(read([ev('c', null, { id: 1 }, { lsn: 1 })], { sequence: 'v' }))).message).toContain(
      'no column named v',
    );
  });
});
