/**
 * Shared helpers for the write-path tests: temp tables, the validator hook, Arrow column
 * builders with explicit nulls, log inspection and read-back as corpus-encoded JSON values.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, expect } from 'vitest';
import { batchToObjects, DeltaTable, type JsonValue, type TableScanOptions } from '@delta-serverless/core';
import { assertValidTable, type ValidateOptions, type ValidationReport } from '../support/validate-table.js';

/** Every table a test writes goes through this one function (the independent validator). */
export async function validate(dir: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  return assertValidTable(dir, { ...options, failOnWarnings: true });
}

/** A temp-dir factory for one test file; everything it made is removed after the file's tests. */
export function tempDirs(tag: string): () => string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `ds-write-${tag}-`));
  let n = 0;
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  return () => {
    const dir = path.join(root, `t${n++}`);
    fs.mkdirSync(dir);
    return dir;
  };
}

// ---------- Arrow builders ----------

function bitmapOf(values: readonly unknown[]): { bitmap: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { bitmap, nullCount };
}

/** A fixed-width column from raw values (null entries become nulls). */
function fixedWidth<T extends arrow.DataType>(
  type: T,
  values: readonly unknown[],
  fill: (n: number) => ArrayBufferView & { [i: number]: unknown },
  conv: (v: unknown) => unknown,
): arrow.Data<T> {
  const data = fill(values.length);
  values.forEach((v, i) => {
    if (v !== null) data[i] = conv(v);
  });
  const { bitmap, nullCount } = bitmapOf(values);
  return arrow.makeData({
    type,
    length: values.length,
    nullCount,
    nullBitmap: nullCount ? bitmap : null,
    data,
  } as never) as arrow.Data<T>;
}

export const build = {
  long: (v: readonly (bigint | null)[]) =>
    fixedWidth(
      new arrow.Int64(),
      v,
      (n) => new BigInt64Array(n),
      (x) => x,
    ),
  int: (v: readonly (number | null)[]) =>
    fixedWidth(
      new arrow.Int32(),
      v,
      (n) => new Int32Array(n),
      (x) => x,
    ),
  short: (v: readonly (number | null)[]) =>
    fixedWidth(
      new arrow.Int16(),
      v,
      (n) => new Int16Array(n),
      (x) => x,
    ),
  byte: (v: readonly (number | null)[]) =>
    fixedWidth(
      new arrow.Int8(),
      v,
      (n) => new Int8Array(n),
      (x) => x,
    ),
  uint32: (v: readonly (number | null)[]) =>
    fixedWidth(
      new arrow.Uint32(),
      v,
      (n) => new Uint32Array(n),
      (x) => x,
    ),
  float: (v: readonly (number | null)[]) =>
    fixedWidth(
      new arrow.Float32(),
      v,
      (n) => new Float32Array(n),
      (x) => x,
    ),
  double: (v: readonly (number | null)[]) =>
    fixedWidth(
      new arrow.Float64(),
      v,
      (n) => new Float64Array(n),
      (x) => x,
    ),
  /** Days since the epoch. */
  date: (v: readonly (number | null)[]) =>
    fixedWidth(
      new arrow.DateDay(),
      v,
      (n) => new Int32Array(n),
      (x) => x,
    ),
  /** Microseconds since the epoch, UTC. */
  timestamp: (v: readonly (bigint | null)[]) =>
    fixedWidth(
      new arrow.TimestampMicrosecond('UTC'),
      v,
      (n) => new BigInt64Array(n),
      (x) => x,
    ),
  timestampNtz: (v: readonly (bigint | null)[]) =>
    fixedWidth(
      new arrow.TimestampMicrosecond(),
      v,
      (n) => new BigInt64Array(n),
      (x) => x,
    ),
  timestampUnit: (unit: arrow.TimeUnit, tz: string | null, v: readonly (bigint | null)[]) =>
    fixedWidth(
      new arrow.Timestamp(unit, tz),
      v,
      (n) => new BigInt64Array(n),
      (x) => x,
    ),
  bool: (v: readonly (boolean | null)[]) => arrow.vectorFromArray(v as boolean[], new arrow.Bool()).data[0]!,
  string: (v: readonly (string | null)[]) => arrow.vectorFromArray(v as string[], new arrow.Utf8()).data[0]!,
  binary: (v: readonly (Uint8Array | null)[]) => arrow.vectorFromArray(v as Uint8Array[], new arrow.Binary()).data[0]!,
  /** Unscaled decimal values. */
  decimal: (precision: number, scale: number, v: readonly (bigint | null)[]) => {
    const words = new Uint32Array(v.length * 4);
    v.forEach((x, i) => {
      let u = BigInt.asUintN(128, x ?? 0n);
      for (let k = 0; k < 4; k++) {
        words[i * 4 + k] = Number(u & 0xffffffffn);
        u >>= 32n;
      }
    });
    const { bitmap, nullCount } = bitmapOf(v);
    return arrow.makeData({
      type: new arrow.Decimal(scale, precision, 128),
      length: v.length,
      nullCount,
      nullBitmap: nullCount ? bitmap : null,
      data: words,
    });
  },
  /** Any type Arrow's builders handle (structs, lists, maps). */
  of: <T extends arrow.DataType>(type: T, v: readonly unknown[]) => {
    const vec = arrow.vectorFromArray(v as never[], type);
    return (vec.data.length === 1 ? vec.data[0] : arrow.makeVector(vec.toArray()).data[0]) as arrow.Data<T>;
  },
};

/** A record batch from named columns; `notNull` lists non-nullable columns. */
export function batch(columns: Record<string, arrow.Data>, notNull: readonly string[] = []): arrow.RecordBatch {
  const names = Object.keys(columns);
  const length = columns[names[0]!]!.length;
  const fields = names.map((n) => new arrow.Field(n, columns[n]!.type, !notNull.includes(n)));
  return new arrow.RecordBatch(
    new arrow.Schema(fields),
    arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children: names.map((n) => columns[n]!) }),
  );
}

export const field = (name: string, type: arrow.DataType, nullable = true) => new arrow.Field(name, type, nullable);

// ---------- Reading back ----------

/** Every row of the table (at the latest or a time-travel version), corpus-encoded, in scan order. */
export async function readRows(dir: string, opts: TableScanOptions = {}): Promise<Record<string, JsonValue>[]> {
  const table = await DeltaTable.open(dir);
  const snap =
    opts.version !== undefined || opts.timestamp !== undefined ? await table.snapshotAt(opts) : table.snapshot;
  const out = await table.toArrow(opts);
  const schema = opts.columns
    ? { ...snap.schema, fields: opts.columns.map((c) => snap.schema.fields.find((f) => f.name === c)!) }
    : snap.schema;
  return out.batches.flatMap((b) =>
    batchToObjects(b, {
      type: 'struct',
      fields: schema.fields.filter((f) => b.schema.fields.some((x) => x.name === f.name)),
    }),
  );
}

/** Rows sorted by a column (numbers or strings), for order-independent comparison. */
export async function readSorted(
  dir: string,
  key: string,
  opts: TableScanOptions = {},
): Promise<Record<string, JsonValue>[]> {
  const rows = await readRows(dir, opts);
  return rows.sort((a, b) => cmp(a[key] ?? null, b[key] ?? null));
}

function cmp(a: JsonValue, b: JsonValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

// ---------- Log inspection ----------

export type LogAction = Record<string, Record<string, unknown>>;

export const commitFile = (dir: string, version: number) =>
  path.join(dir, '_delta_log', `${String(version).padStart(20, '0')}.json`);

/** The actions of one commit file, parsed. */
export function commitActions(dir: string, version: number): LogAction[] {
  return fs
    .readFileSync(commitFile(dir, version), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LogAction);
}

/** Actions of one kind (`add`, `remove`, `commitInfo`, ...) in a commit. */
export function actionsOf<T = Record<string, unknown>>(dir: string, version: number, kind: string): T[] {
  return commitActions(dir, version)
    .filter((a) => kind in a)
    .map((a) => a[kind] as T);
}

export function commitInfo(dir: string, version: number): Record<string, unknown> {
  const [ci] = actionsOf(dir, version, 'commitInfo');
  expect(ci, `commit ${version} has a commitInfo`).toBeDefined();
  return ci!;
}

/** Versions present in _delta_log as JSON commits. */
export function commitVersions(dir: string): number[] {
  return fs
    .readdirSync(path.join(dir, '_delta_log'))
    .filter((f) => /^\d{20}\.json$/.test(f))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b);
}

/** Every Parquet data file under the table root (relative paths, `_delta_log` excluded). */
export function dataFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (r !== '_delta_log') walk(r);
      } else if (e.name.endsWith('.parquet')) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

export interface AddAction {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  dataChange: boolean;
  stats?: string;
  modificationTime: number;
}

export interface RemoveAction {
  path: string;
  dataChange: boolean;
  deletionTimestamp?: number;
  size?: number;
  partitionValues?: Record<string, string | null>;
}

export interface Stats {
  numRecords: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
  nullCount: Record<string, unknown>;
}

export function statsOf(add: AddAction): Stats {
  expect(add.stats, `${add.path} has stats`).toBeTypeOf('string');
  return JSON.parse(add.stats!) as Stats;
}

/** Expect `fn` to reject with an error of `cls` whose message contains every fragment. */
export async function expectError(
  fn: () => Promise<unknown>,
  cls: abstract new (...args: never[]) => Error,
  ...fragments: (string | RegExp)[]
): Promise<Error> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected an error').toBeInstanceOf(cls);
  const msg = (caught as Error).message;
  for (const f of fragments) {
    if (typeof f === 'string') expect(msg).toContain(f);
    else expect(msg).toMatch(f);
  }
  return caught as Error;
}
