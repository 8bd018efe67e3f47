/**
 * Conformance runner: reads every table of a corpus laid out as `<source>/<table>/` plus
 * `<source>/<table>.expected.json` and checks rows (as multisets), other versions,
 * queries, change feeds, aggregates, log facts and negative tables.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  batchToRows,
  DeltaError,
  DeltaTable,
  parseDataType,
  type Snapshot,
  type StructType,
} from '@delta-serverless/core';
import { projectBatch, findField } from '@delta-serverless/core/internal';
import type * as arrow from 'apache-arrow';
import { compareRows } from './compare.js';
import { EXCEPTIONS } from './exceptions.js';
import { checkDeltaSchema, checkExpectedError, checkLogInspection } from './log-inspection.js';
import type { Expected, ExpectedRows } from './expected.js';

export interface TableResult {
  table: string;
  ok: boolean;
  checks: number;
  failures: string[];
  notes: string[];
  ms: number;
}

/** Tables of a corpus: every `<source>/<table>.expected.json` with its table directory. */
export function listCorpus(dir: string): { name: string; tableDir: string; expectedFile: string }[] {
  const out: { name: string; tableDir: string; expectedFile: string }[] = [];
  for (const source of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!source.isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(dir, source.name))) {
      if (!f.endsWith('.expected.json')) continue;
      const table = f.slice(0, -'.expected.json'.length);
      out.push({
        name: `${source.name}/${table}`,
        tableDir: path.join(dir, source.name, table),
        expectedFile: path.join(dir, source.name, f),
      });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

async function collectRows(batches: AsyncIterable<arrow.RecordBatch>, schema: StructType): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for await (const b of batches) for (const r of batchToRows(b, schema)) rows.push(r);
  return rows;
}

function schemaOf(snapshot: Snapshot, names: string[]): StructType {
  return {
    type: 'struct',
    fields: names.map((n) => {
      const f = findField(snapshot.schema, [n]);
      if (!f) throw new Error(`expected column ${n} is not in the table schema`);
      return f;
    }),
  };
}

export async function runTable(name: string, tableDir: string, expected: Expected): Promise<TableResult> {
  const started = Date.now();
  const failures: string[] = [];
  const notes: string[] = [];
  let checks = 0;
  const exception = EXCEPTIONS[name];
  const check = async (label: string, fn: () => Promise<string | undefined>) => {
    checks++;
    try {
      const problem = await fn();
      if (problem) failures.push(`${label}: ${problem}`);
    } catch (err) {
      failures.push(
        `${label}: ${err instanceof DeltaError ? `${err.name}: ${err.message}` : ((err as Error).stack ?? String(err))}`,
      );
    }
  };

  if (expected.expectError) {
    checks++;
    try {
      const t = await DeltaTable.open(tableDir);
      await t.toArrow();
      failures.push(`expected an error (${expected.expectError}) but the table read`);
    } catch (err) {
      const problem = checkExpectedError(expected.expectError, err);
      if (problem) failures.push(problem);
      else notes.push(`refused: ${(err as Error).message.split('\n')[0]!.slice(0, 100)}`);
    }
    return { table: name, ok: failures.length === 0, checks, failures, notes, ms: Date.now() - started };
  }

  let table: DeltaTable;
  try {
    table = await DeltaTable.open(tableDir);
  } catch (err) {
    failures.push(`open: ${(err as Error).message}`);
    return { table: name, ok: false, checks: 1, failures, notes, ms: Date.now() - started };
  }

  const rowsCheck = async (label: string, exp: ExpectedRows, version: number | undefined, filter?: string) => {
    await check(label, async () => {
      const snap = version === undefined ? table.snapshot : await table.snapshotAt({ version });
      const names = exp.columns?.map((c) => c.name) ?? snap.schema.fields.map((f) => f.name);
      const scan = table.scan({ version, columns: names, filter });
      const rows = await collectRows(scan, schemaOf(snap, names));
      if (typeof exp.numRows === 'number' && rows.length !== exp.numRows)
        return `numRows ${rows.length}, expected ${exp.numRows}`;
      if (!exp.rows) return undefined;
      const ignore = new Set<number>();
      if (exception) {
        names.forEach((n, i) => exception.ignoreColumns.includes(n) && ignore.add(i));
        if (ignore.size) notes.push(`exception: ${exception.ignoreColumns.join(',')} not compared (see README)`);
      }
      return compareRows(rows, exp.rows, exp.columns ?? names.map((n) => ({ name: n, type: '' })), {
        prettyTable: !!(exp.prettyTableCaveat ?? expected.prettyTableCaveat),
        ignore,
      });
    });
  };

  if (expected.deltaSchema)
    await check('deltaSchema', async () => checkDeltaSchema(table.snapshot, expected.deltaSchema));
  if (expected.logInspection)
    await check('logInspection', async () => checkLogInspection(table.snapshot, expected.logInspection!));
  if (expected.version !== undefined) {
    await check('version', async () =>
      table.version === expected.version ? undefined : `latest version ${table.version}, expected ${expected.version}`,
    );
  }
  if (expected.rows || typeof expected.numRows === 'number') await rowsCheck('rows', expected, expected.version);
  for (const [key, exp] of Object.entries(expected.otherVersions ?? {})) {
    await rowsCheck(`version ${key}`, exp, Number(key.slice(1)));
  }
  if (expected.crossCheck) await rowsCheck('crossCheck', expected.crossCheck, expected.version);
  for (const q of expected.queries ?? []) await rowsCheck(`query ${q.name}`, q, expected.version, q.predicate);

  for (const cf of expected.changeFeed ?? []) {
    await check(`changeFeed ${cf.startVersion}..${cf.endVersion ?? 'latest'}`, async () => {
      const names = (cf.columns ?? []).map((c) => c.name);
      const dataColumns = names.filter((n) => !n.startsWith('_'));
      const feed = table.tableChanges({
        startVersion: cf.startVersion,
        endVersion: cf.endVersion ?? undefined,
        columns: dataColumns,
      });
      const snap = table.snapshot;
      const schema: StructType = {
        type: 'struct',
        fields: names.map(
          (n) =>
            findField(snap.schema, [n]) ?? {
              name: n,
              type: parseDataType(n === '_change_type' ? 'string' : n === '_commit_version' ? 'long' : 'timestamp'),
              nullable: false,
              metadata: {},
            },
        ),
      };
      const rows: unknown[][] = [];
      for await (const b of feed) {
        const projected = projectBatch(b, names);
        for (const r of batchToRows(projected, schema)) rows.push(r);
      }
      if (typeof cf.numRows === 'number' && rows.length !== cf.numRows)
        return `numRows ${rows.length}, expected ${cf.numRows}`;
      return cf.rows
        ? compareRows(rows, cf.rows, cf.columns ?? [], { prettyTable: !!cf.prettyTableCaveat })
        : undefined;
    });
  }

  if (expected.aggregates) {
    await check('aggregates', async () => checkAggregates(table, expected.aggregates!));
  }
  if (expected.logFacts) {
    await check('logFacts', async () => checkLogFacts(table, expected.logFacts!, notes));
  }
  return { table: name, ok: failures.length === 0, checks, failures, notes, ms: Date.now() - started };
}

function basename(p: string): string {
  return decodeURIComponent(p.slice(p.lastIndexOf('/') + 1));
}

async function checkLogFacts(
  table: DeltaTable,
  facts: Record<string, unknown>,
  notes: string[],
): Promise<string | undefined> {
  const problems: string[] = [];
  const snap = table.snapshot;
  const filesAt = async (v: number) =>
    (await table.snapshotAt({ version: v }))
      .files()
      .map((f) => basename(f.path))
      .sort();
  for (const [k, v] of Object.entries(facts)) {
    const m = /^v(\d+)(ActiveFiles|Tombstones)$/.exec(k);
    if (k === 'latestVersion') {
      if (snap.version !== v) problems.push(`latestVersion ${snap.version} != ${String(v)}`);
    } else if (k === 'activeFilesCount') {
      if (snap.numFiles !== v) problems.push(`activeFilesCount ${snap.numFiles} != ${String(v)}`);
    } else if (k === 'activeFiles') {
      const got = snap
        .files()
        .map((f) => basename(f.path))
        .sort();
      if (JSON.stringify(got) !== JSON.stringify([...(v as string[])].sort()))
        problems.push(`activeFiles ${JSON.stringify(got)}`);
    } else if (k === 'distinctFilePathsAtLatest') {
      const n = new Set(snap.files().map((f) => f.path)).size;
      if (n !== v) problems.push(`distinct paths ${n} != ${String(v)}`);
    } else if (k === 'fooModificationTime') {
      const foo = snap.files().find((f) => basename(f.path) === 'foo');
      if (Number(foo?.modificationTime) !== v) problems.push(`foo modificationTime ${String(foo?.modificationTime)}`);
    } else if (m && m[2] === 'ActiveFiles') {
      const got = await filesAt(Number(m[1]));
      if (JSON.stringify(got) !== JSON.stringify([...(v as string[])].sort()))
        problems.push(`${k}: ${JSON.stringify(got)}`);
    } else if (m && m[2] === 'Tombstones') {
      const n = (await table.snapshotAt({ version: Number(m[1]) })).tombstones().length;
      if (n !== v) problems.push(`${k}: ${n} != ${String(v)}`);
    } else if (k !== 'source' && k !== 'note') {
      notes.push(`logFacts.${k} not checked`);
    }
  }
  return problems.length ? problems.join('; ') : undefined;
}

async function checkAggregates(
  table: DeltaTable,
  aggregates: Record<string, Record<string, unknown>>,
): Promise<string | undefined> {
  const names = Object.keys(aggregates);
  const schema = schemaOf(table.snapshot, names);
  const acc = names.map(() => ({
    nulls: 0,
    nonNull: 0,
    negative: 0,
    min: undefined as bigint | number | undefined,
    max: undefined as bigint | number | undefined,
    minRaw: undefined as unknown,
    maxRaw: undefined as unknown,
    sum: 0n,
  }));
  for await (const batch of table.scan({ columns: names })) {
    for (const row of batchToRows(batch, schema)) {
      row.forEach((cell, i) => {
        const a = acc[i]!;
        if (cell === null) {
          a.nulls++;
          return;
        }
        a.nonNull++;
        const num = typeof cell === 'string' ? toBigScaled(cell) : (cell as number);
        if (a.min === undefined || num < a.min) {
          a.min = num;
          a.minRaw = cell;
        }
        if (a.max === undefined || num > a.max) {
          a.max = num;
          a.maxRaw = cell;
        }
        if (typeof num === 'number' ? num < 0 : num < 0n) a.negative++;
        a.sum += typeof num === 'bigint' ? num : BigInt(Math.trunc(num));
      });
    }
  }
  const problems: string[] = [];
  names.forEach((n, i) => {
    const a = acc[i]!;
    for (const [k, v] of Object.entries(aggregates[n]!)) {
      const got =
        k === 'nullCount'
          ? a.nulls
          : k === 'nonNullCount'
            ? a.nonNull
            : k === 'countWhereNegative'
              ? a.negative
              : k === 'min'
                ? a.minRaw
                : k === 'max'
                  ? a.maxRaw
                  : k === 'sum'
                    ? a.sum.toString()
                    : undefined;
      if (JSON.stringify(got) !== JSON.stringify(v))
        problems.push(`${n}.${k} = ${JSON.stringify(got)}, expected ${JSON.stringify(v)}`);
    }
  });
  return problems.length ? problems.join('; ') : undefined;
}

/** Integer-valued decimal strings (and long strings) as bigint for ordering and sums. */
function toBigScaled(s: string): bigint | number {
  return /^-?\d+$/.test(s) ? BigInt(s) : Number(s);
}

export async function runCorpus(
  dir: string,
  onResult?: (r: TableResult) => void,
  only?: (name: string) => boolean,
): Promise<TableResult[]> {
  const results: TableResult[] = [];
  for (const entry of listCorpus(dir)) {
    if (only && !only(entry.name)) continue;
    const expected = JSON.parse(fs.readFileSync(entry.expectedFile, 'utf8')) as Expected;
    const r = await runTable(entry.name, entry.tableDir, expected);
    results.push(r);
    onResult?.(r);
  }
  return results;
}
