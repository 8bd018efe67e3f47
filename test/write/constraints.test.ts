/**
 * ALTER TABLE ADD / DROP CONSTRAINT: a CHECK constraint is added only when every existing row
 * satisfies it. The rows it rejects are counted against DuckDB running NOT (e) OR (e) IS NULL on
 * the same rows (seeded random tables, several files and partitions, nulls), and every table
 * written goes through the independent validator.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  ConcurrentAppendError,
  ConstraintViolationError,
  DeltaTable,
  InvalidArgumentError,
  writeDeltaTable,
} from '@delta-serverless/core';
import { checkExistingRows, commitConstraint, planAddConstraint } from '@delta-serverless/core/internal';
import { rng } from '../../packages/core/test/support/optimize-tables.js';
import { openDuckDb } from '../support/validate/deps.js';
import { actionsOf, batch, build, commitInfo, expectError, tempDirs, validate } from './helpers.js';

const newDir = tempDirs('constraints');
let db: { connection: DuckDBConnection; close: () => void };
beforeAll(async () => {
  db = await openDuckDb();
});
afterAll(() => db.close());

interface Row {
  id: number;
  amount: number | null;
  country: string;
  note: string | null;
}

const rowsBatch = (rows: readonly Row[]) =>
  batch({
    id: build.long(rows.map((r) => BigInt(r.id))),
    amount: build.double(rows.map((r) => r.amount)),
    country: build.string(rows.map((r) => r.country)),
    note: build.string(rows.map((r) => r.note)),
  });

/** A table of `files` appends of random rows, partitioned by country; the rows are also loaded into DuckDB as `t`. */
async function randomTable(seed: number, files = 4): Promise<{ dir: string; rows: Row[] }> {
  const next = rng(seed);
  const dir = newDir();
  const rows: Row[] = [];
  for (let f = 0; f < files; f++) {
    const chunk: Row[] = Array.from({ length: 20 + Math.floor(next() * 40) }, () => ({
      id: rows.length + Math.floor(next() * 1000),
      amount: next() < 0.1 ? null : Math.round((next() * 200 - 20) * 100) / 100,
      country: ['NZ', 'AU', 'US'][Math.floor(next() * 3)]!,
      note: next() < 0.3 ? null : `n${Math.floor(next() * 50)}`,
    }));
    rows.push(...chunk);
    await writeDeltaTable(dir, rowsBatch(chunk), { partitionBy: ['country'] });
  }
  const values = rows
    .map((r) => `(${r.id}, ${r.amount ?? 'NULL'}, '${r.country}', ${r.note === null ? 'NULL' : `'${r.note}'`})`)
    .join(', ');
  await db.connection.run('DROP TABLE IF EXISTS t');
  await db.connection.run('CREATE TABLE t (id BIGINT, amount DOUBLE, country VARCHAR, note VARCHAR)');
  await db.connection.run(`INSERT INTO t VALUES ${values}`);
  return { dir, rows };
}

async function duckViolations(expr: string): Promise<number> {
  const r = await db.connection.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM t WHERE NOT (${expr}) OR (${expr}) IS NULL`,
  );
  return (r.getRowObjectsJson()[0] as { n: number }).n;
}

const EXPRESSIONS = [
  'amount > -30',
  'amount >= 0',
  'amount IS NOT NULL',
  "country IN ('NZ', 'AU', 'US')",
  "country != 'US' OR amount < 150",
  'id >= 0 AND id < 5000',
  "note LIKE 'n1%' OR note IS NULL",
  'id + amount > 10',
  "note = 'n7'",
  'id > NULL',
  'id IN (1, NULL) OR id >= 0',
  'id * 2 - amount > 10 OR amount IS NULL',
];

describe('ADD CONSTRAINT checks the existing rows (DuckDB counts the violations)', () => {
  test.each([1, 2, 3])('seed %i', async (seed) => {
    const { dir } = await randomTable(seed);
    const table = await DeltaTable.open(dir);
    let added = 0;
    let refused = 0;
    for (const [i, expr] of EXPRESSIONS.entries()) {
      const expected = await duckViolations(expr);
      const before = table.version;
      const name = `c${i}`;
      if (expected === 0) {
        const r = await table.addConstraint(name, expr);
        expect(r.check?.violations, expr).toBe(0);
        expect(r.version).toBe(before + 1);
        added++;
      } else {
        const err = await expectError(() => table.addConstraint(name, expr), ConstraintViolationError);
        expect(err.message, expr).toMatch(
          new RegExp(`^${expected} rows? of .* violates? the new CHECK constraint ${name} `),
        );
        expect((await DeltaTable.open(dir)).version, 'nothing committed').toBe(before);
        refused++;
      }
    }
    expect(added).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(Object.keys(table.constraints())).toHaveLength(added);
    await validate(dir);
  });
});

describe('constraints on a small table', () => {
  async function small(): Promise<{ dir: string; table: DeltaTable }> {
    const dir = newDir();
    await writeDeltaTable(dir, rowsBatch([{ id: 1, amount: 5, country: 'NZ', note: null }]));
    return { dir, table: await DeltaTable.open(dir) };
  }

  test('ADD upgrades the protocol, records the operation, and later writes are checked; DROP lifts it', async () => {
    const { dir, table } = await small();
    expect(table.snapshot.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const r = await table.addConstraint('Positive_Amount', 'amount > 0');
    expect(r.name).toBe('positive_amount');
    expect(actionsOf(dir, 1, 'protocol')).toEqual([{ minReaderVersion: 1, minWriterVersion: 3 }]);
    expect(commitInfo(dir, 1)).toMatchObject({
      operation: 'ADD CONSTRAINT',
      operationParameters: { name: 'positive_amount', expr: 'amount > 0' },
    });
    expect(table.constraints()).toEqual({ positive_amount: 'amount > 0' });
    await expectError(
      () => table.append(rowsBatch([{ id: 2, amount: -1, country: 'AU', note: null }])),
      ConstraintViolationError,
      'positive_amount',
    );
    const d = await table.dropConstraint('POSITIVE_AMOUNT');
    expect(d).toMatchObject({ changed: true, version: 2, name: 'positive_amount', expression: 'amount > 0' });
    expect(actionsOf(dir, 2, 'protocol')).toEqual([]);
    expect(commitInfo(dir, 2)).toMatchObject({ operation: 'DROP CONSTRAINT' });
    await table.append(rowsBatch([{ id: 2, amount: -1, country: 'AU', note: null }]));
    await validate(dir);
  });

  test('a table-features protocol gets checkConstraints in its writer features', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, rowsBatch([{ id: 1, amount: 5, country: 'NZ', note: null }]), {
      properties: { 'delta.enableDeletionVectors': 'true' },
    });
    const table = await DeltaTable.open(dir);
    await table.addConstraint('c', 'id > 0');
    expect(table.snapshot.protocol.writerFeatures).toContain('checkConstraints');
    expect(table.snapshot.protocol.writerFeatures).toContain('deletionVectors');
    await validate(dir);
  });

  test('names, expressions and drops that cannot work are refused, naming what to do', async () => {
    const { table } = await small();
    await table.addConstraint('c', 'id > 0');
    await expectError(() => table.addConstraint('C', 'id > 1'), InvalidArgumentError, "dropConstraint('c')");
    await expectError(() => table.addConstraint('a.b', 'id > 0'), InvalidArgumentError, 'is not valid');
    await expectError(() => table.addConstraint('d', 'nope > 0'), InvalidArgumentError, 'CHECK constraint d');
    await expectError(() => table.addConstraint('d', 'id + 1'), InvalidArgumentError, 'expected a predicate');
    await expectError(() => table.addConstraint('d', '  '), InvalidArgumentError, 'needs an expression');
    await expectError(() => table.dropConstraint('zz'), InvalidArgumentError, 'its constraints are: c');
    const none = await table.dropConstraint('zz', { ifExists: true });
    expect(none).toMatchObject({ changed: false, version: 1 });
    expect(table.version).toBe(1);
  });

  test('an append between the check and the commit makes ADD fail, not commit unchecked rows', async () => {
    const { dir, table } = await small();
    const plan = planAddConstraint(table.snapshot, 'c', 'amount > 0');
    const check = await checkExistingRows(table.snapshot, plan);
    await writeDeltaTable(dir, rowsBatch([{ id: 2, amount: -3, country: 'AU', note: null }]));
    await expectError(() => commitConstraint(table.snapshot, plan, {}, check), ConcurrentAppendError);
    expect((await DeltaTable.open(dir)).snapshot.properties['delta.constraints.c']).toBeUndefined();
  });

  test('files whose statistics prove the condition are not read', async () => {
    const { dir } = await randomTable(7, 6);
    const r = await (await DeltaTable.open(dir)).addConstraint('c', 'id >= 0');
    expect(r.check).toMatchObject({ violations: 0, filesRead: 0 });
    expect(r.check!.filesSkipped).toBeGreaterThan(0);
  });
});
