/**
 * The DuckDB oracle for DELETE/UPDATE tests: random rows and statements (text both our parser
 * and DuckDB read), a DuckDB table kept in step with the Delta table, multiset comparison of
 * rows, and an independent reader of the Delta table's live rows (its own log replay, DuckDB's
 * read_parquet with file_row_number, deletion vectors decoded by test/support/dv-oracle.ts).
 */
import { mulberry32 as rng } from '../../packages/core/test/support/prng.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll } from 'vitest';
import { batchToRows, type DeltaTable } from '@delta-serverless/core';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readDvOracle, type DvDescriptor } from '../support/dv-oracle.js';
import { openDuckDb, sqlString } from '../support/validate/deps.js';

export const COLUMNS = ['id', 'p', 'v', 's', 'd'] as const;
export type Row = [number, string | null, number | null, string | null, number];

export { rng };

/**
 * One oracle test file's temp root and DuckDB connection: opened before its tests, closed
 * (and the root removed) after them.
 */
export function oracleSession(prefix: string): { root: string; db: { readonly connection: DuckDBConnection } } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let opened: { connection: DuckDBConnection; close: () => void } | undefined;
  beforeAll(async () => {
    opened = await openDuckDb();
  });
  afterAll(() => {
    opened?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  return {
    root,
    db: {
      get connection(): DuckDBConnection {
        if (!opened) throw new Error('oracleSession: DuckDB is opened in beforeAll; use it inside a test');
        return opened.connection;
      },
    },
  };
}

export function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

export function randomRows(r: () => number, firstId: number, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => [
    firstId + i,
    pick(r, ['a', 'b', 'c', 'c', null]),
    r() < 0.15 ? null : Math.floor(r() * 100) - 20,
    pick(r, ['x', 'y', 'zz', 'zebra', null]),
    Math.floor(r() * 40) / 4,
  ]);
}

export function arrowRows(rows: readonly Row[]): arrow.Table {
  return new arrow.Table({
    id: arrow.vectorFromArray(
      rows.map((x) => BigInt(x[0])),
      new arrow.Int64(),
    ),
    p: arrow.vectorFromArray(
      rows.map((x) => x[1]),
      new arrow.Utf8(),
    ),
    v: arrow.vectorFromArray(
      rows.map((x) => x[2]),
      new arrow.Int32(),
    ),
    s: arrow.vectorFromArray(
      rows.map((x) => x[3]),
      new arrow.Utf8(),
    ),
    d: arrow.vectorFromArray(
      rows.map((x) => x[4]),
      new arrow.Float64(),
    ),
  });
}

/** A predicate in the SQL both engines read. */
export function randomPredicate(r: () => number, maxId: number): string {
  const k = Math.floor(r() * 80) - 10;
  const atoms = [
    `v > ${k}`,
    `v <= ${k}`,
    'v IS NULL',
    `s = '${pick(r, ['x', 'y', 'zz'])}'`,
    "s IN ('x', 'zebra')",
    "s LIKE 'z%'",
    `p = '${pick(r, ['a', 'b', 'c'])}'`,
    'p IS NULL',
    `id BETWEEN ${Math.floor(r() * maxId)} AND ${Math.floor(r() * maxId) + 15}`,
    `d < ${Math.floor(r() * 10)}`,
  ];
  const a = pick(r, atoms);
  const shape = r();
  if (shape < 0.45) return a;
  if (shape < 0.7) return `${a} AND ${pick(r, atoms)}`;
  if (shape < 0.9) return `(${a} OR ${pick(r, atoms)}) AND NOT (${pick(r, atoms)})`;
  return `${a} OR ${pick(r, atoms)}`;
}

/** SET clauses (column -> SQL); `id` is never set, so rows keep their identity. */
export function randomSet(r: () => number, partitioned: boolean): Record<string, string> {
  const options: Record<string, string>[] = [
    { v: 'v + 1' },
    { v: 'NULL' },
    { s: "'upd'", d: 'd * 2' },
    { v: 'id', s: 'NULL' },
    { d: 'd - 0.5' },
    { p: `'${pick(r, ['a', 'b', 'c'])}'` },
  ];
  const set = pick(r, options);
  return !partitioned || r() < 0.7 ? set : { ...set, p: "'b'" };
}

export function setSql(set: Record<string, string>): string {
  return Object.entries(set)
    .map(([c, e]) => `${c} = ${e}`)
    .join(', ');
}

export function valuesSql(rows: readonly Row[]): string {
  const lit = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'string' ? sqlString(v) : String(v));
  return rows.map((x) => `(${x.map(lit).join(', ')})`).join(', ');
}

/** Multiset key of a row (id, p, v, s, d), whatever engine produced it. */
export function rowKey(row: readonly unknown[]): string {
  return JSON.stringify(
    row.map((v, i) => (v === null || v === undefined ? null : i === 0 || i === 2 || i === 4 ? Number(v) : String(v))),
  );
}

export function sortedKeys(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map(rowKey).sort();
}

export async function duckRows(c: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await c.runAndReadAll(sql)).getRowsJson() as unknown[][];
}

/** The Delta table's rows through the engine. */
export async function engineRows(table: DeltaTable): Promise<unknown[][]> {
  const t = await table.toArrow({ columns: [...COLUMNS] });
  return t.batches.flatMap((b) => batchToRows(b));
}

/** Change feed rows of one version: data columns + _change_type. */
export async function feedRows(table: DeltaTable, version: number): Promise<{ type: string; row: unknown[] }[]> {
  const t = await table.tableChanges({ startVersion: version, endVersion: version, columns: [...COLUMNS] }).toArrow();
  return t.batches.flatMap((b) => batchToRows(b)).map((r) => ({ type: String(r[5]), row: r.slice(0, 5) }));
}

/** Multiset a - b. */
export function minus(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const k of b) counts.set(k, (counts.get(k) ?? 0) + 1);
  const out: string[] = [];
  for (const k of a) {
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else out.push(k);
  }
  return out.sort();
}

interface LoggedAdd {
  path: string;
  partitionValues: Record<string, string | null>;
  deletionVector?: DvDescriptor;
}

/** Active adds by replaying the JSON commits (no checkpoint use: the tests write fewer than 10 commits between them... or read the whole log). */
function activeAdds(dir: string): LoggedAdd[] {
  const logDir = path.join(dir, '_delta_log');
  const live = new Map<string, LoggedAdd>();
  const key = (p: string, dv?: DvDescriptor | null) =>
    `${decodeURIComponent(p)}#${dv ? `${dv.storageType}${dv.pathOrInlineDv}@${dv.offset ?? ''}` : ''}`;
  for (const name of fs
    .readdirSync(logDir)
    .filter((n) => /^\d{20}\.json$/.test(n))
    .sort()) {
    for (const line of fs.readFileSync(path.join(logDir, name), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line) as { add?: LoggedAdd; remove?: LoggedAdd };
      if (a.remove) live.delete(key(a.remove.path, a.remove.deletionVector));
      if (a.add) live.set(key(a.add.path, a.add.deletionVector), a.add);
    }
  }
  return [...live.values()];
}

/**
 * Live rows of a table without column mapping, read with no engine code: log replay here,
 * Parquet through DuckDB (with file row numbers), deletion vectors through dv-oracle.
 */
export async function independentRows(c: DuckDBConnection, dir: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (const add of activeAdds(dir)) {
    const deleted = new Set(add.deletionVector ? readDvOracle(dir, add.deletionVector) : []);
    const file = sqlString(path.join(dir, decodeURIComponent(add.path)));
    const cols = COLUMNS.map((col) =>
      col in add.partitionValues
        ? `${add.partitionValues[col] === null ? 'NULL' : sqlString(add.partitionValues[col]!)} AS ${col}`
        : col,
    );
    const rows = await duckRows(
      c,
      `SELECT ${cols.join(', ')}, file_row_number FROM read_parquet(${file}, file_row_number = true)`,
    );
    for (const r of rows) if (!deleted.has(Number(r[5]))) out.push(r.slice(0, 5));
  }
  return out;
}
