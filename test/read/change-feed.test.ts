/**
 * The public change data feed API beyond what the corpus checks: column selection, the
 * default end version, invalid ranges, and the types and values of the commit columns.
 */
import * as fs from 'node:fs';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable, InvalidArgumentError, UnsupportedFeatureError, writeDeltaTable } from '@delta-serverless/core';
import {
  commitFile,
  readCommitActions,
  rejectionOf,
  removeTempDirs,
  setCommitTimes,
  sortRows,
  tableObjects,
  tempDir as readTempDir,
  writeCommitActions,
} from './support.js';
import { validatedDirs } from '../support/validate-written.js';

afterAll(removeTempDirs);
// Every table these tests write goes through the independent validator after the test.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

const people = (ids: number[]) =>
  arrow.tableFromArrays({
    id: BigInt64Array.from(ids, BigInt),
    name: ids.map((i) => `p${i}`),
  });

/**
 * Turn on delta.enableChangeDataFeed in the metaData of v0 (after the fact: this engine's
 * writer refuses CDF tables because it does not write change data files yet; the reader
 * derives changes from adds and removes, as for Spark's appends and overwrites).
 */
function enableChangeDataFeed(table: string, extra: Record<string, string> = {}): void {
  // A hand-rewritten log (the protocol does not list changeDataFeed; the .crc files disagree): not validated.
  dirs.exempt(table, 'v0 metaData rewritten by hand to turn the change data feed on');
  const actions = readCommitActions(table, 0).map((a) => {
    if (!a.metaData) return a;
    const configuration = {
      ...(a.metaData.configuration as Record<string, string>),
      'delta.enableChangeDataFeed': 'true',
      ...extra,
    };
    return { metaData: { ...a.metaData, configuration } };
  });
  writeCommitActions(table, 0, actions);
}

/** File times of the commits (distinct, not "now"; whole seconds, which utimes sets exactly). */
const T = [Date.UTC(2024, 1, 1, 8), Date.UTC(2024, 1, 2, 9, 30), Date.UTC(2024, 1, 3, 10, 45, 31)];
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * v0: insert 1, 2; v1: append 3; v2: overwrite with 10 (deletes 1, 2, 3; inserts 10).
 * Change data feed enabled from the start.
 */
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  await writeDeltaTable(dir, people([1, 2]));
  await writeDeltaTable(dir, people([3]));
  await writeDeltaTable(dir, people([10]), { mode: 'overwrite' });
  enableChangeDataFeed(dir);
  setCommitTimes(dir, T);
});

type Change = Record<string, unknown>;

/** Every change row as a plain object in the corpus encoding, sorted. */
async function changes(table: DeltaTable, options: Parameters<DeltaTable['tableChanges']>[0]): Promise<Change[]> {
  return sortRows(tableObjects(await table.tableChanges(options).toArrow()));
}

const change = (id: number, type: string, version: number): Change => ({
  id,
  name: `p${id}`,
  _change_type: type,
  _commit_version: version,
  _commit_timestamp: iso(T[version]!),
});

describe('tableChanges', () => {
  test('the whole feed, endVersion defaulting to the latest', async () => {
    const table = await DeltaTable.open(dir);
    expect(await changes(table, { startVersion: 0 })).toEqual(
      sortRows([
        change(1, 'insert', 0),
        change(2, 'insert', 0),
        change(3, 'insert', 1),
        change(1, 'delete', 2),
        change(2, 'delete', 2),
        change(3, 'delete', 2),
        change(10, 'insert', 2),
      ]),
    );
  });

  test('a bounded range, and a single version', async () => {
    const table = await DeltaTable.open(dir);
    expect(await changes(table, { startVersion: 1, endVersion: 1 })).toEqual([change(3, 'insert', 1)]);
    expect(await changes(table, { startVersion: 0, endVersion: 1 })).toEqual(
      sortRows([change(1, 'insert', 0), change(2, 'insert', 0), change(3, 'insert', 1)]),
    );
    expect(await changes(table, { startVersion: 2, endVersion: 2 })).toEqual(
      sortRows([change(1, 'delete', 2), change(2, 'delete', 2), change(3, 'delete', 2), change(10, 'insert', 2)]),
    );
  });

  test('the default end is the latest version even when the handle holds an older one', async () => {
    const table = await DeltaTable.open(dir, { version: 0 });
    expect(table.version).toBe(0);
    const rows = await changes(table, { startVersion: 1 });
    expect(rows.map((r) => r._commit_version).sort()).toEqual([1, 2, 2, 2, 2]);
    expect(table.version).toBe(2);
  });

  test('column selection: the chosen columns in order, then the change columns', async () => {
    const table = await DeltaTable.open(dir);
    const out = await table.tableChanges({ startVersion: 1, endVersion: 1, columns: ['name', 'id'] }).toArrow();
    expect(out.schema.fields.map((f) => f.name)).toEqual([
      'name',
      'id',
      '_change_type',
      '_commit_version',
      '_commit_timestamp',
    ]);
    expect(tableObjects(out)).toEqual([
      { name: 'p3', id: 3, _change_type: 'insert', _commit_version: 1, _commit_timestamp: iso(T[1]!) },
    ]);

    const onlyName = await table.tableChanges({ startVersion: 0, columns: ['name'] }).toArrow();
    expect(onlyName.schema.fields.map((f) => f.name)).toEqual([
      'name',
      '_change_type',
      '_commit_version',
      '_commit_timestamp',
    ]);
    expect(onlyName.numRows).toBe(7);

    const err = await rejectionOf(table.tableChanges({ startVersion: 0, columns: ['id', 'nope'] }).toArrow());
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toContain('"nope"');
  });

  test('_commit_version is Int64 and _commit_timestamp Timestamp(us, UTC) equal to the commit time', async () => {
    const table = await DeltaTable.open(dir);
    const out = await table.tableChanges({ startVersion: 0 }).toArrow();
    const version = out.schema.fields.find((f) => f.name === '_commit_version')!;
    const ts = out.schema.fields.find((f) => f.name === '_commit_timestamp')!;
    expect(arrow.DataType.isInt(version.type)).toBe(true);
    expect((version.type as arrow.Int).bitWidth).toBe(64);
    expect((version.type as arrow.Int).isSigned).toBe(true);
    expect(arrow.DataType.isTimestamp(ts.type)).toBe(true);
    expect((ts.type as arrow.Timestamp).unit).toBe(arrow.TimeUnit.MICROSECOND);
    expect((ts.type as arrow.Timestamp).timezone).toBe('UTC');
    expect(version.nullable).toBe(false);
    expect(ts.nullable).toBe(false);

    const versions = out.getChild('_commit_version')!;
    const times = out.getChild('_commit_timestamp')!;
    for (let i = 0; i < out.numRows; i++) {
      const v = versions.get(i) as bigint;
      expect(typeof v).toBe('bigint');
      // Raw microseconds of the column: the commit file's time in ms * 1000.
      const micros = rawMicros(times, i);
      expect(micros).toBe(BigInt(T[Number(v)]!) * 1000n);
    }
  });

  test('in-commit timestamps are the commit time when the table has them', async () => {
    const ict = tempDir();
    await writeDeltaTable(ict, people([1]), { properties: { 'delta.enableInCommitTimestamps': 'true' } });
    await writeDeltaTable(ict, people([2]));
    enableChangeDataFeed(ict);
    const I = [Date.UTC(2019, 6, 1, 0, 0, 0, 1), Date.UTC(2019, 6, 2, 12, 34, 56, 789)];
    for (const v of [0, 1]) {
      writeCommitActions(
        ict,
        v,
        readCommitActions(ict, v).map((a) =>
          a.commitInfo ? { commitInfo: { ...a.commitInfo, inCommitTimestamp: I[v], timestamp: I[v] } } : a,
        ),
      );
    }
    setCommitTimes(ict, [Date.UTC(2030, 0, 1), Date.UTC(2030, 0, 2)]);
    const table = await DeltaTable.open(ict);
    const rows = await changes(table, { startVersion: 0 });
    expect(rows.map((r) => [r.id, r._commit_version, r._commit_timestamp])).toEqual([
      [1, 0, iso(I[0]!)],
      [2, 1, iso(I[1]!)],
    ]);
  });
});

/** Microseconds stored at row i of a Timestamp(us) column (no conversion through Date). */
function rawMicros(column: arrow.Vector, i: number): bigint {
  let row = i;
  for (const d of column.data) {
    if (row < d.length) return BigInt((d.values as BigInt64Array)[d.offset + row]!);
    row -= d.length;
  }
  throw new Error(`row ${i} out of range`);
}

describe('invalid ranges', () => {
  test('start after end, end after latest, negative or fractional start: InvalidArgumentError', async () => {
    const table = await DeltaTable.open(dir);
    const cases: [Parameters<DeltaTable['tableChanges']>[0], string][] = [
      [{ startVersion: 2, endVersion: 1 }, 'invalid change feed range [2, 1]'],
      [{ startVersion: 5 }, 'invalid change feed range [5, 2]'],
      [{ startVersion: 0, endVersion: 3 }, 'endVersion 3 is after the latest version 2'],
      [{ startVersion: -1 }, 'invalid change feed range [-1, 2]'],
      [{ startVersion: 0.5 }, 'invalid change feed range [0.5, 2]'],
    ];
    for (const [options, message] of cases) {
      const err = await rejectionOf(table.tableChanges(options).toArrow());
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(err.message).toContain(message);
    }
  });

  test('a start version whose commit was cleaned up: InvalidArgumentError', async () => {
    const cleaned = tempDir();
    for (let v = 0; v < 4; v++) {
      await writeDeltaTable(cleaned, people([v]), {
        properties: v === 0 ? { 'delta.checkpointInterval': '2' } : undefined,
      });
      if (v === 0) enableChangeDataFeed(cleaned);
    }
    fs.rmSync(commitFile(cleaned, 0));
    fs.rmSync(commitFile(cleaned, 1));
    const table = await DeltaTable.open(cleaned);
    expect(table.version).toBe(3);
    const err = await rejectionOf(table.tableChanges({ startVersion: 1 }).toArrow());
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toContain('commit 1 is not in the log any more');
    expect((await changes(table, { startVersion: 2 })).map((r) => [r.id, r._change_type, r._commit_version])).toEqual([
      [2, 'insert', 2],
      [3, 'insert', 3],
    ]);
  });

  test('a table without delta.enableChangeDataFeed: UnsupportedFeatureError', async () => {
    const plain = tempDir();
    await writeDeltaTable(plain, people([1]));
    await writeDeltaTable(plain, people([2]));
    const table = await DeltaTable.open(plain);
    const err = await rejectionOf(table.tableChanges({ startVersion: 0 }).toArrow());
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect((err as UnsupportedFeatureError).feature).toBe('changeDataFeed');
    expect(err.message).toContain('version 0');
  });
});
