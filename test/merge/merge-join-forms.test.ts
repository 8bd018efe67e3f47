/**
 * MERGE join forms DuckDB checks beyond the seeded sequences (merge-oracle.test.ts):
 * `on` without an equality key where target rows match several source rows (Delta's rule:
 * an error, unless the only matched clause is one unconditional delete or the merge only
 * inserts; then the rows equal DuckDB's MERGE INTO), and an `on` made only of one-sided
 * conjuncts (every target row the target-only part accepts pairs with every source row the
 * source-only part accepts).
 */
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  DeltaTable,
  MergeMultipleMatchError,
  writeDeltaTable,
  type MergeBuilder,
  type MergeResult,
} from '@delta-serverless/core';
import {
  oracleSession,
  arrowRows,
  COLUMNS,
  duckRows,
  engineRows,
  randomRows,
  rng,
  sortedKeys,
  valuesSql,
  type Row,
} from '../dml/oracle-support.js';

const { root, db } = oracleSession('ds-merge-forms-');

const DDL = '(id BIGINT, p VARCHAR, v INTEGER, s VARCHAR, d DOUBLE)';

/** A Delta table and a DuckDB table `t` holding the same 60 rows; the source as `src` in DuckDB. */
async function setup(name: string, seed: number, source: Row[], props: Record<string, string> = {}) {
  const c = db.connection;
  const dir = path.join(root, name);
  const rows = randomRows(rng(seed), 0, 60);
  await writeDeltaTable(dir, arrowRows(rows), { properties: props, targetFileSize: 1024 });
  await c.run(`CREATE OR REPLACE TABLE t ${DDL}`);
  await c.run(`INSERT INTO t (${COLUMNS.join(', ')}) VALUES ${valuesSql(rows)}`);
  await c.run(`CREATE OR REPLACE TABLE src ${DDL}`);
  await c.run(`INSERT INTO src (${COLUMNS.join(', ')}) VALUES ${valuesSql(source)}`);
  return { dir, table: await DeltaTable.open(dir) };
}

async function sameAsDuckDb(c: DuckDBConnection, table: DeltaTable, sql: string): Promise<void> {
  await c.run(sql);
  expect(sortedKeys(await engineRows(table)), sql).toEqual(
    sortedKeys(await duckRows(c, `SELECT ${COLUMNS.join(', ')} FROM t`)),
  );
}

/** Source rows with ids 0, 3, 6, ...: under `t.id BETWEEN s.id AND s.id + 3` target ids 3, 6, ... match twice. */
function steppedSource(seed: number, n: number, step = 3): Row[] {
  return randomRows(rng(seed), 0, n).map((r, i) => [i * step, ...r.slice(1)] as Row);
}

describe('MERGE with an on condition without an equality key (nested-loop join)', () => {
  const on = 't.id BETWEEN s.id AND s.id + 3';

  test('a target row matched by two source rows fails an update merge with its columns, nothing committed', async () => {
    const { table } = await setup('dup-update', 1, steppedSource(2, 8));
    const err = await table
      .merge(arrowRows(steppedSource(2, 8)), { on })
      .whenMatchedUpdate({ set: { v: 's.v' } })
      .execute()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MergeMultipleMatchError);
    expect((err as Error).message).toMatch(/2 source rows matched the same target row \(id = 3\)/);
    expect(table.version).toBe(0);
  });

  test('duplicates under the only, unconditional delete (and inserts) equal DuckDB', async () => {
    const src = [...steppedSource(3, 8), ...steppedSource(4, 3, 200)];
    const { table } = await setup('dup-delete', 5, src, { 'delta.enableDeletionVectors': 'true' });
    const r = await table
      .merge(arrowRows(src), { on })
      .whenMatchedDelete()
      .whenNotMatchedInsert('all', 's.v > 0')
      .execute();
    await sameAsDuckDb(
      db.connection,
      table,
      `MERGE INTO t USING src AS s ON ${on} WHEN MATCHED THEN DELETE WHEN NOT MATCHED AND s.v > 0 THEN INSERT *`,
    );
    expect(r.metrics.numTargetRowsDeleted).toBe(25); // ids 0..24 (the last source id is 21)
  });

  test('an insert-only merge with a range condition equals DuckDB', async () => {
    const src = steppedSource(6, 30, 4);
    const { table } = await setup('insert-only', 7, src);
    await table.merge(arrowRows(src), { on: 't.id > s.id AND t.v < s.v' }).whenNotMatchedInsert('all').execute();
    await sameAsDuckDb(
      db.connection,
      table,
      'MERGE INTO t USING src AS s ON t.id > s.id AND t.v < s.v WHEN NOT MATCHED THEN INSERT *',
    );
  });

  test('on made only of one-sided conjuncts pairs the accepted rows of both sides, as DuckDB', async () => {
    const src = steppedSource(8, 10, 7);
    const { table } = await setup('one-sided', 9, src);
    const on = 's.id = 21 AND t.v > 40';
    const run = (b: MergeBuilder<MergeResult>) =>
      b.whenMatchedUpdate({ set: { s: 's.s', d: 't.d + s.d' } }).whenNotMatchedInsert('all');
    await run(table.merge(arrowRows(src), { on })).execute();
    await sameAsDuckDb(
      db.connection,
      table,
      `MERGE INTO t USING src AS s ON ${on} WHEN MATCHED THEN UPDATE SET s = s.s, d = t.d + s.d WHEN NOT MATCHED THEN INSERT *`,
    );
  });
});
