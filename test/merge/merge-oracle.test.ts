/**
 * MERGE against an independent oracle: seeded random targets, sources and clause lists run
 * through `table.merge(...)` and, as `MERGE INTO`, on a DuckDB table holding the same rows.
 * After every merge the table equals the oracle as a multiset; the change data feed of the
 * merge's version is exactly the oracle's difference (deleted rows and update pre-images
 * leave, update post-images and inserted rows arrive) and agrees with the metrics; at the
 * end the validator accepts the table and, without column mapping, a reader sharing no code
 * with the engine (DuckDB + the DV oracle) sees the same rows. Copy-on-write and deletion
 * vectors, partitioned and not, with and without column mapping.
 */
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  DeltaTable,
  MergeMultipleMatchError,
  writeDeltaTable,
  type MergeBuilder,
  type MergeResult,
} from '@delta-serverless/core';
import { assertValidTable } from '../support/validate-table.js';
import {
  oracleSession,
  arrowRows,
  COLUMNS,
  duckRows,
  independentRows,
  minus,
  pick,
  randomRows,
  rng,
  sortedKeys,
  valuesSql,
  type Row,
} from '../dml/oracle-support.js';

const { root, db } = oracleSession('ds-merge-oracle-');

interface Config {
  name: string;
  seed: number;
  deletionVectors: boolean;
  partitioned: boolean;
  columnMapping: boolean;
  /** The source carries a column `e` the table lacks; merges run withSchemaEvolution(). */
  evolve?: boolean;
}

const CONFIGS: Config[] = [
  { name: 'copy-on-write', seed: 101, deletionVectors: false, partitioned: false, columnMapping: false },
  { name: 'deletion vectors, partitioned', seed: 202, deletionVectors: true, partitioned: true, columnMapping: false },
  {
    name: 'deletion vectors, column mapping',
    seed: 303,
    deletionVectors: true,
    partitioned: false,
    columnMapping: true,
  },
  {
    name: 'copy-on-write, partitioned, column mapping',
    seed: 404,
    deletionVectors: false,
    partitioned: true,
    columnMapping: true,
  },
  {
    name: 'schema evolution, deletion vectors',
    seed: 505,
    deletionVectors: true,
    partitioned: false,
    columnMapping: false,
    evolve: true,
  },
  {
    name: 'schema evolution, column mapping',
    seed: 606,
    deletionVectors: false,
    partitioned: true,
    columnMapping: true,
    evolve: true,
  },
];
const STEPS = 8;
/**
 * Join conditions: the key alone, with a source-only conjunct, with a second key (the partition
 * column); and three without an equality key (nested-loop joins): an expression, a range, a
 * range with a source-only and a target-only conjunct.
 */
const ONS = [
  't.id = s.id',
  't.id = s.id',
  't.id = s.id AND s.v > 10',
  't.id = s.id AND t.p = s.p',
  't.id = s.id + 0',
  't.id >= s.id AND s.id >= t.id',
  't.id <= s.id AND t.id > s.id - 1 AND s.v > 10 AND t.id < 90',
];

/** One clause: how the builder adds it and the same clause in DuckDB's MERGE INTO. */
interface Clause {
  sql: string;
  add: (b: MergeBuilder<MergeResult>) => void;
}

const allSet = (cols: readonly string[]) => cols.map((c) => `${c} = s.${c}`).join(', ');
const allValues = (cols: readonly string[]) => `(${cols.join(', ')}) VALUES (${cols.map((c) => `s.${c}`).join(', ')})`;

function matchedClause(r: () => number, cond: string | undefined, cols: readonly string[]): Clause {
  const when = `WHEN MATCHED${cond ? ` AND ${cond}` : ''} THEN`;
  const k = r();
  if (k < 0.3) return { sql: `${when} DELETE`, add: (b) => b.whenMatchedDelete(cond) };
  if (k < 0.6) return { sql: `${when} UPDATE SET ${allSet(cols)}`, add: (b) => b.whenMatchedUpdate('all', cond) };
  return {
    sql: `${when} UPDATE SET v = s.v, s = 'u', d = t.d + s.d`,
    add: (b) => b.whenMatchedUpdate({ set: { v: 's.v', s: "'u'", d: 't.d + s.d' } }, cond),
  };
}

function insertClause(r: () => number, cond: string | undefined, cols: readonly string[]): Clause {
  const when = `WHEN NOT MATCHED BY TARGET${cond ? ` AND ${cond}` : ''} THEN`;
  if (r() < 0.6) return { sql: `${when} INSERT ${allValues(cols)}`, add: (b) => b.whenNotMatchedInsert('all', cond) };
  return {
    sql: `${when} INSERT (id, p, v, s, d) VALUES (s.id, s.p, s.v * 2, 'new', s.d)`,
    add: (b) => b.whenNotMatchedInsert({ values: { id: 's.id', p: 's.p', v: 's.v * 2', s: "'new'", d: 's.d' } }, cond),
  };
}

function bySourceClause(r: () => number, cond: string | undefined, _cols: readonly string[]): Clause {
  const when = `WHEN NOT MATCHED BY SOURCE${cond ? ` AND ${cond}` : ''} THEN`;
  if (r() < 0.5) return { sql: `${when} DELETE`, add: (b) => b.whenNotMatchedBySourceDelete(cond) };
  return {
    sql: `${when} UPDATE SET v = t.v + 1000`,
    add: (b) => b.whenNotMatchedBySourceUpdate({ set: { v: 't.v + 1000' } }, cond),
  };
}

const CONDS = {
  matched: ['s.v > t.v', 't.v < 50', "s.s = 'x'", "t.p = 'a'", 's.v IS NULL'],
  notMatched: ['s.v > 30', 's.s IS NOT NULL', "s.p = 'b'"],
  notMatchedBySource: ['t.v > 60', 't.id < 15', 't.v IS NULL'],
};

function randomClauses(r: () => number, cols: readonly string[]): Clause[] {
  const out: Clause[] = [];
  const kinds = [
    ['matched', matchedClause, 0.85],
    ['notMatched', insertClause, 0.8],
    ['notMatchedBySource', bySourceClause, 0.25],
  ] as const;
  for (const [kind, make, p] of kinds) {
    if (r() > p) continue;
    const n = 1 + Math.floor(r() * 2);
    for (let i = 0; i < n; i++) {
      const cond = i === n - 1 && r() < 0.5 ? undefined : pick(r, CONDS[kind]);
      out.push(make(r, cond, cols));
    }
  }
  return out.length > 0 ? out : [matchedClause(r, undefined, cols)];
}

class Sequence {
  readonly r: () => number;
  readonly dir: string;
  readonly t: string;
  nextId = 0;
  table!: DeltaTable;
  log: string[] = [];

  constructor(
    readonly cfg: Config,
    readonly c: DuckDBConnection,
  ) {
    this.r = rng(cfg.seed);
    this.dir = path.join(root, cfg.name.replace(/\W+/g, '-'));
    this.t = `m${cfg.seed}`;
  }

  get cols(): readonly string[] {
    return this.cfg.evolve ? [...COLUMNS, 'e'] : COLUMNS;
  }

  async start(): Promise<void> {
    const props: Record<string, string> = { 'delta.enableChangeDataFeed': 'true' };
    if (this.cfg.deletionVectors) props['delta.enableDeletionVectors'] = 'true';
    if (this.cfg.columnMapping) props['delta.columnMapping.mode'] = 'name';
    const e = this.cfg.evolve ? ', e VARCHAR' : '';
    await this.c.run(`CREATE TABLE ${this.t} (id BIGINT, p VARCHAR, v INTEGER, s VARCHAR, d DOUBLE${e})`);
    const rows = randomRows(this.r, 0, 80);
    this.nextId = 80;
    await writeDeltaTable(this.dir, arrowRows(rows), {
      properties: props,
      partitionBy: this.cfg.partitioned ? ['p'] : [],
      targetFileSize: 1024,
    });
    await this.c.run(`INSERT INTO ${this.t} (${COLUMNS.join(', ')}) VALUES ${valuesSql(rows)}`);
    this.table = await DeltaTable.open(this.dir);
  }

  /** Source rows: existing ids (unique) and new ones, random values (and `e` when evolving). */
  source(): { rows: Row[]; e: (string | null)[] } {
    const ids = new Set<number>();
    const n = 1 + Math.floor(this.r() * 30);
    for (let i = 0; i < n; i++) ids.add(Math.floor(this.r() * (this.nextId + 20)));
    this.nextId += 20;
    const rows = randomRows(this.r, 0, ids.size);
    return {
      rows: [...ids].map((id, i) => [id, ...rows[i]!.slice(1)] as Row),
      e: [...ids].map((id) => (this.r() < 0.2 ? null : `e${id}`)),
    };
  }

  arrowSource(src: { rows: Row[]; e: (string | null)[] }): arrow.Table {
    const t = arrowRows(src.rows);
    if (!this.cfg.evolve) return t;
    return new arrow.Table({
      ...Object.fromEntries(COLUMNS.map((c) => [c, t.getChild(c)!])),
      e: arrow.vectorFromArray(src.e, new arrow.Utf8()),
    });
  }

  async oracle(cols = this.cols): Promise<string[]> {
    return sortedKeys(await duckRows(this.c, `SELECT ${cols.join(', ')} FROM ${this.t}`));
  }

  async step(i: number): Promise<void> {
    const src = this.source();
    const clauses = randomClauses(this.r, this.cols);
    const on = pick(this.r, ONS);
    const sql = `MERGE INTO ${this.t} AS t USING src AS s ON ${on} ${clauses.map((c) => c.sql).join(' ')}`;
    this.log.push(`${i}: ${sql}`);
    const before = await this.oracle();
    const builder = this.table.merge(this.arrowSource(src), { on });
    if (this.cfg.evolve) builder.withSchemaEvolution();
    for (const c of clauses) c.add(builder);
    const result = await builder.execute();
    const e = this.cfg.evolve ? ', e VARCHAR' : '';
    await this.c.run(`CREATE OR REPLACE TABLE src (id BIGINT, p VARCHAR, v INTEGER, s VARCHAR, d DOUBLE${e})`);
    await this.c.run(`INSERT INTO src (${COLUMNS.join(', ')}) VALUES ${valuesSql(src.rows)}`);
    if (this.cfg.evolve)
      for (let k = 0; k < src.rows.length; k++)
        await this.c.run(
          `UPDATE src SET e = ${src.e[k] === null ? 'NULL' : `'${src.e[k]}'`} WHERE id = ${src.rows[k]![0]}`,
        );
    await this.c.run(sql);
    const after = await this.oracle();
    const msg = this.log.join('\n');
    expect(sortedKeys(await rowsOf(await this.table.toArrow(), this.cols)), msg).toEqual(after);
    const m = result.metrics;
    expect(m.numSourceRows).toBe(src.rows.length);
    if (result.noop) return expect(after, msg).toEqual(before);
    const feed = await rowsOf(
      await this.table.tableChanges({ startVersion: result.version, endVersion: result.version }).toArrow(),
      [...this.cols, '_change_type'],
    );
    const rows = (type: string) => sortedKeys(feed.filter((f) => f.at(-1) === type).map((f) => f.slice(0, -1)));
    const gone = [...rows('delete'), ...rows('update_preimage')];
    const came = [...rows('insert'), ...rows('update_postimage')];
    expect(minus(gone, before), msg).toEqual([]);
    expect([...minus(before, gone), ...came].sort(), msg).toEqual(after);
    expect(rows('delete').length, msg).toBe(m.numTargetRowsDeleted);
    expect(rows('update_preimage').length, msg).toBe(m.numTargetRowsUpdated);
    expect(rows('update_postimage').length, msg).toBe(m.numTargetRowsUpdated);
    expect(rows('insert').length, msg).toBe(m.numTargetRowsInserted);
  }
}

/** Rows of `t` as the named columns (NULL for a column the table does not have yet, as before evolution). */
function rowsOf(t: arrow.Table, cols: readonly string[]): unknown[][] {
  const out: unknown[][] = [];
  for (const b of t.batches) {
    const vectors = cols.map((c) => b.getChild(c));
    for (let i = 0; i < b.numRows; i++) out.push(vectors.map((v) => (v ? (v.get(i) as unknown) : null)));
  }
  return out;
}

describe('MERGE equals DuckDB MERGE INTO on the same rows', () => {
  test.each(CONFIGS)('$name (seed $seed)', async (cfg) => {
    const seq = new Sequence(cfg, db.connection);
    await seq.start();
    for (let i = 0; i < STEPS; i++) await seq.step(i);
    await assertValidTable(seq.dir);
    if (!cfg.columnMapping)
      expect(sortedKeys(await independentRows(db.connection, seq.dir)), seq.log.join('\n')).toEqual(
        await seq.oracle(COLUMNS),
      );
  });

  test('two source rows matching one target row fail with the key, nothing committed', async () => {
    const dir = path.join(root, 'dup');
    await writeDeltaTable(dir, arrowRows(randomRows(rng(5), 0, 10)));
    const table = await DeltaTable.open(dir);
    const src = randomRows(rng(6), 3, 2).map((r) => [4, ...r.slice(1)] as Row);
    const err = await table
      .merge(arrowRows(src), { on: 't.id = s.id' })
      .whenMatchedUpdate('all')
      .execute()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MergeMultipleMatchError);
    expect((err as Error).message).toContain('id = 4');
    expect(table.version).toBe(0);
    expect((await DeltaTable.open(dir)).version).toBe(0);
  });
});
