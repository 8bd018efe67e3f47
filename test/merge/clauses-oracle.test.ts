/**
 * MERGE's clause decisions (ops/merge/clauses.ts, keys.ts) against DuckDB's MERGE INTO: seeded
 * random targets, sources with unique keys, and random clause lists (every kind, 0-3 clauses,
 * conditions with NULLs). The reference merge below only applies the actions the core chose;
 * which clause acts on which row is the core's. DuckDB does not raise Delta's duplicate-match
 * error (it applies one of the matches), so duplicate sources are checked by hand in
 * clauses.test.ts against Delta's documented rule.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSingleMatch,
  decideSourceRows,
  decideTargetRows,
  NO_CLAUSE,
  type Truth,
} from '../../packages/core/src/ops/merge/clauses.js';
import { SourceKeyIndex } from '../../packages/core/src/ops/merge/keys.js';
import type { MergeClause, MergeClauseKind } from '../../packages/core/src/ops/merge/types.js';
import { pick, rng } from '../dml/oracle-support.js';

interface Row {
  id: number;
  v: number | null;
}

/** A condition as SQL (for DuckDB) and as a three-valued function of (target, source). */
interface Cond {
  sql: string;
  eval: (t: Row | undefined, s: Row | undefined) => Truth;
}

const gt = (a: number | null | undefined, b: number | null | undefined): Truth =>
  a == null || b == null ? null : a > b;
const CONDS: Record<MergeClauseKind, Cond[]> = {
  matched: [
    { sql: 's.v > t.v', eval: (t, s) => gt(s!.v, t!.v) },
    { sql: 't.v < 50', eval: (t) => gt(50, t!.v) },
    { sql: 's.v IS NULL', eval: (_, s) => s!.v === null },
    { sql: 't.id > 20 AND s.v > 40', eval: (t, s) => and3(t!.id > 20, gt(s!.v, 40)) },
  ],
  notMatched: [
    { sql: 's.v > 30', eval: (_, s) => gt(s!.v, 30) },
    { sql: 's.v IS NOT NULL', eval: (_, s) => s!.v !== null },
    { sql: 's.id > 45', eval: (_, s) => s!.id > 45 },
  ],
  notMatchedBySource: [
    { sql: 't.v > 60', eval: (t) => gt(t!.v, 60) },
    { sql: 't.id < 15', eval: (t) => t!.id < 15 },
    { sql: 't.v IS NULL', eval: (t) => t!.v === null },
  ],
};

function and3(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

interface Case {
  target: Row[];
  source: Row[];
  clauses: MergeClause[];
  conds: (Cond | undefined)[];
}

/** New values of an update (SQL for DuckDB and the same in JS). */
const UPDATE: Record<'matched' | 'notMatchedBySource', { sql: string; apply: (t: Row, s?: Row) => number | null }> = {
  matched: { sql: 'v = s.v', apply: (_, s) => s!.v },
  notMatchedBySource: { sql: 'v = t.v + 1000', apply: (t) => (t.v === null ? null : t.v + 1000) },
};

function randomRows(r: () => number, ids: number[]): Row[] {
  return ids.map((id) => ({ id, v: r() < 0.15 ? null : Math.floor(r() * 100) }));
}

function randomClauses(r: () => number, c: Case): void {
  for (const kind of ['matched', 'notMatched', 'notMatchedBySource'] as const) {
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const last = i === n - 1;
      const cond = last && r() < 0.5 ? undefined : pick(r, CONDS[kind]);
      const action = kind === 'notMatched' ? 'insert' : r() < 0.5 ? 'update' : 'delete';
      const clause: MergeClause = { kind, action };
      if (cond) clause.condition = cond.sql;
      c.clauses.push(clause);
      c.conds.push(cond);
    }
  }
}

function randomCase(seed: number): Case {
  const r = rng(seed);
  const ids = Array.from({ length: 50 }, (_, i) => i);
  const targetIds = ids.filter(() => r() < 0.5);
  const sourceIds = ids.filter(() => r() < 0.4);
  const c: Case = { target: randomRows(r, targetIds), source: randomRows(r, sourceIds), clauses: [], conds: [] };
  randomClauses(r, c);
  if (c.clauses.length === 0) {
    c.clauses.push({ kind: 'matched', action: 'delete' });
    c.conds.push(undefined);
  }
  return c;
}

/**
 * Each clause's condition per row, as the executor will evaluate it (vectorized per clause):
 * a matched clause only over matched pairs, a not-matched-by-source clause only over target
 * rows without a match, an insert clause only over source rows.
 */
function conditions(
  c: Case,
  rows: number,
  pair: (i: number) => [Row | undefined, Row | undefined],
): (Truth[] | undefined)[] {
  return c.clauses.map((cl, ci) => {
    const cond = c.conds[ci];
    if (!cond) return undefined;
    return Array.from({ length: rows }, (_, i): Truth => {
      const [t, s] = pair(i);
      const applies = cl.kind === 'matched' ? t && s : cl.kind === 'notMatched' ? !t && s : t && !s;
      return applies ? cond.eval(t, s) : null;
    });
  });
}

/** The merge result by the core's decisions. */
function mergeByCore(c: Case): Row[] {
  const index = new SourceKeyIndex(c.source.length, (i) => [c.source[i]!.id]);
  const hits = c.target.map((t) => index.lookup([t.id]));
  checkSingleMatch(
    c,
    hits.map((h) => h.length),
    (i) => ({ id: c.target[i]!.id }),
  );
  const matched = hits.map((h) => h[0] ?? -1);
  const matchedAny = new Uint8Array(c.source.length);
  for (const h of hits) for (const s of h) matchedAny[s] = 1;
  const tConds = conditions(c, c.target.length, (i) => [c.target[i], c.source[matched[i]!]]);
  const sConds = conditions(c, c.source.length, (i) => [undefined, c.source[i]]);
  const out: Row[] = [];
  decideTargetRows(c, matched, tConds).forEach((ci, i) => {
    const t = c.target[i]!;
    const clause = c.clauses[ci];
    if (ci === NO_CLAUSE) out.push(t);
    else if (clause!.action === 'update')
      out.push({ id: t.id, v: UPDATE[clause!.kind as 'matched'].apply(t, c.source[matched[i]!]) });
  });
  decideSourceRows(c, matchedAny, sConds).forEach((ci, i) => {
    if (ci !== NO_CLAUSE) out.push(c.source[i]!);
  });
  return out;
}

function mergeSql(c: Case): string {
  const whens = c.clauses.map((cl) => {
    const head =
      cl.kind === 'matched'
        ? 'WHEN MATCHED'
        : cl.kind === 'notMatched'
          ? 'WHEN NOT MATCHED BY TARGET'
          : 'WHEN NOT MATCHED BY SOURCE';
    const cond = cl.condition ? ` AND ${cl.condition}` : '';
    const act =
      cl.action === 'delete'
        ? 'DELETE'
        : cl.action === 'insert'
          ? 'INSERT VALUES (s.id, s.v)'
          : `UPDATE SET ${UPDATE[cl.kind as 'matched'].sql}`;
    return `${head}${cond} THEN ${act}`;
  });
  return `MERGE INTO t USING s ON t.id = s.id ${whens.join(' ')}`;
}

const values = (rows: Row[]) => rows.map((r) => `(${r.id}, ${r.v ?? 'NULL'})`).join(', ');
const sorted = (rows: Row[]) => [...rows].sort((a, b) => a.id - b.id || (a.v ?? -1) - (b.v ?? -1));

async function mergeByDuckDb(db: DuckDBConnection, c: Case): Promise<Row[]> {
  await db.run('CREATE OR REPLACE TABLE t (id INTEGER, v INTEGER); CREATE OR REPLACE TABLE s (id INTEGER, v INTEGER)');
  if (c.target.length) await db.run(`INSERT INTO t VALUES ${values(c.target)}`);
  if (c.source.length) await db.run(`INSERT INTO s VALUES ${values(c.source)}`);
  await db.run(mergeSql(c));
  const rows = (await db.runAndReadAll('SELECT id, v FROM t')).getRows();
  return rows.map(([id, v]) => ({ id: Number(id), v: v === null ? null : Number(v) }));
}

describe('MERGE clause decisions vs DuckDB MERGE INTO', () => {
  let instance: DuckDBInstance;
  let db: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
  });
  afterAll(() => {
    db.closeSync();
    instance.closeSync();
  });

  it('gives the same rows for 300 seeded random targets, sources and clause lists', async () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const c = randomCase(seed);
      c.clauses.forEach((cl) => kinds.add(`${cl.kind}:${cl.action}:${cl.condition ? 'if' : 'always'}`));
      const expected = await mergeByDuckDb(db, c);
      expect(sorted(mergeByCore(c)), `seed ${seed}: ${mergeSql(c)}`).toEqual(sorted(expected));
    }
    // every clause kind, action and conditional/unconditional form was exercised
    expect(kinds.size).toBe(10);
  });
});
