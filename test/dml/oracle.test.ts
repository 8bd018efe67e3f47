/**
 * DELETE and UPDATE against an independent oracle: seeded random sequences of append, delete,
 * update, OPTIMIZE and restore run on a Delta table and, as SQL, on a DuckDB table holding the
 * same rows. After every step the table equals the oracle as a multiset; the change data feed
 * of every version equals what the oracle says changed (exactly the deleted rows, the pre- and
 * post-images of the updated rows, the appended rows; the net difference for restore); and at
 * the end the independent validator accepts the table and, without column mapping, a reader
 * sharing no code with the engine (DuckDB + the DV oracle) sees the same rows.
 */
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { assertValidTable } from '../support/validate-table.js';
import {
  oracleSession,
  arrowRows,
  COLUMNS,
  duckRows,
  engineRows,
  feedRows,
  independentRows,
  minus,
  pick,
  randomPredicate,
  randomRows,
  randomSet,
  rng,
  setSql,
  sortedKeys,
  valuesSql,
  type Row,
} from './oracle-support.js';

const { root, db } = oracleSession('ds-dml-oracle-');

interface Config {
  name: string;
  seed: number;
  deletionVectors: boolean;
  partitioned: boolean;
  columnMapping: boolean;
}

const CONFIGS: Config[] = [
  { name: 'copy-on-write', seed: 11, deletionVectors: false, partitioned: false, columnMapping: false },
  { name: 'deletion vectors, partitioned', seed: 22, deletionVectors: true, partitioned: true, columnMapping: false },
  {
    name: 'deletion vectors, column mapping',
    seed: 33,
    deletionVectors: true,
    partitioned: false,
    columnMapping: true,
  },
  {
    name: 'copy-on-write, partitioned, column mapping',
    seed: 44,
    deletionVectors: false,
    partitioned: true,
    columnMapping: true,
  },
];
const STEPS = 20;
const KINDS = [
  'append',
  'append',
  'delete',
  'delete',
  'delete',
  'delete',
  'update',
  'update',
  'update',
  'update',
  'optimize',
  'restore',
];

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
    this.t = `t${cfg.seed}`;
  }

  async start(): Promise<void> {
    const props: Record<string, string> = { 'delta.enableChangeDataFeed': 'true' };
    if (this.cfg.deletionVectors) props['delta.enableDeletionVectors'] = 'true';
    if (this.cfg.columnMapping) props['delta.columnMapping.mode'] = 'name';
    await this.c.run(`CREATE TABLE ${this.t} (id BIGINT, p VARCHAR, v INTEGER, s VARCHAR, d DOUBLE)`);
    const rows = this.rows(60);
    await writeDeltaTable(this.dir, arrowRows(rows), {
      properties: props,
      partitionBy: this.cfg.partitioned ? ['p'] : [],
      targetFileSize: 2048,
    });
    await this.c.run(`INSERT INTO ${this.t} VALUES ${valuesSql(rows)}`);
    this.table = await DeltaTable.open(this.dir);
    await this.snapshotOracle(0);
  }

  rows(n: number): Row[] {
    const rows = randomRows(this.r, this.nextId, n);
    this.nextId += n;
    return rows;
  }

  async snapshotOracle(version: number): Promise<void> {
    await this.c.run(`CREATE TABLE ${this.t}_v${version} AS SELECT * FROM ${this.t}`);
  }

  async oracle(where = 'TRUE'): Promise<string[]> {
    return sortedKeys(await duckRows(this.c, `SELECT ${COLUMNS.join(', ')} FROM ${this.t} WHERE ${where}`));
  }

  async step(i: number): Promise<void> {
    const before = this.table.version;
    const kind = pick(this.r, KINDS);
    this.log.push(`${i}: ${kind}`);
    if (kind === 'append') await this.append();
    else if (kind === 'delete') await this.delete();
    else if (kind === 'update') await this.update();
    else if (kind === 'optimize') await this.table.optimize({ targetSize: 64 * 1024 });
    else await this.restore();
    const version = this.table.version;
    if (version !== before) await this.snapshotOracle(version);
    expect(sortedKeys(await engineRows(this.table)), this.log.join('\n')).toEqual(await this.oracle());
  }

  async append(): Promise<void> {
    const rows = this.rows(1 + Math.floor(this.r() * 25));
    await this.table.append(arrowRows(rows));
    await this.c.run(`INSERT INTO ${this.t} VALUES ${valuesSql(rows)}`);
    const feed = await feedRows(this.table, this.table.version);
    expect(feed.every((f) => f.type === 'insert')).toBe(true);
    expect(sortedKeys(feed.map((f) => f.row))).toEqual(sortedKeys(rows));
  }

  async delete(): Promise<void> {
    const pred = this.r() < 0.08 ? undefined : randomPredicate(this.r, this.nextId);
    this.log[this.log.length - 1] += ` ${pred ?? '(all)'}`;
    const expected = await this.oracle(pred);
    const before = this.table.version;
    const result = await this.table.delete(pred);
    await this.c.run(`DELETE FROM ${this.t}${pred ? ` WHERE ${pred}` : ''}`);
    expect(result.metrics.numDeletedRows).toBe(expected.length);
    expect(result.noop).toBe(expected.length === 0 && result.metrics.numRemovedFiles === 0);
    if (result.noop) return expect(this.table.version).toBe(before);
    const feed = await feedRows(this.table, result.version);
    expect(feed.every((f) => f.type === 'delete')).toBe(true);
    expect(sortedKeys(feed.map((f) => f.row))).toEqual(expected);
  }

  async update(): Promise<void> {
    const pred = this.r() < 0.1 ? undefined : randomPredicate(this.r, this.nextId);
    const set = randomSet(this.r, this.cfg.partitioned);
    this.log[this.log.length - 1] += ` SET ${setSql(set)} WHERE ${pred ?? '(all)'}`;
    const pre = await this.oracle(pred);
    const ids = (await duckRows(this.c, `SELECT id FROM ${this.t} WHERE ${pred ?? 'TRUE'}`)).map((r) => String(r[0]));
    const result = await this.table.update({ where: pred, set });
    await this.c.run(`UPDATE ${this.t} SET ${setSql(set)}${pred ? ` WHERE ${pred}` : ''}`);
    expect(result.metrics.numUpdatedRows).toBe(pre.length);
    if (result.noop) return expect(pre).toEqual([]);
    const post = ids.length > 0 ? await this.oracle(`id IN (${ids.join(', ')})`) : [];
    const feed = await feedRows(this.table, result.version);
    expect(sortedKeys(feed.filter((f) => f.type === 'update_preimage').map((f) => f.row))).toEqual(pre);
    expect(sortedKeys(feed.filter((f) => f.type === 'update_postimage').map((f) => f.row))).toEqual(post);
    expect(feed.every((f) => f.type.startsWith('update_'))).toBe(true);
  }

  async restore(): Promise<void> {
    const target = Math.floor(this.r() * (this.table.version + 1));
    this.log[this.log.length - 1] += ` to ${target}`;
    const before = this.table.version;
    await this.table.restore({ version: target });
    await this.c.run(`DELETE FROM ${this.t}; INSERT INTO ${this.t} SELECT * FROM ${this.t}_v${target}`);
    const feed = await feedRows(this.table, this.table.version);
    const gained = sortedKeys(feed.filter((f) => f.type === 'insert').map((f) => f.row));
    const lost = sortedKeys(feed.filter((f) => f.type === 'delete').map((f) => f.row));
    const now = await this.oracle();
    const then = sortedKeys(await duckRows(this.c, `SELECT ${COLUMNS.join(', ')} FROM ${this.t}_v${before}`));
    expect(minus(gained, lost)).toEqual(minus(now, then));
    expect(minus(lost, gained)).toEqual(minus(then, now));
  }
}

describe('DELETE and UPDATE equal DuckDB running the same SQL', () => {
  test.each(CONFIGS)('$name (seed $seed)', async (cfg) => {
    const seq = new Sequence(cfg, db.connection);
    await seq.start();
    for (let i = 0; i < STEPS; i++) await seq.step(i);
    await assertValidTable(seq.dir);
    if (!cfg.columnMapping)
      expect(sortedKeys(await independentRows(db.connection, seq.dir)), seq.log.join('\n')).toEqual(await seq.oracle());
  });
});
