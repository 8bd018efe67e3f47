import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { batchToObjects } from '../../arrow/json-values.js';
import { InvalidArgumentError, SchemaMismatchError, WriteNotAllowedError } from '../../errors.js';
import { writeParquet } from '../../parquet/writer.js';
import { LocalStore } from '../../storage/local-store.js';
import { DeltaTable } from '../../table/delta-table.js';
import { convertToDelta } from '../../table/delta-table.js';
import { assertValidTable } from '../../../../../test/support/validate-table.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'convert-'));
  dirs.push(d);
  return d;
}

async function put(root: string, key: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(path.join(root, key)), { recursive: true });
  await writeFile(path.join(root, key), bytes);
}

function batch(ids: number[], names: (string | null)[], ts?: bigint[]): arrow.RecordBatch {
  const cols: Record<string, arrow.Data> = {
    id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()).data[0]!,
    name: arrow.vectorFromArray(names, new arrow.Utf8()).data[0]!,
  };
  if (ts) {
    cols.at = arrow.makeData({
      type: new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC'),
      length: ts.length,
      data: BigInt64Array.from(ts),
    });
  }
  return new arrow.RecordBatch(cols);
}

async function rows(table: DeltaTable, filter?: string): Promise<Record<string, unknown>[]> {
  const t = await table.toArrow(filter ? { filter } : {});
  return t.batches.flatMap((b) => batchToObjects(b)).sort((a, b) => Number(a.id) - Number(b.id));
}

describe('convertToDelta', () => {
  it('converts a Hive-partitioned directory in place, with stats that skip files', async () => {
    const root = await tempDir();
    await put(
      root,
      'country=NZ/day=2024-01-01/part-0.parquet',
      await writeParquet([batch([1, 2], ['a', 'b'], [0n, 1_000_000n])]),
    );
    await put(
      root,
      'country=US/day=2024-01-02/part-0.parquet',
      await writeParquet([batch([10, 11, 12], ['x', null, 'z'], [5n, 6n, 7n])]),
    );
    await put(
      root,
      'country=A%3AB/day=__HIVE_DEFAULT_PARTITION__/p.parquet',
      await writeParquet([batch([20], ['q'], [9n])]),
    );
    await put(root, '_SUCCESS', '');
    await put(root, '_tmp/part-9.parquet', 'not parquet');
    await put(root, 'country=NZ/.hidden.parquet', 'not parquet');
    const store = new LocalStore(root);
    const result = await convertToDelta(store, { name: 'events' });
    expect(result.version).toBe(0);
    expect(result.numFiles).toBe(3);
    expect(result.numRecords).toBe(6);
    expect(result.partitionColumns).toEqual(['country', 'day']);
    expect(result.schema.fields.map((f) => `${f.name}:${f.type.type}`)).toEqual([
      'id:long',
      'name:string',
      'at:timestamp',
      'country:string',
      'day:date',
    ]);

    const table = await DeltaTable.open(store);
    const adds = table.snapshot.files();
    const special = adds.find((a) => a.partitionValues.country === 'A:B')!;
    expect(special.path).toBe('country=A%253AB/day=__HIVE_DEFAULT_PARTITION__/p.parquet');
    expect(special.partitionValues.day).toBeNull();
    const us = adds.find((a) => a.partitionValues.country === 'US')!;
    expect(JSON.parse(us.stats!)).toEqual({
      numRecords: 3,
      minValues: { id: 10, name: 'x', at: '1970-01-01T00:00:00.000Z' },
      maxValues: { id: 12, name: 'z', at: '1970-01-01T00:00:00.000Z' },
      nullCount: { id: 0, name: 1, at: 0 },
    });

    expect(await rows(table)).toEqual([
      { id: 1, name: 'a', at: '1970-01-01T00:00:00.000000Z', country: 'NZ', day: '2024-01-01' },
      { id: 2, name: 'b', at: '1970-01-01T00:00:01.000000Z', country: 'NZ', day: '2024-01-01' },
      { id: 10, name: 'x', at: '1970-01-01T00:00:00.000005Z', country: 'US', day: '2024-01-02' },
      { id: 11, name: null, at: '1970-01-01T00:00:00.000006Z', country: 'US', day: '2024-01-02' },
      { id: 12, name: 'z', at: '1970-01-01T00:00:00.000007Z', country: 'US', day: '2024-01-02' },
      { id: 20, name: 'q', at: '1970-01-01T00:00:00.000009Z', country: 'A:B', day: null },
    ]);
    const scan = table.scan({ filter: 'id >= 11 AND id <= 12' });
    const got = (await scan.toArrow()).numRows;
    expect(got).toBe(2);
    expect(scan.metrics?.filesSkippedByStats).toBe(2);
    const history = await table.history();
    expect(history[0]!.operation).toBe('CONVERT');
    expect(history[0]!.operationParameters).toMatchObject({ numFiles: '3', partitionedBy: '["country","day"]' });

    await expect(convertToDelta(store)).rejects.toBeInstanceOf(WriteNotAllowedError);
    await assertValidTable(root, { failOnWarnings: true });
  });

  it('converts unpartitioned files in nested directories, and types partitions as asked', async () => {
    const root = await tempDir();
    await put(root, '2024/a.parquet', await writeParquet([batch([1], ['a'])]));
    await put(root, 'b.parquet', await writeParquet([batch([2, 3], ['b', 'c'])]));
    const res = await convertToDelta(new LocalStore(root));
    expect(res.partitionColumns).toEqual([]);
    expect(await rows(await DeltaTable.open(new LocalStore(root)))).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ]);

    const typed = await tempDir();
    await put(typed, 'year=2024/a.parquet', await writeParquet([batch([1], ['a'])]));
    await put(typed, 'year=0999/b.parquet', await writeParquet([batch([2], ['b'])]));
    const r2 = await convertToDelta(new LocalStore(typed), { partitionBy: [{ name: 'year', type: { type: 'long' } }] });
    expect(r2.schema.fields.at(-1)).toMatchObject({ name: 'year', type: { type: 'long' } });
    const t2 = await DeltaTable.open(new LocalStore(typed));
    expect(
      t2.snapshot
        .files()
        .map((a) => a.partitionValues.year)
        .sort(),
    ).toEqual(['2024', '999']);
    expect((await rows(t2, 'year = 999')).map((r) => r.id)).toEqual([2]);
    await assertValidTable(root, { failOnWarnings: true });
    await assertValidTable(typed, { failOnWarnings: true });
  });

  it('refuses incompatible schemas, mixed layouts and empty directories, naming the files', async () => {
    const root = await tempDir();
    await put(root, 'a.parquet', await writeParquet([batch([1], ['a'])]));
    const otherCols: Record<string, arrow.Data> = { id: arrow.vectorFromArray(['x'], new arrow.Utf8()).data[0]! };
    const other = new arrow.RecordBatch(otherCols);
    await put(root, 'b.parquet', await writeParquet([other]));
    const err = await convertToDelta(new LocalStore(root)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaMismatchError);
    expect((err as Error).message).toMatch(/column id is string in b\.parquet but id long in a\.parquet/);

    const mixed = await tempDir();
    await put(mixed, 'k=1/a.parquet', await writeParquet([batch([1], ['a'])]));
    await put(mixed, 'b.parquet', await writeParquet([batch([1], ['a'])]));
    await expect(convertToDelta(new LocalStore(mixed))).rejects.toThrow(/partition directories differ/);
    await expect(
      convertToDelta(new LocalStore(mixed), { partitionBy: [{ name: 'z', type: { type: 'string' } }] }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);

    const empty = await tempDir();
    await put(empty, '_SUCCESS', '');
    await expect(convertToDelta(new LocalStore(empty))).rejects.toThrow(/no Parquet files/);
  });
});
