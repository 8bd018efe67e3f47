/**
 * Parquet files from other writers (DuckDB; Spark's INT96 timestamps from the corpus), read
 * with openParquetFile and appended: converted to Delta types (ns -> µs, unsigned -> wider
 * signed, INT96 -> timestamp) or refused with a SchemaMismatchError naming the column.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DeltaTable,
  LocalStore,
  SchemaMismatchError,
  writeDeltaTable,
  type JsonValue,
  type StructType,
} from '@delta-serverless/core';
import { openParquetFile } from '../../packages/core/src/parquet/reader.js';
import { commitVersions, dataFiles, expectError, readSorted, tempDirs, validate } from './helpers.js';
import { corpusPath } from '../support/corpus.js';

const newDir = tempDirs('foreign');
const INT96_TABLE = corpusPath('delta-golden/kernel-timestamp-int96');

let duck: { instance: DuckDBInstance; conn: DuckDBConnection };
beforeAll(async () => {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  duck = { instance, conn: await instance.connect() };
});
afterAll(() => {
  duck.conn.closeSync();
  duck.instance.closeSync();
});

/** Write `select` to `<dir>/<name>` with DuckDB; returns the file path. */
async function duckParquet(dir: string, name: string, select: string): Promise<string> {
  const file = path.join(dir, name);
  await duck.conn.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  return file;
}

/** The batches of a Parquet file, read with our reader (streamed, closed at the end). */
async function* parquetBatches(file: string): AsyncGenerator<arrow.RecordBatch> {
  const reader = await openParquetFile(new LocalStore(path.dirname(file)), path.basename(file));
  try {
    yield* reader.readBatches();
  } finally {
    reader.close();
  }
}

async function arrowSchemaOf(file: string): Promise<string[]> {
  const reader = await openParquetFile(new LocalStore(path.dirname(file)), path.basename(file));
  const s = reader.arrowSchema();
  reader.close();
  return s.fields.map((f) => `${f.name}: ${String(f.type)}`);
}

/** Column types as the log's schemaString spells them. */
const deltaTypes = async (dir: string) =>
  (
    JSON.parse((await DeltaTable.open(dir)).snapshot.metadata.schemaString) as {
      fields: { name: string; type: unknown }[];
    }
  ).fields.map((f) => [f.name, JSON.stringify(f.type)]);

describe('DuckDB-written Parquet', () => {
  test('TIMESTAMP_NS and TIMESTAMP_MS: nanoseconds floor to microseconds', async () => {
    const src = newDir();
    const file = await duckParquet(
      src,
      'ts.parquet',
      `SELECT * FROM (VALUES
        (1, '2024-01-31 12:34:56.789012345'::TIMESTAMP_NS, '2024-01-31 12:34:56.789'::TIMESTAMP_MS),
        (2, '1969-12-31 23:59:59.999999999'::TIMESTAMP_NS, '1969-12-31 23:59:59.999'::TIMESTAMP_MS),
        (3, NULL, NULL)) t(id, tns, tms)`,
    );
    expect(await arrowSchemaOf(file)).toEqual([
      'id: Int32',
      'tns: Timestamp<NANOSECOND>',
      'tms: Timestamp<MILLISECOND>',
    ]);

    // New table: zone-less timestamps become timestamp_ntz.
    const dir = newDir();
    await writeDeltaTable(dir, parquetBatches(file));
    await validate(dir);
    expect(await deltaTypes(dir)).toEqual([
      ['id', '"integer"'],
      ['tns', '"timestamp_ntz"'],
      ['tms', '"timestamp_ntz"'],
    ]);
    expect(await readSorted(dir, 'id')).toEqual([
      { id: 1, tns: '2024-01-31T12:34:56.789012', tms: '2024-01-31T12:34:56.789000' },
      { id: 2, tns: '1969-12-31T23:59:59.999999', tms: '1969-12-31T23:59:59.999000' },
      { id: 3, tns: null, tms: null },
    ]);

    // Existing table with a UTC timestamp and a long id: zone-less values are taken as UTC.
    const dir2 = newDir();
    const schema: StructType = {
      type: 'struct',
      fields: [
        { name: 'id', type: { type: 'long' }, nullable: true, metadata: {} },
        { name: 'tns', type: { type: 'timestamp' }, nullable: true, metadata: {} },
        { name: 'tms', type: { type: 'timestamp' }, nullable: true, metadata: {} },
      ],
    };
    const t = await DeltaTable.create(dir2, { schema });
    await t.append(parquetBatches(file));
    await validate(dir2);
    expect((await readSorted(dir2, 'id'))[0]).toEqual({
      id: 1,
      tns: '2024-01-31T12:34:56.789012Z',
      tms: '2024-01-31T12:34:56.789000Z',
    });
  });

  test('unsigned integers widen to the next signed type (nested too); a UBIGINT beyond the long range is refused', async () => {
    const src = newDir();
    const file = await duckParquet(
      src,
      'u.parquet',
      `SELECT * FROM (VALUES
        (1, 0::UTINYINT, 0::USMALLINT, 0::UINTEGER, 0::UBIGINT, {'a': 1::UTINYINT}, MAP {'k': 1::UINTEGER}),
        (2, 255::UTINYINT, 65535::USMALLINT, 4294967295::UINTEGER, 9223372036854775807::UBIGINT, {'a': 255::UTINYINT}, MAP {'k': 4294967295::UINTEGER}),
        (3, NULL, NULL, NULL, NULL, NULL, NULL)) t(id, u8, u16, u32, u64, s, m)`,
    );
    expect(await arrowSchemaOf(file)).toEqual([
      'id: Int32',
      'u8: Uint8',
      'u16: Uint16',
      'u32: Uint32',
      'u64: Uint64',
      's: Struct<{a:Uint8}>',
      'm: Map<{key:Utf8, value:Uint32}>',
    ]);
    const dir = newDir();
    await writeDeltaTable(dir, parquetBatches(file));
    await validate(dir);
    expect(await deltaTypes(dir)).toEqual([
      ['id', '"integer"'],
      ['u8', '"short"'],
      ['u16', '"integer"'],
      ['u32', '"long"'],
      ['u64', '"long"'],
      ['s', JSON.stringify({ type: 'struct', fields: [{ name: 'a', type: 'short', nullable: true, metadata: {} }] })],
      ['m', JSON.stringify({ type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true })],
    ]);
    const rows: Record<string, JsonValue>[] = [
      { id: 1, u8: 0, u16: 0, u32: 0, u64: 0, s: { a: 1 }, m: [['k', 1]] },
      {
        id: 2,
        u8: 255,
        u16: 65535,
        u32: 4294967295,
        u64: '9223372036854775807',
        s: { a: 255 },
        m: [['k', 4294967295]],
      },
      { id: 3, u8: null, u16: null, u32: null, u64: null, s: null, m: null },
    ];
    expect(await readSorted(dir, 'id')).toEqual(rows);

    // 2^64 - 1 does not fit a long: refused naming the column, nothing committed or left behind.
    const big = await duckParquet(
      src,
      'big.parquet',
      `SELECT 4 AS id, 1::UTINYINT AS u8, 1::USMALLINT AS u16, 1::UINTEGER AS u32, 18446744073709551615::UBIGINT AS u64`,
    );
    const files = dataFiles(dir);
    await expectError(
      () => writeDeltaTable(dir, parquetBatches(big)),
      SchemaMismatchError,
      'u64',
      '18446744073709551615',
      'exceeds the long range',
    );
    expect(commitVersions(dir)).toEqual([0]);
    expect(dataFiles(dir)).toEqual(files);
    await validate(dir);
  });

  test('HUGEINT arrives as DOUBLE (DuckDB writes it so); TIME and INTERVAL are refused naming the column', async () => {
    const src = newDir();
    // DuckDB has no 128-bit Parquet integer: it writes HUGEINT as DOUBLE, so the column is a
    // double by the time any reader sees it (checked here so a change in DuckDB is noticed).
    const huge = await duckParquet(
      src,
      'huge.parquet',
      `SELECT 1 AS id, 170141183460469231731687303715884105727::HUGEINT AS h`,
    );
    const kinds = await duck.conn.runAndReadAll(`SELECT name, type FROM parquet_schema('${huge}') WHERE name = 'h'`);
    expect(kinds.getRowObjects()).toEqual([{ name: 'h', type: 'DOUBLE' }]);
    const dir = newDir();
    await writeDeltaTable(dir, parquetBatches(huge));
    await validate(dir);
    expect(await deltaTypes(dir)).toEqual([
      ['id', '"integer"'],
      ['h', '"double"'],
    ]);
    expect(await readSorted(dir, 'id')).toEqual([{ id: 1, h: 1.7014118346046923e38 }]);

    // Types Delta cannot store at all: refused up front, no table created.
    const time = await duckParquet(src, 'time.parquet', `SELECT 1 AS id, '12:34:56.123456'::TIME AS t`);
    const interval = await duckParquet(src, 'interval.parquet', `SELECT 1 AS id, INTERVAL 3 DAY AS iv`);
    for (const [file, column, arrowType] of [
      [time, 't', 'Time64<MICROSECOND>'],
      [interval, 'iv', 'Interval<DAY_TIME>'],
    ] as const) {
      const target = newDir();
      await expectError(
        () => writeDeltaTable(target, parquetBatches(file)),
        SchemaMismatchError,
        `column ${column}`,
        arrowType,
        'Delta cannot store',
      );
      expect(fs.existsSync(path.join(target, '_delta_log'))).toBe(false);
      expect(dataFiles(target)).toEqual([]);
    }
    // A 128-bit integer that keeps its precision (Arrow decimal(39,0), e.g. a UHUGEINT's range)
    // has no Delta type either.
    const wide = new arrow.Decimal(0, 39, 256);
    const wideData = arrow.makeData({
      type: wide,
      length: 1,
      nullCount: 0,
      data: new Uint32Array(8).fill(0xffffffff, 0, 4),
    });
    const wideBatch = new arrow.RecordBatch(
      new arrow.Schema([new arrow.Field('uh', wide)]),
      arrow.makeData({
        type: new arrow.Struct([new arrow.Field('uh', wide)]),
        length: 1,
        nullCount: 0,
        children: [wideData],
      }),
    );
    await expectError(
      () => writeDeltaTable(newDir(), wideBatch),
      SchemaMismatchError,
      'column uh',
      'decimal(39,0)',
      'maximum precision 38',
    );
    // Into an existing table the same column is a type mismatch naming both types.
    const hTime = await duckParquet(src, 'h-time.parquet', `SELECT 2 AS id, '01:00:00'::TIME AS h`);
    await expectError(
      () => writeDeltaTable(dir, parquetBatches(hTime)),
      SchemaMismatchError,
      'column h is double in the table',
    );
    expect(commitVersions(dir)).toEqual([0]);
  });
});

describe('INT96 timestamps (Spark, corpus)', () => {
  test('appending the INT96 files converts them to microsecond timestamps', async () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory() && e.name !== '_delta_log') walk(path.join(d, e.name));
        else if (e.name.endsWith('.parquet')) files.push(path.join(d, e.name));
      }
    };
    walk(INT96_TABLE);
    expect(files).toHaveLength(5);
    // Spark wrote `time` as INT96.
    const physical = await duck.conn.runAndReadAll(
      `SELECT DISTINCT type FROM parquet_schema('${files[0]!.replace(/'/g, "''")}') WHERE name = 'time'`,
    );
    expect(physical.getRowObjects()).toEqual([{ type: 'INT96' }]);
    expect(await arrowSchemaOf(files[0]!)).toEqual(['id: Int32', 'time: Timestamp<MICROSECOND, UTC>']);

    const dir = newDir();
    async function* all(): AsyncGenerator<arrow.RecordBatch> {
      for (const f of files) yield* parquetBatches(f);
    }
    const res = await writeDeltaTable(dir, all());
    expect(res.metrics.numOutputRows).toBe(5);
    await validate(dir); // INT96 not allowed in our own files: we wrote INT64 micros
    expect(await deltaTypes(dir)).toEqual([
      ['id', '"integer"'],
      ['time', '"timestamp"'],
    ]);
    // Expected values from the corpus (Spark's own reading of the table).
    const expected = JSON.parse(fs.readFileSync(`${INT96_TABLE}.expected.json`, 'utf8')) as {
      rows: [number, string | null, string | null][];
    };
    expect(await readSorted(dir, 'id')).toEqual(expected.rows.map(([id, , time]) => ({ id, time })));
    const [written] = dataFiles(dir);
    const ours = await duck.conn.runAndReadAll(
      `SELECT type, logical_type FROM parquet_schema('${path.join(dir, written!)}') WHERE name = 'time'`,
    );
    expect(ours.getRowObjects()).toEqual([
      { type: 'INT64', logical_type: expect.stringContaining('isAdjustedToUTC=1') as unknown },
    ]);
    expect(String(ours.getRowObjects()[0]!.logical_type)).toContain('MICROS=MicroSeconds()');
  });
});
