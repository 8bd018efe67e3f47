/**
 * Scans: projection, filters (builder and SQL) checked against a brute-force filter of the
 * generated rows, partition pruning, stats and row-group skipping as seen in the metrics,
 * deletion vectors, null and special-character partition values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DeltaTable,
  ExpressionError,
  InvalidArgumentError,
  and,
  col,
  lit,
  not,
  or,
  writeDeltaTable,
  type Expression,
  type JsonValue,
} from '@delta-serverless/core';
import {
  CORPUS,
  range,
  rejectionOf,
  removeTempDirs,
  sortRows,
  tableObjects,
  tableRows,
  tempDir as readTempDir,
} from './support.js';
import { validatedDirs } from '../support/validate-written.js';

afterAll(removeTempDirs);
// Every table these tests write goes through the independent validator after the test.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

// ---------------------------------------------------------------------------------------------
// Generated rows (the brute-force reference) and their Arrow form.

interface Row {
  id: number;
  name: string | null;
  score: number | null;
  /** Days since the epoch. */
  day: number;
  /** Microseconds since the epoch (UTC). */
  ts: bigint;
  /** decimal(10, 2), unscaled (cents). */
  amount: bigint;
  flag: boolean;
}

const TS_BASE = BigInt(Date.UTC(2024, 0, 1)) * 1000n;
const HOUR_US = 3_600_000_000n;

function makeRow(id: number): Row {
  return {
    id,
    name: id % 11 === 0 ? null : `n${id % 37}`,
    score: id % 13 === 0 ? null : ((id * 7) % 101) / 4,
    day: 19000 + (id % 60),
    ts: TS_BASE + BigInt(id) * HOUR_US,
    amount: BigInt(((id * 137) % 20000) - 10000),
    flag: id % 3 === 0,
  };
}

function decimalWords(values: readonly bigint[]): Uint32Array {
  const out = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    let x = BigInt.asUintN(128, v);
    for (let k = 0; k < 4; k++) {
      out[i * 4 + k] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  });
  return out;
}

function rowsToArrow(rows: readonly Row[]): arrow.Table {
  const n = rows.length;
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from(rows, (r) => BigInt(r.id))),
    name: arrow.vectorFromArray(
      rows.map((r) => r.name),
      new arrow.Utf8(),
    ),
    score: arrow.vectorFromArray(
      rows.map((r) => r.score),
      new arrow.Float64(),
    ),
    day: arrow.makeVector(
      arrow.makeData({ type: new arrow.DateDay(), length: n, data: Int32Array.from(rows, (r) => r.day) }),
    ),
    ts: arrow.makeVector(
      arrow.makeData({
        type: new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, 'UTC'),
        length: n,
        data: BigInt64Array.from(rows, (r) => r.ts),
      }),
    ),
    amount: arrow.makeVector(
      arrow.makeData({ type: new arrow.Decimal(2, 10, 128), length: n, data: decimalWords(rows.map((r) => r.amount)) }),
    ),
    flag: arrow.vectorFromArray(
      rows.map((r) => r.flag),
      new arrow.Bool(),
    ),
  });
}

const isoDay = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** The id column of a result, sorted. */
function idsOf(t: arrow.Table): number[] {
  return tableObjects(t)
    .map((r) => Number(r.id))
    .sort((a, b) => a - b);
}

function idsWhere(rows: readonly Row[], keep: (r: Row) => boolean): number[] {
  return rows
    .filter(keep)
    .map((r) => r.id)
    .sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Tables shared by the tests (written once).

/** 10 files of 100 rows with disjoint id ranges (file k: ids 100k..100k+99). */
let typed: { dir: string; rows: Row[] };
/** Partitioned by region (north/south/east/null), two writes: 8 files. */
let regional: { dir: string; rows: { id: number; region: string | null; bucket: number }[] };

const REGIONS = ['north', 'south', 'east', null] as const;

beforeAll(async () => {
  const dir = tempDir();
  const rows = range(0, 999).map(makeRow);
  for (let k = 0; k < 10; k++) await writeDeltaTable(dir, rowsToArrow(rows.slice(100 * k, 100 * k + 100)));
  typed = { dir, rows };

  const rdir = tempDir();
  const rrows = range(0, 799).map((id) => ({ id, region: REGIONS[id % 4]!, bucket: id % 5 }));
  const toArrow = (rs: typeof rrows) =>
    new arrow.Table({
      id: arrow.makeVector(BigInt64Array.from(rs, (r) => BigInt(r.id))),
      region: arrow.vectorFromArray(
        rs.map((r) => r.region),
        new arrow.Utf8(),
      ),
      bucket: arrow.makeVector(Int32Array.from(rs, (r) => r.bucket)),
    });
  await writeDeltaTable(rdir, toArrow(rrows.slice(0, 600)), { partitionBy: ['region'] });
  await writeDeltaTable(rdir, toArrow(rrows.slice(600)));
  regional = { dir: rdir, rows: rrows };
});

// ---------------------------------------------------------------------------------------------

describe('projection', () => {
  test('columns come back in the requested order with the right values', async () => {
    const table = await DeltaTable.open(typed.dir);
    const out = await table.toArrow({ columns: ['score', 'id'], filter: 'id = 123' });
    expect(out.schema.fields.map((f) => f.name)).toEqual(['score', 'id']);
    expect(tableRows(out)).toEqual([[13.25, 123]]);
  });

  test('all columns by default, in schema order, in the corpus encoding', async () => {
    const table = await DeltaTable.open(typed.dir);
    expect(table.snapshot.schema.fields.map((f) => [f.name, f.type.type])).toEqual([
      ['id', 'long'],
      ['name', 'string'],
      ['score', 'double'],
      ['day', 'date'],
      ['ts', 'timestamp'],
      ['amount', 'decimal'],
      ['flag', 'boolean'],
    ]);
    const out = await table.toArrow({ filter: 'id IN (123, 143)' });
    expect(sortRows(tableObjects(out, table.snapshot.schema))).toEqual([
      {
        id: 123,
        name: 'n12',
        score: 13.25,
        day: '2022-01-11',
        ts: '2024-01-06T03:00:00.000000Z',
        amount: '68.51',
        flag: true,
      },
      {
        id: 143,
        name: null,
        score: null,
        day: '2022-01-31',
        ts: '2024-01-06T23:00:00.000000Z',
        amount: '95.91',
        flag: false,
      },
    ]);
  });

  test('a column used only by the filter is not returned', async () => {
    const table = await DeltaTable.open(typed.dir);
    const out = await table.toArrow({ columns: ['id'], filter: 'score >= 24.5' });
    expect(out.schema.fields.map((f) => f.name)).toEqual(['id']);
    expect(idsOf(out)).toEqual(idsWhere(typed.rows, (r) => r.score !== null && r.score >= 24.5));
    expect(out.numRows).toBeGreaterThan(0);
  });

  test('no columns: only the row count', async () => {
    const table = await DeltaTable.open(typed.dir);
    const out = await table.toArrow({ columns: [], filter: 'flag = true' });
    expect(out.schema.fields).toHaveLength(0);
    expect(out.numRows).toBe(typed.rows.filter((r) => r.flag).length);
  });

  test('an unknown column is InvalidArgumentError listing the columns', async () => {
    const table = await DeltaTable.open(typed.dir);
    const err = await rejectionOf(table.toArrow({ columns: ['id', 'nope'] }));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toBe('column "nope" is not in the table; columns are: id, name, score, day, ts, amount, flag');
  });

  test('an unknown column in the filter is ExpressionError naming it', async () => {
    const table = await DeltaTable.open(typed.dir);
    const err = await rejectionOf(table.toArrow({ filter: 'nope > 1' }));
    expect(err).toBeInstanceOf(ExpressionError);
    expect(err.message).toContain('nope');
    const err2 = await rejectionOf(table.toArrow({ filter: col('id').gt(1).and(col('missing').isNull()) }));
    expect(err2).toBeInstanceOf(ExpressionError);
    expect(err2.message).toContain('missing');
  });

  test('batchSize bounds the batch length', async () => {
    const table = await DeltaTable.open(typed.dir);
    const out = await table.toArrow({ batchSize: 64, concurrency: 1 });
    expect(out.numRows).toBe(1000);
    expect(Math.max(...out.batches.map((b) => b.numRows))).toBe(64);
    expect(idsOf(out)).toEqual(range(0, 999));
  });
});

describe('filters equal a brute-force filter of all rows', () => {
  interface Case {
    sql: string;
    builder: Expression;
    keep: (r: Row) => boolean;
  }
  const cases: Case[] = [
    { sql: 'id BETWEEN 250 AND 260', builder: col('id').between(250, 260), keep: (r) => r.id >= 250 && r.id <= 260 },
    {
      sql: 'id IN (5, 105, 999, 2000)',
      builder: col('id').in([5, 105n, 999, 2000]),
      keep: (r) => [5, 105, 999].includes(r.id),
    },
    { sql: 'name IS NULL', builder: col('name').isNull(), keep: (r) => r.name === null },
    {
      sql: 'name IS NOT NULL AND id < 50',
      builder: and(col('name').isNotNull(), col('id').lt(50)),
      keep: (r) => r.name !== null && r.id < 50,
    },
    {
      sql: 'score > 20 OR flag = true',
      builder: or(col('score').gt(20), col('flag').eq(true)),
      keep: (r) => (r.score !== null && r.score > 20) || r.flag,
    },
    { sql: 'NOT (score > 10)', builder: not(col('score').gt(10)), keep: (r) => r.score !== null && !(r.score > 10) },
    {
      sql: "NOT (name = 'n5') AND id < 200",
      builder: and(not(col('name').eq('n5')), col('id').lt(200)),
      keep: (r) => r.name !== null && r.name !== 'n5' && r.id < 200,
    },
    {
      sql: "day = DATE '2022-01-10'",
      builder: col('day').eq(lit(new Date('2022-01-10T00:00:00Z'), { type: 'date' })),
      keep: (r) => r.day === dayOf('2022-01-10'),
    },
    {
      sql: "day BETWEEN DATE '2022-01-10' AND DATE '2022-01-12' AND name LIKE 'n1%'",
      builder: and(col('day').between('2022-01-10', '2022-01-12'), col('name').like('n1%')),
      keep: (r) =>
        r.day >= dayOf('2022-01-10') && r.day <= dayOf('2022-01-12') && r.name !== null && r.name.startsWith('n1'),
    },
    {
      sql: "ts >= TIMESTAMP '2024-01-05T00:00:00Z' AND ts < TIMESTAMP '2024-01-06 00:00:00'",
      builder: col('ts')
        .ge(new Date('2024-01-05T00:00:00Z'))
        .and(col('ts').lt(new Date('2024-01-06T00:00:00Z'))),
      keep: (r) => r.id >= 96 && r.id < 120,
    },
    { sql: 'amount > 95.50', builder: col('amount').gt('95.50'), keep: (r) => r.amount > 9550n },
    {
      sql: 'amount BETWEEN -1.00 AND 1 OR amount = 0',
      builder: or(col('amount').between('-1.00', 1), col('amount').eq(0)),
      keep: (r) => r.amount >= -100n && r.amount <= 100n,
    },
    {
      sql: "name IN ('n1', 'n2') AND NOT (id BETWEEN 100 AND 899)",
      builder: and(col('name').in(['n1', 'n2']), col('id').notBetween(100, 899)),
      keep: (r) => (r.name === 'n1' || r.name === 'n2') && (r.id < 100 || r.id > 899),
    },
    {
      sql: 'score IS NULL OR amount < 0',
      builder: or(col('score').isNull(), col('amount').lt(0)),
      keep: (r) => r.score === null || r.amount < 0n,
    },
    { sql: 'id + 1 > 990', builder: col('id').plus(1).gt(990), keep: (r) => r.id + 1 > 990 },
  ];

  test.each(cases.map((c) => [c.sql, c] as const))('%s', async (_sql, c) => {
    const table = await DeltaTable.open(typed.dir);
    const expected = idsWhere(typed.rows, c.keep);
    expect(idsOf(await table.toArrow({ filter: c.sql }))).toEqual(expected);
    expect(idsOf(await table.toArrow({ filter: c.builder }))).toEqual(expected);
  });

  test('the date helper agrees with the encoding', () => {
    expect(isoDay(dayOf('2022-01-10'))).toBe('2022-01-10');
    expect(isoDay(19000)).toBe('2022-01-08');
  });
});

describe('skipping', () => {
  test('a 1%-selective id range over 10 files with disjoint ranges reads exactly 1 file', async () => {
    const table = await DeltaTable.open(typed.dir);
    const scan = table.scan({ filter: 'id >= 500 AND id < 510' });
    const files = await scan.files();
    expect(files).toHaveLength(1);
    expect(table.snapshot.fileStats(files[0]!)).toMatchObject({
      numRecords: 100,
      minValues: { id: 500 },
      maxValues: { id: 599 },
    });
    const out = await scan.toArrow();
    expect(idsOf(out)).toEqual(range(500, 509));
    expect(scan.metrics).toMatchObject({
      filesInSnapshot: 10,
      filesSkippedByPartition: 0,
      filesSkippedByStats: 9,
      filesRead: 1,
      rowsReturned: 10,
      rowsRead: 100,
    });
    expect(scan.metrics!.bytesInSelectedFiles).toBe(Number(files[0]!.size));
    expect(scan.metrics!.bytesRead).toBeGreaterThan(0);
  });

  test('string min/max stats skip every file for a value above all names', async () => {
    const table = await DeltaTable.open(typed.dir);
    const scan = table.scan({ filter: "name = 'zzz'" });
    expect((await scan.toArrow()).numRows).toBe(0);
    expect(scan.metrics).toMatchObject({ filesSkippedByStats: 10, filesRead: 0 });
  });

  test('null counts: IS NULL skips nothing when every file has nulls; IS NOT NULL skips an all-null file', async () => {
    const table = await DeltaTable.open(typed.dir);
    const scan = table.scan({ filter: 'score IS NULL' });
    expect(idsOf(await scan.toArrow())).toEqual(idsWhere(typed.rows, (r) => r.score === null));
    expect(scan.metrics).toMatchObject({ filesSkippedByStats: 0, filesRead: 10 });

    const dir = tempDir();
    await writeDeltaTable(dir, arrow.tableFromArrays({ id: Int32Array.from([1, 2]), s: ['a', 'b'] }));
    await writeDeltaTable(
      dir,
      new arrow.Table({
        id: arrow.makeVector(Int32Array.from([3, 4])),
        s: arrow.vectorFromArray([null, null], new arrow.Utf8()),
      }),
    );
    const two = await DeltaTable.open(dir);
    const notNull = two.scan({ filter: 's IS NOT NULL' });
    expect(idsOf(await notNull.toArrow())).toEqual([1, 2]);
    expect(notNull.metrics).toMatchObject({ filesSkippedByStats: 1, filesRead: 1 });
    const isNull = two.scan({ filter: col('s').isNull() });
    expect(idsOf(await isNull.toArrow())).toEqual([3, 4]);
    expect(isNull.metrics).toMatchObject({ filesSkippedByStats: 1, filesRead: 1 });
  });

  test('row groups are skipped by their statistics', async () => {
    const dir = tempDir();
    await writeDeltaTable(
      dir,
      arrow.tableFromArrays({
        id: BigInt64Array.from(range(0, 9999), BigInt),
        v: Float64Array.from(range(0, 9999), (i) => i / 2),
      }),
      {
        rowGroupSize: 1000,
      },
    );
    const table = await DeltaTable.open(dir);
    expect(table.snapshot.numFiles).toBe(1);

    const all = table.scan();
    expect((await all.toArrow()).numRows).toBe(10_000);
    expect(all.metrics).toMatchObject({ rowGroupsRead: 10, rowGroupsSkipped: 0 });

    const scan = table.scan({ filter: 'id BETWEEN 4200 AND 4299' });
    const out = await scan.toArrow();
    expect(idsOf(out)).toEqual(range(4200, 4299));
    expect(scan.metrics).toMatchObject({
      filesRead: 1,
      rowGroupsRead: 1,
      rowGroupsSkipped: 9,
      rowsRead: 1000,
      rowsReturned: 100,
    });
    // A file this small (< WHOLE_FILE_BYTES) is fetched whole in one GET, so skipping saves
    // decoding, not bytes; larger files fetch only the row groups they need.
    expect(scan.metrics!.bytesRead).toBeLessThanOrEqual(all.metrics!.bytesRead);

    // Doubles: an upper bound skips (NaN, the greatest value, cannot satisfy it).
    const two = table.scan({ filter: col('v').lt(10) });
    expect(idsOf(await two.toArrow())).toEqual(range(0, 19));
    expect(two.metrics).toMatchObject({ rowGroupsRead: 1, rowGroupsSkipped: 9 });
    // A lower bound on a double cannot skip: a NaN hidden from the statistics would match it.
    const three = table.scan({ filter: 'v >= 4995' });
    expect(idsOf(await three.toArrow())).toEqual(range(9990, 9999));
    expect(three.metrics).toMatchObject({ rowGroupsRead: 10, rowGroupsSkipped: 0 });
  });
});

describe('partitioned tables', () => {
  type RRow = (typeof regional.rows)[number];
  const cases: { sql: string; builder: Expression; keep: (r: RRow) => boolean; files: number }[] = [
    { sql: "region = 'north'", builder: col('region').eq('north'), keep: (r) => r.region === 'north', files: 2 },
    { sql: 'region IS NULL', builder: col('region').isNull(), keep: (r) => r.region === null, files: 2 },
    { sql: 'region IS NOT NULL', builder: col('region').isNotNull(), keep: (r) => r.region !== null, files: 6 },
    {
      sql: "NOT (region = 'north')",
      builder: not(col('region').eq('north')),
      keep: (r) => r.region !== null && r.region !== 'north',
      files: 4,
    },
    {
      sql: "region IN ('north', 'east') AND id > 300",
      builder: and(col('region').in(['north', 'east']), col('id').gt(300)),
      keep: (r) => (r.region === 'north' || r.region === 'east') && r.id > 300,
      files: 4,
    },
    {
      sql: "region = 'north' OR id < 10",
      builder: or(col('region').eq('north'), col('id').lt(10)),
      keep: (r) => r.region === 'north' || r.id < 10,
      files: 5,
    },
    {
      sql: 'region IS NULL AND bucket = 2',
      builder: and(col('region').isNull(), col('bucket').eq(2)),
      keep: (r) => r.region === null && r.bucket === 2,
      files: 2,
    },
  ];

  test.each(cases.map((c) => [c.sql, c] as const))('%s', async (_sql, c) => {
    const table = await DeltaTable.open(regional.dir);
    expect(table.snapshot.numFiles).toBe(8);
    const expected = regional.rows
      .filter(c.keep)
      .map((r) => r.id)
      .sort((a, b) => a - b);
    for (const filter of [c.sql, c.builder]) {
      const scan = table.scan({ filter });
      expect(await scan.files()).toHaveLength(c.files);
      expect(idsOf(await scan.toArrow())).toEqual(expected);
      expect(scan.metrics!.filesSkippedByPartition + scan.metrics!.filesSkippedByStats).toBe(8 - c.files);
    }
  });

  test('pruning uses partition values only where the filter is on partition columns', async () => {
    const table = await DeltaTable.open(regional.dir);
    const byPartition = table.scan({ filter: "region = 'south'" });
    await byPartition.toArrow();
    expect(byPartition.metrics).toMatchObject({ filesSkippedByPartition: 6, filesSkippedByStats: 0, filesRead: 2 });
    const mixed = table.scan({ filter: "region = 'north' OR id < 10" });
    await mixed.toArrow();
    expect(mixed.metrics).toMatchObject({ filesSkippedByPartition: 0, filesSkippedByStats: 3, filesRead: 5 });
  });

  test('null partition values are stored as __HIVE_DEFAULT_PARTITION__ and read back as null', async () => {
    const table = await DeltaTable.open(regional.dir);
    const nullFiles = table.snapshot.files().filter((f) => f.partitionValues.region === null);
    expect(nullFiles).toHaveLength(2);
    for (const f of nullFiles) {
      expect(f.path.startsWith('region=__HIVE_DEFAULT_PARTITION__/')).toBe(true);
      expect(fs.existsSync(path.join(regional.dir, f.path))).toBe(true);
    }
    const out = await table.toArrow({ columns: ['region', 'id'], filter: 'id < 8' });
    expect(out.schema.fields.map((f) => f.name)).toEqual(['region', 'id']);
    expect(sortRows(tableRows(out))).toEqual(
      sortRows([
        ['north', 0],
        ['south', 1],
        ['east', 2],
        [null, 3],
        ['north', 4],
        ['south', 5],
        ['east', 6],
        [null, 7],
      ]),
    );
  });

  test('special characters in partition values round trip and filter exactly', async () => {
    const values = ['a b', 'x/y', '11:11', '100%', 'k=v', 'ünï✓ 日本', 'q?#[]', "it's", 'tab\there', null];
    const dir = tempDir();
    await writeDeltaTable(dir, arrow.tableFromArrays({ id: Int32Array.from(range(0, values.length - 1)), p: values }), {
      partitionBy: ['p'],
    });
    const table = await DeltaTable.open(dir);
    expect(table.snapshot.numFiles).toBe(values.length);
    expect(sortRows(tableRows(await table.toArrow()))).toEqual(sortRows(values.map((v, i) => [i, v] as JsonValue[])));

    // Every data file named in the log exists where its (URI-escaped) path points.
    for (const f of table.snapshot.files())
      expect(fs.existsSync(path.join(dir, decodeURIComponent(f.path)))).toBe(true);
    // Hive escaping in the directory, URI escaping of that in the log path.
    const colon = table.snapshot.files().find((f) => f.partitionValues.p === '11:11')!;
    expect(colon.path.startsWith('p=11%253A11/')).toBe(true);
    expect(fs.existsSync(path.join(dir, 'p=11%3A11'))).toBe(true);

    for (const [i, v] of values.entries()) {
      const sql = v === null ? 'p IS NULL' : `p = '${v.replace(/'/g, "''")}'`;
      for (const filter of [sql, v === null ? col('p').isNull() : col('p').eq(v)]) {
        const scan = table.scan({ filter });
        expect(tableRows(await scan.toArrow())).toEqual([[i, v]]);
        expect(scan.metrics).toMatchObject({ filesSkippedByPartition: values.length - 1, filesRead: 1 });
      }
    }
    const notNull = await table.toArrow({ filter: 'p IS NOT NULL' });
    expect(notNull.numRows).toBe(values.length - 1);
  });
});

describe('deletion vectors', () => {
  interface Expected {
    rows: JsonValue[][];
  }
  const expectedOf = (rel: string) =>
    JSON.parse(fs.readFileSync(path.join(CORPUS, `${rel}.expected.json`), 'utf8')) as Expected;

  test('table-with-dv-small: deleted rows never appear, with or without filters', async () => {
    const table = await DeltaTable.open(path.join(CORPUS, 'delta-kernel-rs/table-with-dv-small'));
    const expected = expectedOf('delta-kernel-rs/table-with-dv-small').rows.map((r) => r[0] as number);
    expect(expected).toEqual(range(1, 8));

    const scan = table.scan();
    const values = (t: arrow.Table) =>
      tableRows(t)
        .map((r) => r[0] as number)
        .sort((a, b) => a - b);
    expect(values(await scan.toArrow())).toEqual(expected);
    expect(scan.metrics).toMatchObject({ rowsRead: 10, rowsDeleted: 2, rowsReturned: 8 });

    expect(values(await table.toArrow({ filter: 'value IN (0, 9)' }))).toEqual([]);
    expect(values(await table.toArrow({ filter: col('value').le(0).or(col('value').ge(9)) }))).toEqual([]);
    expect(values(await table.toArrow({ filter: 'value < 3' }))).toEqual([1, 2]);
    expect(values(await table.toArrow({ filter: 'value >= 0' }))).toEqual(expected);
    expect(values(await table.toArrow({ filter: 'value >= 0', columns: [] }))).toHaveLength(8);
    // Before the delete (v0), no deletion vector: all ten rows.
    expect(values(await table.toArrow({ version: 0 }))).toEqual(range(0, 9));
  });

  test('dv-partitioned-with-checkpoint: equal to the expected rows under several filters', async () => {
    const table = await DeltaTable.open(path.join(CORPUS, 'delta-golden/dv-partitioned-with-checkpoint'));
    const expected = expectedOf('delta-golden/dv-partitioned-with-checkpoint').rows as [number, number, string][];
    expect(expected).toHaveLength(35);
    const filters: [string, Expression, (r: [number, number, string]) => boolean][] = [
      ['part = 3', col('part').eq(3), (r) => r[0] === 3],
      ['col1 >= 40', col('col1').ge(40), (r) => r[1] >= 40],
      [
        'part IN (0, 5) AND col1 < 30',
        and(col('part').in([0, 5]), col('col1').lt(30)),
        (r) => (r[0] === 0 || r[0] === 5) && r[1] < 30,
      ],
      [
        "col2 = 'foo0' OR part = 9",
        or(col('col2').eq('foo0'), col('part').eq(9)),
        (r) => r[2] === 'foo0' || r[0] === 9,
      ],
      ['col1 BETWEEN 0 AND 100', col('col1').between(0, 100), () => true],
    ];
    const scan = table.scan();
    expect(sortRows(tableRows(await scan.toArrow()))).toEqual(sortRows(expected));
    expect(scan.metrics!.rowsDeleted).toBeGreaterThan(0);
    for (const [sql, builder, keep] of filters) {
      const want = sortRows(expected.filter(keep));
      expect(sortRows(tableRows(await table.toArrow({ filter: sql })))).toEqual(want);
      expect(sortRows(tableRows(await table.toArrow({ filter: builder })))).toEqual(want);
    }
  });
});
