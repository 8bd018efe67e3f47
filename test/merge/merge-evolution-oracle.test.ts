/**
 * MERGE schema evolution beyond new top-level columns, against DuckDB: a source whose struct
 * has a field the table's lacks and whose types are wider (int -> long at the top level and
 * inside the struct) merges into a table with type widening enabled; the table gains the
 * nested field and the wider types (recorded in `delta.typeChanges`), and after every merge
 * of a seeded sequence its rows equal DuckDB's `MERGE INTO` on a table altered the same way.
 * Without type widening the wider source is a SchemaMismatchError and nothing is committed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  DeltaTable,
  SchemaMismatchError,
  writeDeltaTable,
  type MergeGroupRequest,
  type MergeGroupResult,
} from '@delta-serverless/core';
import { createOptimizeWorkerHandler, type DmlWorkerRequest } from '@delta-serverless/lambda';
import { assertValidTable } from '../support/validate-table.js';
import { oracleSession, rng, sortedKeys } from '../dml/oracle-support.js';

const { root, db } = oracleSession('ds-merge-evolve-');

interface Rec {
  id: number;
  v: number | null;
  city: string | null;
  zip: number | null;
  country: string | null;
}

const q = (s: string | null) => (s === null ? 'NULL' : `'${s}'`);
const n = (x: number | null) => (x === null ? 'NULL' : String(x));

function records(r: () => number, ids: readonly number[], wide: boolean): Rec[] {
  return ids.map((id) => ({
    id,
    v: r() < 0.1 ? null : Math.floor(r() * 1000) + (wide && r() < 0.5 ? 2 ** 40 : 0),
    city: r() < 0.1 ? null : `c${Math.floor(r() * 5)}`,
    zip: r() < 0.1 ? null : Math.floor(r() * 90000) + (wide && r() < 0.5 ? 2 ** 36 : 0),
    country: r() < 0.2 ? null : `k${Math.floor(r() * 3)}`,
  }));
}

/** The table's rows (id INT64, v INT32, addr {city, zip INT32}) or the source's (v, zip INT64, addr.country). */
function arrowOf(recs: readonly Rec[], wide: boolean): arrow.Table {
  const int = (xs: (number | null)[]) =>
    wide
      ? arrow.vectorFromArray(
          xs.map((x) => (x === null ? null : BigInt(x))),
          new arrow.Int64(),
        )
      : arrow.vectorFromArray(xs, new arrow.Int32());
  const addrFields = [
    new arrow.Field('city', new arrow.Utf8(), true),
    new arrow.Field('zip', wide ? new arrow.Int64() : new arrow.Int32(), true),
    ...(wide ? [new arrow.Field('country', new arrow.Utf8(), true)] : []),
  ];
  const addr = arrow.vectorFromArray(
    recs.map((x) => ({
      city: x.city,
      zip: x.zip === null ? null : wide ? BigInt(x.zip) : x.zip,
      ...(wide ? { country: x.country } : {}),
    })),
    new arrow.Struct(addrFields),
  );
  return new arrow.Table({
    id: arrow.vectorFromArray(
      recs.map((x) => BigInt(x.id)),
      new arrow.Int64(),
    ),
    v: int(recs.map((x) => x.v)),
    addr,
  });
}

function flat(t: arrow.Table): string[] {
  const out: unknown[][] = [];
  for (const b of t.batches) {
    const addr = b.getChild('addr')!;
    for (let i = 0; i < b.numRows; i++) {
      const a = addr.get(i) as { city?: unknown; zip?: unknown; country?: unknown } | null;
      out.push([
        b.getChild('id')!.get(i),
        b.getChild('v')!.get(i),
        a?.city ?? null,
        a?.zip ?? null,
        a?.country ?? null,
      ]);
    }
  }
  return sortedKeys(out.map((r) => r.map((x) => (typeof x === 'bigint' ? Number(x) : x))));
}

async function duckFlat(c: DuckDBConnection): Promise<string[]> {
  const rows = (
    await c.runAndReadAll('SELECT id, v, addr.city, addr.zip, addr.country FROM t')
  ).getRowsJson() as unknown[][];
  return sortedKeys(
    rows.map((r) => r.map((x) => (x === null ? null : typeof x === 'string' && /^-?\d+$/.test(x) ? Number(x) : x))),
  );
}

async function duckLoad(c: DuckDBConnection, table: string, recs: readonly Rec[], country: boolean): Promise<void> {
  if (recs.length === 0) return;
  const values = recs.map(
    (x) =>
      `(${x.id}, ${n(x.v)}, {'city': ${q(x.city)}, 'zip': ${n(x.zip)}${country ? `, 'country': ${q(x.country)}` : ''}})`,
  );
  await c.run(`INSERT INTO ${table} VALUES ${values.join(', ')}`);
}

describe('MERGE schema evolution: nested fields and type widening', () => {
  test.each([
    { name: 'copy-on-write', seed: 71, props: {} as Record<string, string> },
    {
      name: 'deletion vectors, column mapping',
      seed: 72,
      props: { 'delta.enableDeletionVectors': 'true', 'delta.columnMapping.mode': 'name' },
    },
  ])(
    '$name: the table gains the source struct field and the wider types, rows equal DuckDB',
    async ({ seed, props }) => {
      const r = rng(seed);
      const c = db.connection;
      const dir = path.join(root, `evolve-${seed}`);
      const start = records(
        r,
        Array.from({ length: 40 }, (_, i) => i),
        false,
      );
      await writeDeltaTable(dir, arrowOf(start, false), {
        properties: { 'delta.enableTypeWidening': 'true', ...props },
        targetFileSize: 1024,
      });
      await c.run('CREATE OR REPLACE TABLE t (id BIGINT, v INTEGER, addr STRUCT(city VARCHAR, zip INTEGER))');
      await duckLoad(c, 't', start, false);
      // What the table becomes: DuckDB's copy altered by hand.
      await c.run(
        "CREATE OR REPLACE TABLE t AS SELECT id, v::BIGINT AS v, {'city': addr.city, 'zip': addr.zip::BIGINT, 'country': NULL::VARCHAR} AS addr FROM t",
      );
      const table = await DeltaTable.open(dir);
      for (let step = 0; step < 4; step++) {
        const ids = [...new Set(Array.from({ length: 12 }, () => Math.floor(r() * 60)))];
        const src = records(r, ids, true);
        await table
          .merge(arrowOf(src, true), { on: 't.id = s.id' })
          .withSchemaEvolution()
          .whenMatchedUpdate('all', 's.v IS NULL OR s.v <> t.v')
          .whenNotMatchedInsert('all')
          .execute();
        await c.run(
          'CREATE OR REPLACE TABLE src (id BIGINT, v BIGINT, addr STRUCT(city VARCHAR, zip BIGINT, country VARCHAR))',
        );
        await duckLoad(c, 'src', src, true);
        await c.run(
          'MERGE INTO t USING src AS s ON t.id = s.id WHEN MATCHED AND (s.v IS NULL OR s.v <> t.v) THEN UPDATE SET v = s.v, addr = s.addr WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v, s.addr)',
        );
        expect(flat(await table.toArrow()), `step ${step}`).toEqual(await duckFlat(c));
      }
      const schema = (await DeltaTable.open(dir)).snapshot.schema;
      const v = schema.fields.find((f) => f.name === 'v')!;
      expect(v.type).toEqual({ type: 'long' });
      expect(v.metadata['delta.typeChanges']).toEqual([{ fromType: 'integer', toType: 'long' }]);
      const addr = schema.fields.find((f) => f.name === 'addr')!.type;
      expect(addr.type === 'struct' && addr.fields.map((f) => [f.name, f.type.type])).toEqual([
        ['city', 'string'],
        ['zip', 'long'],
        ['country', 'string'],
      ]);
      await assertValidTable(dir);
    },
  );

  test('without type widening a wider source column is a SchemaMismatchError saying how to enable it; nothing committed', async () => {
    const dir = path.join(root, 'no-widening');
    await writeDeltaTable(dir, arrowOf(records(rng(3), [1, 2, 3], false), false));
    const table = await DeltaTable.open(dir);
    const err = await table
      .merge(arrowOf(records(rng(4), [2, 5], true), true), { on: 't.id = s.id' })
      .withSchemaEvolution()
      .whenMatchedUpdate('all')
      .whenNotMatchedInsert('all')
      .execute()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaMismatchError);
    expect((err as Error).message).toMatch(/source column v is long, wider than the table's integer/);
    expect((err as Error).message).toContain("setProperties({ 'delta.enableTypeWidening': 'true' })");
    expect((await DeltaTable.open(dir)).version).toBe(0);
  });

  test('a source struct lacking a field of the table struct writes NULL into it (the whole struct is assigned)', async () => {
    const dir = path.join(root, 'narrow-struct');
    const recs = records(rng(9), [1, 2], true);
    await writeDeltaTable(dir, arrowOf(recs, true));
    const table = await DeltaTable.open(dir);
    await table
      .merge(arrowOf(records(rng(10), [2, 3], false), false), { on: 't.id = s.id' })
      .withSchemaEvolution()
      .whenMatchedUpdate('all')
      .whenNotMatchedInsert('all')
      .execute();
    const rows = flat(await table.toArrow()).map((k) => JSON.parse(k) as unknown[]);
    expect(rows.map((x) => [x[0], x[4]])).toEqual([
      [1, recs[0]!.country],
      [2, null],
      [3, null],
    ]);
  });

  test('through worker requests (the source as Arrow IPC), on a column-mapping table, equal to a local run', async () => {
    const handler = createOptimizeWorkerHandler({}) as unknown as (e: DmlWorkerRequest) => Promise<unknown>;
    const invoke = async ({ context, files, merge }: MergeGroupRequest): Promise<MergeGroupResult> =>
      JSON.parse(
        JSON.stringify(
          await handler(JSON.parse(JSON.stringify({ kind: 'dml-files', context, files, merge })) as DmlWorkerRequest),
        ),
      ) as MergeGroupResult;
    const r = rng(31);
    const [a, b] = [path.join(root, 'workers-a'), path.join(root, 'workers-b')];
    await writeDeltaTable(a, arrowOf(records(r, [0, 1, 2, 3], false), false), {
      properties: { 'delta.enableTypeWidening': 'true', 'delta.columnMapping.mode': 'name' },
    });
    for (const ids of [
      [4, 5, 6],
      [7, 8, 9],
    ])
      await (await DeltaTable.open(a)).append(arrowOf(records(r, ids, false), false));
    fs.cpSync(a, b, { recursive: true });
    const src = arrowOf(records(r, [1, 5, 9, 12], true), true);
    const run = (dir: string, opts: object) =>
      DeltaTable.open(dir).then((t) =>
        t
          .merge(src, { on: 't.id = s.id', ...opts })
          .withSchemaEvolution()
          .whenMatchedUpdate('all')
          .whenNotMatchedInsert('all')
          .execute(),
      );
    const fanned = await run(a, { workers: { invoke, filesPerWorker: 1 } });
    await run(b, {});
    expect(fanned.metrics.numTargetRowsUpdated).toBe(3);
    expect(flat(await (await DeltaTable.open(a)).toArrow())).toEqual(flat(await (await DeltaTable.open(b)).toArrow()));
    await assertValidTable(a);
  });
});
