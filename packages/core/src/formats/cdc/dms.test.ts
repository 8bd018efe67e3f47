import * as arrow from 'apache-arrow';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputFormatError } from '../../errors.js';
import { writeParquet } from '../../parquet/writer.js';
import { MemoryStore } from '../../storage/memory-store.js';
import { collect, rowsOf } from '../../../test/support/format-inputs.js';
import { readChanges } from './index.js';

const table = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), true),
  new arrow.Field('name', new arrow.Utf8(), true),
  new arrow.Field('seq', new arrow.Utf8(), true),
]);

async function read(text: string | Uint8Array, key = 'cdc/20240101-1200.csv', opts: Record<string, unknown> = {}) {
  const store = new MemoryStore();
  await store.put(key, typeof text === 'string' ? new TextEncoder().encode(text) : text);
  return collect(readChanges(store, key, { cdc: 'dms', ...opts }));
}

async function failure(p: Promise<unknown>): Promise<InputFormatError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputFormatError);
  return err as InputFormatError;
}

describe('AWS DMS change files', () => {
  it('reads a CSV with a header: Op becomes _cdc_op, the sequence column stays a column', async () => {
    const b = await read('Op,id,name,seq\nI,1,a,0001\nU,1,b,0002\nD,2,,0003\n', undefined, { sequence: 'seq' });
    expect(b[0]!.schema.names).toEqual(['id', 'name', 'seq', '_cdc_op']);
    expect(rowsOf(b)).toEqual([
      { id: 1, name: 'a', seq: '0001', _cdc_op: 'I' },
      { id: 1, name: 'b', seq: '0002', _cdc_op: 'U' },
      { id: 2, name: null, seq: '0003', _cdc_op: 'D' },
    ]);
  });

  it('reads a headerless CDC file by the table columns, and a headerless full load as inserts', async () => {
    const cdc = await read('I,1,a,0001\nD,1,a,0002\n', undefined, { schema: table });
    expect(rowsOf(cdc)).toEqual([
      { id: 1, name: 'a', seq: '0001', _cdc_op: 'I' },
      { id: 1, name: 'a', seq: '0002', _cdc_op: 'D' },
    ]);
    const load = await read('5,x,0000\n6,"y, z",0000\n', 'LOAD00000001.csv', { schema: table });
    expect(rowsOf(load)).toEqual([
      { id: 5, name: 'x', seq: '0000', _cdc_op: 'I' },
      { id: 6, name: 'y, z', seq: '0000', _cdc_op: 'I' },
    ]);
    // a full load with a header and no Op
    expect(rowsOf(await read('id,name,seq\n7,q,0\n', 'LOAD2.csv', { schema: table }))).toEqual([
      { id: 7, name: 'q', seq: '0', _cdc_op: 'I' },
    ]);
  });

  it('reads gzip CSV', async () => {
    const b = await read(gzipSync('Op,id\nI,1\n'), 'x.csv.gz');
    expect(rowsOf(b)).toEqual([{ id: 1, _cdc_op: 'I' }]);
  });

  it('reads Parquet with the Op column first', async () => {
    const batch = new arrow.RecordBatch({
      Op: arrow.vectorFromArray(['I', 'U', 'D'], new arrow.Utf8()).data[0]!,
      id: arrow.vectorFromArray([1n, 1n, 2n], new arrow.Int64()).data[0]!,
      ts: arrow.vectorFromArray(
        ['2024-01-01 00:00:00.000001', '2024-01-01 00:00:00.000002', '2024-01-01 00:00:00.000003'],
        new arrow.Utf8(),
      ).data[0]!,
    });
    const b = await read(await writeParquet([batch]), 'cdc/x.parquet', { sequence: 'ts' });
    expect(rowsOf(b).map((r) => [r['_cdc_op'], r['id'], r['ts']])).toEqual([
      ['I', 1, '2024-01-01 00:00:00.000001'],
      ['U', 1, '2024-01-01 00:00:00.000002'],
      ['D', 2, '2024-01-01 00:00:00.000003'],
    ]);
  });

  it('names the line of a bad Op, a missing or empty sequence, and refuses a headerless file without a table', async () => {
    expect((await failure(read('Op,id\nI,1\nX,2\n'))).message).toContain('line 3: the Op column holds "X"');
    expect((await failure(read('Op,id\nI,1\n', undefined, { sequence: 'seq' }))).message).toContain(
      'no column named seq',
    );
    expect((await failure(read('Op,id,seq\nI,1,\n', undefined, { sequence: 'seq' }))).message).toContain(
      'line 2: the sequence column seq is empty',
    );
    expect((await failure(read('I,1,a\n'))).message).toContain('has no header');
    expect((await failure(read('I,1\n', undefined, { schema: table }))).message).toContain('line 1 has 2 fields');
    expect((await failure(read('Op,id,_cdc_op\nI,1,x\n'))).message).toContain('reserves');
    expect((await failure(read('{}', 'x.ndjson'))).message).toContain('not NDJSON');
  });
});
