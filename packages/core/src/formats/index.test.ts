import { gzipSync } from 'node:zlib';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DeltaError, InputFormatError, NotFoundError, StorageError } from '../errors.js';
import { writeParquet } from '../parquet/writer.js';
import { detectFormat, readInputObject } from './index.js';
import { collect, CountingStore, rowsOf } from '../../test/support/format-inputs.js';

async function failure(p: Promise<unknown>): Promise<DeltaError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeltaError);
  return err as DeltaError;
}

/** A few MB of incompressible-ish CSV. */
function bigCsv(rows: number): string {
  const out = ['id,word,value'];
  let x = 12345;
  for (let i = 0; i < rows; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(`${i},w${x.toString(36)},${x / 7}`);
  }
  return out.join('\n') + '\n';
}

describe('detectFormat', () => {
  it('maps extensions, with optional .gz', () => {
    expect(detectFormat('a/b/data.parquet')).toEqual({ format: 'parquet', gzip: false });
    expect(detectFormat('x.CSV.gz')).toEqual({ format: 'csv', gzip: true });
    expect(detectFormat('x.tsv')).toEqual({ format: 'csv', gzip: false, delimiter: '\t' });
    expect(detectFormat('logs/2024.jsonl.gz')).toEqual({ format: 'ndjson', gzip: true });
    expect(detectFormat('x.ndjson')?.format).toBe('ndjson');
    expect(detectFormat('x.json')?.format).toBe('ndjson');
    expect(detectFormat('dir.csv/file')).toBeUndefined();
    expect(detectFormat('x.gz')).toBeUndefined();
  });
});

describe('readInputObject', () => {
  it('streams a multi-MB gzip CSV with ranged GETs: batches arrive before the object is read', async () => {
    const store = new CountingStore();
    const text = bigCsv(200_000);
    const gz = gzipSync(Buffer.from(text));
    expect(gz.length).toBeGreaterThan(2_000_000);
    await store.put('in/big.csv.gz', gz);
    const chunkBytes = 256 * 1024;
    const totalGets = Math.ceil(gz.length / chunkBytes);
    let rows = 0;
    let getsAtFirstBatch = -1;
    for await (const batch of readInputObject(store, 'in/big.csv.gz', { chunkBytes, batchRows: 10_000 })) {
      if (getsAtFirstBatch < 0) getsAtFirstBatch = store.gets;
      if (rows === 0) expect(batch.getChild('id')!.get(0)).toBe(0n);
      rows += batch.numRows;
    }
    expect(rows).toBe(200_000);
    expect(store.gets).toBe(totalGets);
    expect(getsAtFirstBatch).toBeLessThan(totalGets / 2);
  });

  it('passes store errors through and stops cleanly when the consumer breaks early', async () => {
    const store = new CountingStore();
    const gz = gzipSync(Buffer.from(bigCsv(50_000)));
    await store.put('s.csv.gz', gz);
    const failing = new (class extends CountingStore {
      override async get(path: string, range?: { start: number; end: number }): Promise<Uint8Array> {
        if (this.gets >= 2) throw new StorageError('network down');
        return super.get(path, range);
      }
    })();
    await failing.put('s.csv.gz', gz);
    const err = await failure(
      collect(readInputObject(failing, 's.csv.gz', { chunkBytes: 64 * 1024, batchRows: 1000 })),
    );
    expect(err).toBeInstanceOf(StorageError);
    for await (const batch of readInputObject(store, 's.csv.gz', { chunkBytes: 64 * 1024, batchRows: 1000 })) {
      expect(batch.numRows).toBe(1000);
      break;
    }
    expect(store.gets).toBeLessThan(Math.ceil(gz.length / (64 * 1024)));
  });

  it('detects gzip from the magic bytes and TSV from the extension', async () => {
    const store = new CountingStore();
    await store.put('a.tsv', gzipSync(Buffer.from('x\ty\n1\thello\n')));
    expect(rowsOf(await collect(readInputObject(store, 'a.tsv')))).toEqual([{ x: 1, y: 'hello' }]);
    await store.put('b.json', Buffer.from('{"k":"v"}\n'));
    expect(rowsOf(await collect(readInputObject(store, 'b.json', { compression: 'auto' })))).toEqual([{ k: 'v' }]);
  });

  it('refuses corrupt and truncated gzip, garbage, gzip Parquet and unknown extensions cleanly', async () => {
    const store = new CountingStore();
    const gz = gzipSync(Buffer.from(bigCsv(1000)));
    const corrupt = Uint8Array.from(gz);
    for (let i = 20; i < 200; i++) corrupt[i] = (corrupt[i]! * 31 + 7) & 0xff;
    await store.put('corrupt.csv.gz', corrupt);
    await store.put('truncated.csv.gz', gz.subarray(0, gz.length - 100));
    await store.put('notgzip.csv.gz', Buffer.from('a,b\n1,2\n'));
    await store.put('x.parquet.gz', gz);
    await store.put('data.bin', Buffer.from('abc'));
    for (const key of ['corrupt.csv.gz', 'truncated.csv.gz', 'notgzip.csv.gz']) {
      const err = await failure(collect(readInputObject(store, key)));
      expect(err).toBeInstanceOf(InputFormatError);
      expect(err.message).toContain(`${key}: not valid gzip data`);
    }
    expect((await failure(collect(readInputObject(store, 'x.parquet.gz')))).message).toContain(
      'gzip-compressed Parquet',
    );
    expect((await failure(collect(readInputObject(store, 'data.bin')))).message).toContain(
      'cannot tell the input format',
    );
    expect(await failure(collect(readInputObject(store, 'missing.csv')))).toBeInstanceOf(NotFoundError);
    const random = new Uint8Array(100_000);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    await store.put('random.csv', random);
    await store.put('random.ndjson', random);
    await store.put('random.parquet', random);
    for (const key of ['random.csv', 'random.ndjson', 'random.parquet']) {
      const err = await failure(collect(readInputObject(store, key)));
      expect(err.message).toContain(key);
      if (key === 'random.parquet') expect(err.message).toContain('not a valid Parquet file');
      else expect(err.message).toContain('NUL bytes');
    }
  });

  it('binary garbage without NUL bytes as CSV or NDJSON ends in a clean error', async () => {
    const store = new CountingStore();
    const noise = new Uint8Array(300_000);
    for (let i = 0; i < noise.length; i++) noise[i] = 1 + (((i * 2654435761) >>> 13) % 255);
    await store.put('noise.csv', noise);
    await store.put('noise.ndjson', noise);
    for (const key of ['noise.csv', 'noise.ndjson']) {
      const err = await failure(collect(readInputObject(store, key)));
      expect(err).toBeInstanceOf(InputFormatError);
      expect(err.message).toContain(key);
    }
  });

  it('reads Parquet row group by row group and conforms it to a target schema', async () => {
    const store = new CountingStore();
    const columns: Record<string, arrow.Data> = {
      id: arrow.vectorFromArray([1, 2, 3], new arrow.Int32()).data[0]!,
      name: arrow.vectorFromArray(['a', 'b', null], new arrow.Utf8()).data[0]!,
    };
    const batch = new arrow.RecordBatch(columns);
    const bytes = await writeParquet([batch], { rowGroupSize: 2 });
    await store.put('p/part.parquet', bytes);
    const plain = await collect(readInputObject(store, 'p/part.parquet'));
    expect(plain.map((b) => b.numRows)).toEqual([2, 1]);
    const target = new arrow.Schema([
      new arrow.Field('ID', new arrow.Int64(), true),
      new arrow.Field('extra', new arrow.Float64(), true),
    ]);
    const conformed = await collect(readInputObject(store, 'p/part.parquet', { schema: target }));
    expect(conformed[0]!.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'ID:Int64',
      'extra:Float64',
      'name:Utf8',
    ]);
    expect(rowsOf(conformed)).toEqual([
      { ID: 1, extra: null, name: 'a' },
      { ID: 2, extra: null, name: 'b' },
      { ID: 3, extra: null, name: null },
    ]);
    await store.put('p/truncated.parquet', bytes.subarray(0, bytes.length - 10));
    const err = await failure(collect(readInputObject(store, 'p/truncated.parquet')));
    expect(err.message).toContain('truncated.parquet');
  });
});
