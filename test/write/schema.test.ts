/**
 * Schema enforcement (mismatches refused naming the column and types, safe casts accepted,
 * NOT NULL enforced with nothing committed) and evolution (merge, type widening, overwrite).
 */
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import {
  ConstraintViolationError,
  DeltaTable,
  InvalidArgumentError,
  SchemaMismatchError,
  writeDeltaTable,
  type DataType,
  type StructField,
  type StructType,
} from '@delta-serverless/core';
import {
  actionsOf,
  batch,
  build,
  commitVersions,
  dataFiles,
  expectError,
  field,
  readRows,
  readSorted,
  tempDirs,
  validate,
  type AddAction,
  type RemoveAction,
} from './helpers.js';

const newDir = tempDirs('schema');

const sf = (name: string, type: DataType, nullable = true): StructField => ({ name, type, nullable, metadata: {} });
const struct = (...fields: StructField[]): StructType => ({ type: 'struct', fields });
const LONG: DataType = { type: 'long' };
const INT: DataType = { type: 'integer' };
const STRING: DataType = { type: 'string' };

/** A table (id long, name string) with one row. */
async function simpleTable(): Promise<string> {
  const dir = newDir();
  await writeDeltaTable(dir, batch({ id: build.long([1n]), name: build.string(['one']) }));
  return dir;
}

describe('enforcement', () => {
  test('an extra column is refused naming it, nothing committed', async () => {
    const dir = await simpleTable();
    await expectError(
      () =>
        writeDeltaTable(dir, batch({ id: build.long([2n]), name: build.string(['two']), surprise: build.int([1]) })),
      SchemaMismatchError,
      'column surprise',
      'is not in the table',
      "schemaMode: 'merge'",
    );
    expect(commitVersions(dir)).toEqual([0]);
    expect(dataFiles(dir)).toHaveLength(1);
    await validate(dir);
  });

  test('a wrong type (string into long) names the column and both types', async () => {
    const dir = await simpleTable();
    await expectError(
      () => writeDeltaTable(dir, batch({ id: build.string(['2']), name: build.string(['two']) })),
      SchemaMismatchError,
      'column id is long in the table but the data has string',
    );
    expect(commitVersions(dir)).toEqual([0]);
    await validate(dir);
  });

  test('safe casts are accepted: int32/uint32 -> long, float -> double, ms/ns -> µs timestamps, dictionary -> string', async () => {
    const dir = newDir();
    await writeDeltaTable(
      dir,
      batch({
        l: build.long([0n]),
        d: build.double([0]),
        ts: build.timestamp([0n]),
        s: build.string(['zero']),
        k: build.int([0]),
      }),
    );
    await writeDeltaTable(
      dir,
      batch({
        l: build.int([-2147483648]),
        d: build.float([1.5]),
        ts: build.timestampUnit(arrow.TimeUnit.MILLISECOND, 'UTC', [-1n]),
        s: build.of(new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()), ['dict']),
        k: build.int([1]),
      }),
    );
    await writeDeltaTable(
      dir,
      batch({
        l: build.uint32([4294967295]),
        d: build.int([7]),
        ts: build.timestampUnit(arrow.TimeUnit.NANOSECOND, 'UTC', [1_999n]),
        s: build.of(new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8()), ['x', null]).slice(0, 1),
        k: build.int([2]),
      }),
    );
    await writeDeltaTable(
      dir,
      batch({
        l: build.long([3n]),
        d: build.double([3]),
        ts: build.timestampUnit(arrow.TimeUnit.NANOSECOND, 'UTC', [-1n]), // floors to -1 µs
        s: build.string(['three']),
        k: build.int([3]),
      }),
    );
    await validate(dir);
    const t = await DeltaTable.open(dir);
    expect(t.snapshot.schema.fields.map((f) => f.type.type)).toEqual([
      'long',
      'double',
      'timestamp',
      'string',
      'integer',
    ]);
    expect(t.version).toBe(3);
    expect(await readSorted(dir, 'k')).toEqual([
      { l: 0, d: 0, ts: '1970-01-01T00:00:00.000000Z', s: 'zero', k: 0 },
      { l: -2147483648, d: 1.5, ts: '1969-12-31T23:59:59.999000Z', s: 'dict', k: 1 },
      { l: 4294967295, d: 7, ts: '1970-01-01T00:00:00.000001Z', s: 'x', k: 2 },
      { l: 3, d: 3, ts: '1969-12-31T23:59:59.999999Z', s: 'three', k: 3 },
    ]);
  });

  test('a missing nullable column is filled with nulls', async () => {
    const dir = await simpleTable();
    await writeDeltaTable(dir, batch({ id: build.long([2n, 3n]) }));
    await validate(dir);
    expect(await readSorted(dir, 'id')).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: null },
      { id: 3, name: null },
    ]);
    // Stats of the new file count the absent column as all-null.
    const [add] = actionsOf<AddAction>(dir, 1, 'add');
    expect(JSON.parse(add!.stats!)).toMatchObject({ numRecords: 2, nullCount: { id: 0, name: 2 } });
  });

  test('case-insensitive column matching keeps the table names', async () => {
    const dir = newDir();
    await writeDeltaTable(
      dir,
      batch({
        Id: build.long([1n]),
        Payload: build.of(new arrow.Struct([field('Inner', new arrow.Int32())]), [{ Inner: 1 }]),
      }),
    );
    await writeDeltaTable(
      dir,
      batch({
        PAYLOAD: build.of(new arrow.Struct([field('inner', new arrow.Int32())]), [{ inner: 2 }]),
        ID: build.long([2n]),
      }),
    );
    await validate(dir);
    const t = await DeltaTable.open(dir);
    expect(t.snapshot.schema.fields.map((f) => f.name)).toEqual(['Id', 'Payload']);
    expect(t.version).toBe(1);
    expect(await readSorted(dir, 'Id')).toEqual([
      { Id: 1, Payload: { Inner: 1 } },
      { Id: 2, Payload: { Inner: 2 } },
    ]);
  });

  describe('NOT NULL', () => {
    const schema = struct(
      sf('id', LONG, false),
      sf('s', struct(sf('a', INT, false), sf('b', STRING)), true),
      sf('note', STRING),
    );

    async function notNullTable(): Promise<{ dir: string; table: DeltaTable }> {
      const dir = newDir();
      const table = await DeltaTable.create(dir, { schema });
      await table.append(
        batch({
          id: build.long([1n]),
          s: build.of(new arrow.Struct([field('a', new arrow.Int32()), field('b', new arrow.Utf8())]), [
            { a: 1, b: 'x' },
          ]),
          note: build.string(['ok']),
        }),
      );
      return { dir, table };
    }
    const sType = new arrow.Struct([field('a', new arrow.Int32()), field('b', new arrow.Utf8())]);

    test('a missing NOT NULL column is refused', async () => {
      const { dir, table } = await notNullTable();
      await expectError(
        () => table.append(batch({ note: build.string(['no id']) })),
        SchemaMismatchError,
        'non-nullable column id is missing from the data',
      );
      expect(commitVersions(dir)).toEqual([0, 1]);
      await validate(dir);
    });

    test('a null in a top-level NOT NULL column: ConstraintViolationError, nothing committed, no files left', async () => {
      const { dir, table } = await notNullTable();
      const before = dataFiles(dir);
      // The first batch is fine and already streaming to a file when the second one fails.
      const good = batch({
        id: build.long([2n, 3n]),
        s: build.of(sType, [{ a: 2, b: null }, null]),
        note: build.string([null, 'n']),
      });
      const bad = batch({
        id: build.long([4n, null]),
        s: build.of(sType, [
          { a: 4, b: 'y' },
          { a: 5, b: 'z' },
        ]),
        note: build.string(['a', 'b']),
      });
      const err = await expectError(
        () => table.append([good, bad]),
        ConstraintViolationError,
        'column id is declared NOT NULL',
        'row 1',
        'nothing was committed',
      );
      expect((err as ConstraintViolationError).constraint).toBe('NOT NULL id');
      expect(commitVersions(dir)).toEqual([0, 1]);
      expect((await DeltaTable.open(dir)).version).toBe(1);
      expect(dataFiles(dir)).toEqual(before);
      await validate(dir);
    });

    test('a null in a nested NOT NULL field (parent present) is refused; a null parent is fine', async () => {
      const { dir, table } = await notNullTable();
      const before = dataFiles(dir);
      const err = await expectError(
        () =>
          table.append(
            batch({
              id: build.long([2n, 3n]),
              s: build.of(sType, [
                { a: 1, b: 'p' },
                { a: null, b: 'q' },
              ]),
              note: build.string([null, null]),
            }),
          ),
        ConstraintViolationError,
        'column s.a is declared NOT NULL',
      );
      expect((err as ConstraintViolationError).constraint).toBe('NOT NULL s.a');
      expect(commitVersions(dir)).toEqual([0, 1]);
      expect(dataFiles(dir)).toEqual(before);
      // s itself is nullable: a null struct does not violate s.a.
      await table.append(
        batch({ id: build.long([9n]), s: build.of(sType, [null]), note: build.string(['null struct']) }),
      );
      await validate(dir);
      expect(await readSorted(dir, 'id')).toEqual([
        { id: 1, s: { a: 1, b: 'x' }, note: 'ok' },
        { id: 9, s: null, note: 'null struct' },
      ]);
      const t = await DeltaTable.open(dir);
      expect(t.snapshot.schema.fields.map((f) => f.nullable)).toEqual([false, true, true]);
    });
  });
});

describe('evolution', () => {
  test("schemaMode 'merge' adds top-level and nested fields; old rows read null", async () => {
    const dir = newDir();
    const s1 = new arrow.Struct([field('a', new arrow.Int32())]);
    await writeDeltaTable(dir, batch({ id: build.int([1]), s: build.of(s1, [{ a: 1 }]) }));
    const s2 = new arrow.Struct([field('a', new arrow.Int32()), field('b', new arrow.Utf8())]);
    const data = batch({ id: build.int([2]), s: build.of(s2, [{ a: 2, b: 'new' }]), extra: build.double([2.5]) });
    // Without merge: refused naming both new fields.
    await expectError(() => writeDeltaTable(dir, data), SchemaMismatchError, 'column s.b', 'column extra');
    const res = await writeDeltaTable(dir, data, { schemaMode: 'merge' });
    expect(res.version).toBe(1);
    await validate(dir);
    const t = await DeltaTable.open(dir);
    expect(t.snapshot.schema).toEqual(
      struct(sf('id', INT), sf('s', struct(sf('a', INT), sf('b', STRING))), sf('extra', { type: 'double' })),
    );
    // The commit carries the new metadata (same table id).
    const [md] = actionsOf<{ id: string; schemaString: string }>(dir, 1, 'metaData');
    expect(md!.id).toBe(actionsOf<{ id: string }>(dir, 0, 'metaData')[0]!.id);
    expect(await readSorted(dir, 'id')).toEqual([
      { id: 1, s: { a: 1, b: null }, extra: null },
      { id: 2, s: { a: 2, b: 'new' }, extra: 2.5 },
    ]);
    // An append of the old shape still works after the merge (missing columns are null).
    await writeDeltaTable(dir, batch({ id: build.int([3]), s: build.of(s1, [{ a: 3 }]) }));
    await validate(dir);
    expect((await readSorted(dir, 'id'))[2]).toEqual({ id: 3, s: { a: 3, b: null }, extra: null });
  });

  test('type widening needs delta.enableTypeWidening=true, and says so', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([1]), v: build.int([10]) }));
    await expectError(
      () => writeDeltaTable(dir, batch({ id: build.int([2]), v: build.long([2n ** 40n]) }), { schemaMode: 'merge' }),
      SchemaMismatchError,
      'column v is integer in the table but the data has long',
      'delta.enableTypeWidening=true',
    );
    expect(commitVersions(dir)).toEqual([0]);
    await validate(dir);
  });

  test('with delta.enableTypeWidening=true, integer widens to long (typeChanges metadata, typeWidening feature)', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([1]), v: build.int([10]) }), {
      properties: { 'delta.enableTypeWidening': 'true' },
    });
    const p0 = actionsOf<Record<string, unknown>>(dir, 0, 'protocol')[0]!;
    expect(p0).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['typeWidening'],
      writerFeatures: ['typeWidening'],
    });
    // Without merge it is still refused (widening changes the schema).
    await expectError(
      () => writeDeltaTable(dir, batch({ id: build.int([2]), v: build.long([2n ** 40n]) })),
      SchemaMismatchError,
      'column v',
    );
    const res = await writeDeltaTable(dir, batch({ id: build.int([2]), v: build.long([2n ** 40n]) }), {
      schemaMode: 'merge',
    });
    expect(res.version).toBe(1);
    await validate(dir);
    const t = await DeltaTable.open(dir);
    const v = t.snapshot.schema.fields.find((f) => f.name === 'v')!;
    expect(v.type).toEqual({ type: 'long' });
    expect(v.metadata['delta.typeChanges']).toEqual([{ fromType: 'integer', toType: 'long' }]);
    expect(t.snapshot.protocol.readerFeatures).toContain('typeWidening');
    expect(t.snapshot.protocol.writerFeatures).toContain('typeWidening');
    // Old files (int32 in Parquet) read back as long.
    expect(await readSorted(dir, 'id')).toEqual([
      { id: 1, v: 10 },
      { id: 2, v: 1099511627776 },
    ]);
  });

  test("schemaMode 'overwrite' with mode 'overwrite' replaces schema and partitioning", async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ a: build.string(['x', 'y']), b: build.int([1, 2]) }), { partitionBy: ['a'] });
    const t = await DeltaTable.open(dir);
    const res = await t.overwrite(batch({ c: build.double([1.5]), d: build.string(['k']) }), {
      schemaMode: 'overwrite',
      partitionBy: ['d'],
    });
    expect(res.version).toBe(1);
    await validate(dir);
    expect(t.snapshot.schema).toEqual(struct(sf('c', { type: 'double' }), sf('d', STRING)));
    expect(t.snapshot.partitionColumns).toEqual(['d']);
    const removes = actionsOf<RemoveAction>(dir, 1, 'remove');
    expect(removes).toHaveLength(2);
    expect(removes.every((r) => r.dataChange)).toBe(true);
    expect(await readRows(dir)).toEqual([{ c: 1.5, d: 'k' }]);
    expect(actionsOf<AddAction>(dir, 1, 'add')[0]!.path).toMatch(/^d=k\//);
    // Time travel still reads the old schema and data.
    expect(await readSorted(dir, 'b', { version: 0 })).toEqual([
      { a: 'x', b: 1 },
      { a: 'y', b: 2 },
    ]);
  });

  test("schemaMode 'overwrite' without mode 'overwrite' is refused", async () => {
    const dir = await simpleTable();
    await expectError(
      () => writeDeltaTable(dir, batch({ z: build.int([1]) }), { schemaMode: 'overwrite' }),
      InvalidArgumentError,
      "schemaMode: 'overwrite'",
      "needs mode: 'overwrite'",
    );
    expect(commitVersions(dir)).toEqual([0]);
    expect(dataFiles(dir)).toHaveLength(1);
    await validate(dir);
  });
});
