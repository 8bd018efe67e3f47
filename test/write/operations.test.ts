/**
 * Write operations: overwrite, replaceWhere, dynamic partition overwrite, write modes,
 * appendOnly, CHECK constraints and invariants, txn idempotency, commitInfo, restore,
 * file rolling, streaming and empty input, writer-feature gating, property validation and
 * protocol selection (incl. column mapping).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import {
  ConstraintViolationError,
  DeltaTable,
  InvalidArgumentError,
  LocalStore,
  UnsupportedFeatureError,
  VersionNotFoundError,
  WriteNotAllowedError,
  sequentialIds,
  writeDeltaTable,
  type StructType,
} from '@delta-serverless/core';
import { ENGINE_INFO } from '@delta-serverless/core/internal';
import { openParquetFile } from '../../packages/core/src/parquet/reader.js';
import {
  actionsOf,
  batch,
  build,
  commitFile,
  commitInfo,
  commitVersions,
  dataFiles,
  expectError,
  readRows,
  readSorted,
  statsOf,
  tempDirs,
  validate,
  type AddAction,
  type RemoveAction,
} from './helpers.js';

const newDir = tempDirs('ops');

/** Rows (id long, part string, v int). */
function rows(ids: number[], parts: string[], vs?: number[]): arrow.RecordBatch {
  return batch({ id: build.long(ids.map(BigInt)), part: build.string(parts), v: build.int(vs ?? ids) });
}

/** A table partitioned by `part` with a=1,2 b=3 c=4 (version 0). */
async function partitionedTable(): Promise<{ dir: string; table: DeltaTable }> {
  const dir = newDir();
  await writeDeltaTable(dir, rows([1, 2, 3, 4], ['a', 'a', 'b', 'c']), { partitionBy: ['part'] });
  return { dir, table: await DeltaTable.open(dir) };
}

const ids = async (dir: string, version?: number) =>
  (await readSorted(dir, 'id', version === undefined ? {} : { version })).map((r) => r.id);

describe('overwrite', () => {
  test('removes every old file (dataChange true) and time travel still reads the old data', async () => {
    const { dir, table } = await partitionedTable();
    const oldAdds = actionsOf<AddAction>(dir, 0, 'add');
    const res = await table.overwrite(rows([10], ['z']));
    expect(res.version).toBe(1);
    expect(res.metrics).toMatchObject({ numFiles: 1, numOutputRows: 1, numRemovedFiles: 3 });
    await validate(dir);
    const removes = actionsOf<RemoveAction>(dir, 1, 'remove');
    expect(removes.map((r) => r.path).sort()).toEqual(oldAdds.map((a) => a.path).sort());
    for (const r of removes) {
      expect(r.dataChange).toBe(true);
      expect(r.deletionTimestamp).toBeGreaterThan(0);
      expect(r.size).toBe(oldAdds.find((a) => a.path === r.path)!.size);
      expect(r.partitionValues).toEqual(oldAdds.find((a) => a.path === r.path)!.partitionValues);
    }
    // Old files stay on disk (until VACUUM).
    expect(dataFiles(dir)).toHaveLength(4);
    expect(await ids(dir)).toEqual([10]);
    expect(await ids(dir, 0)).toEqual([1, 2, 3, 4]);
    const ci = commitInfo(dir, 1);
    expect(ci).toMatchObject({
      operation: 'WRITE',
      operationParameters: { mode: 'Overwrite', partitionBy: '["part"]' },
      isBlindAppend: false,
      readVersion: 0,
    });
    expect(ci.operationMetrics).toMatchObject({ numFiles: '1', numOutputRows: '1', numRemovedFiles: '3' });
  });

  test('replaceWhere on a partition column replaces only the matching partitions', async () => {
    const { dir, table } = await partitionedTable();
    const before = actionsOf<AddAction>(dir, 0, 'add');
    const res = await table.overwrite(rows([20, 21], ['a', 'a']), { replaceWhere: "part = 'a'" });
    expect(res.version).toBe(1);
    await validate(dir);
    const removed = actionsOf<RemoveAction>(dir, 1, 'remove');
    expect(removed.map((r) => r.path)).toEqual(before.filter((a) => a.partitionValues.part === 'a').map((a) => a.path));
    expect(await ids(dir)).toEqual([3, 4, 20, 21]);
    expect(commitInfo(dir, 1).operationParameters).toEqual({
      mode: 'Overwrite',
      partitionBy: '["part"]',
      predicate: '["part = \'a\'"]',
    });
  });

  test('replaceWhere: a row outside the predicate is refused, nothing committed, no files left', async () => {
    const { dir, table } = await partitionedTable();
    const files = dataFiles(dir);
    // The first batch is valid and starts a file; the second one has a 'b' row.
    await expectError(
      () => table.overwrite([rows([20], ['a']), rows([21, 22], ['a', 'b'])], { replaceWhere: "part = 'a'" }),
      WriteNotAllowedError,
      'row 1',
      "part = 'a'",
      'Nothing was committed',
    );
    expect(commitVersions(dir)).toEqual([0]);
    expect(dataFiles(dir)).toEqual(files);
    await validate(dir);
  });

  test('replaceWhere on a data column keeps the rewritten files’ other rows', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, rows([1, 2, 3, 4, 5], ['x', 'x', 'x', 'x', 'x'], [10, 20, 30, 40, 50]));
    await writeDeltaTable(dir, rows([6, 7], ['y', 'y'], [60, 70])); // file whose stats exclude the predicate
    const t = await DeltaTable.open(dir);
    const res = await t.overwrite(rows([100, 101], ['new', 'new'], [25, 35]), { replaceWhere: 'v >= 20 AND v < 40' });
    expect(res.metrics).toMatchObject({ numRewrittenFiles: 1, numRemovedFiles: 1, numOutputRows: 2 });
    // As Spark (a DELETE inside the write): the kept rows are copied, not output.
    expect(commitInfo(dir, 2).operationMetrics).toMatchObject({ numDeletedRows: '2', numCopiedRows: '3' });
    await validate(dir);
    // Rows 2 (20) and 3 (30) are replaced; 1, 4, 5 survive from the rewritten file; 6, 7 untouched.
    expect(await readSorted(dir, 'id')).toEqual([
      { id: 1, part: 'x', v: 10 },
      { id: 4, part: 'x', v: 40 },
      { id: 5, part: 'x', v: 50 },
      { id: 6, part: 'y', v: 60 },
      { id: 7, part: 'y', v: 70 },
      { id: 100, part: 'new', v: 25 },
      { id: 101, part: 'new', v: 35 },
    ]);
    const removed = actionsOf<RemoveAction>(dir, 2, 'remove');
    expect(removed.map((r) => r.path)).toEqual(actionsOf<AddAction>(dir, 0, 'add').map((a) => a.path));
  });

  test('dynamic partition overwrite replaces only the partitions present in the data', async () => {
    const { dir, table } = await partitionedTable();
    const res = await table.overwrite(rows([30, 31], ['b', 'd']), { partitionOverwrite: 'dynamic' });
    expect(res.metrics.numRemovedFiles).toBe(1);
    await validate(dir);
    expect(await readSorted(dir, 'id')).toEqual([
      { id: 1, part: 'a', v: 1 },
      { id: 2, part: 'a', v: 2 },
      { id: 4, part: 'c', v: 4 },
      { id: 30, part: 'b', v: 30 },
      { id: 31, part: 'd', v: 31 },
    ]);
    expect(actionsOf<RemoveAction>(dir, 1, 'remove').map((r) => r.partitionValues)).toEqual([{ part: 'b' }]);
    expect(commitInfo(dir, 1).operationParameters).toMatchObject({
      mode: 'Overwrite',
      partitionOverwriteMode: 'DYNAMIC',
    });
    // Needs mode overwrite and a partitioned table.
    await expectError(
      () => table.append(rows([1], ['a']), { partitionOverwrite: 'dynamic' }),
      InvalidArgumentError,
      "need mode: 'overwrite'",
    );
    const plain = newDir();
    await writeDeltaTable(plain, rows([1], ['a']));
    await expectError(
      () => writeDeltaTable(plain, rows([1], ['a']), { mode: 'overwrite', partitionOverwrite: 'dynamic' }),
      InvalidArgumentError,
      'needs a partitioned table',
    );
    await validate(plain);
  });
});

describe('write modes and table properties', () => {
  test("mode 'error' and 'ignore' on an existing table", async () => {
    const { dir } = await partitionedTable();
    await expectError(
      () => writeDeltaTable(dir, rows([9], ['a']), { mode: 'error' }),
      WriteNotAllowedError,
      'already exists',
      "mode 'error'",
    );
    const ignored = await writeDeltaTable(dir, rows([9], ['a']), { mode: 'ignore' });
    expect(ignored).toMatchObject({ skipped: true, created: false, version: 0 });
    expect(commitVersions(dir)).toEqual([0]);
    expect(dataFiles(dir)).toHaveLength(3);
    await validate(dir);
    // On a new location both create the table.
    const fresh = newDir();
    const created = await writeDeltaTable(fresh, rows([1], ['a']), { mode: 'error' });
    expect(created).toMatchObject({ created: true, version: 0, skipped: false });
    expect(commitInfo(fresh, 0).operationParameters).toMatchObject({ mode: 'ErrorIfExists' });
    await validate(fresh);
  });

  test('an appendOnly table refuses overwrite but allows append', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, rows([1], ['a']), { properties: { 'delta.appendOnly': 'true' } });
    expect(actionsOf(dir, 0, 'protocol')[0]).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const t = await DeltaTable.open(dir);
    await expectError(
      () => t.overwrite(rows([2], ['b'])),
      WriteNotAllowedError,
      'append-only',
      'delta.appendOnly=true',
    );
    await expectError(
      () => t.overwrite(rows([2], ['a']), { replaceWhere: "part = 'a'" }),
      WriteNotAllowedError,
      'append-only',
    );
    expect(commitVersions(dir)).toEqual([0]);
    await t.append(rows([2], ['b']));
    await validate(dir);
    expect(await ids(dir)).toEqual([1, 2]);
  });

  test('CHECK constraints reject a violating batch naming the constraint; nothing committed', async () => {
    const dir = newDir();
    const schema: StructType = {
      type: 'struct',
      fields: [
        { name: 'x', type: { type: 'integer' }, nullable: true, metadata: {} },
        { name: 'label', type: { type: 'string' }, nullable: true, metadata: {} },
      ],
    };
    const t = await DeltaTable.create(dir, { schema, properties: { 'delta.constraints.positive': 'x > 0' } });
    expect(actionsOf(dir, 0, 'protocol')[0]).toEqual({ minReaderVersion: 1, minWriterVersion: 3 });
    await t.append(batch({ x: build.int([1, 2]), label: build.string(['a', 'b']) }));
    const files = dataFiles(dir);
    const err = await expectError(
      () =>
        t.append([
          batch({ x: build.int([5]), label: build.string(['ok']) }),
          batch({ x: build.int([3, -1]), label: build.string(['c', 'bad']) }),
        ]),
      ConstraintViolationError,
      'CHECK constraint positive',
      'x > 0',
      '"bad"',
      'nothing was committed',
    );
    expect((err as ConstraintViolationError).constraint).toBe('positive');
    // A null makes the constraint unknown, which also rejects (as Spark does).
    await expectError(
      () => t.append(batch({ x: build.int([null]), label: build.string(['n']) })),
      ConstraintViolationError,
      'positive',
    );
    expect(commitVersions(dir)).toEqual([0, 1]);
    expect(dataFiles(dir)).toEqual(files);
    await validate(dir);
    expect(await readSorted(dir, 'x')).toEqual([
      { x: 1, label: 'a' },
      { x: 2, label: 'b' },
    ]);
  });

  test('column invariants (delta.invariants) are enforced', async () => {
    const dir = newDir();
    const schema: StructType = {
      type: 'struct',
      fields: [
        { name: 'id', type: { type: 'long' }, nullable: true, metadata: {} },
        {
          name: 's',
          type: {
            type: 'struct',
            fields: [
              {
                name: 'n',
                type: { type: 'integer' },
                nullable: true,
                metadata: { 'delta.invariants': JSON.stringify({ expression: { expression: 's.n < 100' } }) },
              },
            ],
          },
          nullable: true,
          metadata: {},
        },
      ],
    };
    const t = await DeltaTable.create(dir, { schema });
    expect(actionsOf(dir, 0, 'protocol')[0]).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const sType = new arrow.Struct([new arrow.Field('n', new arrow.Int32())]);
    await t.append(batch({ id: build.long([1n]), s: build.of(sType, [{ n: 99 }]) }));
    const err = await expectError(
      () => t.append(batch({ id: build.long([2n, 3n]), s: build.of(sType, [{ n: 1 }, { n: 100 }]) })),
      ConstraintViolationError,
      's.n < 100',
    );
    expect((err as ConstraintViolationError).constraint).toBe('invariant on s.n');
    expect(commitVersions(dir)).toEqual([0, 1]);
    await validate(dir);
    expect(await readRows(dir)).toEqual([{ id: 1, s: { n: 99 } }]);
  });
});

describe('idempotency and commitInfo', () => {
  test('txn: the same appId+version is skipped, a higher version commits, txn recorded in the snapshot', async () => {
    const dir = newDir();
    const first = await writeDeltaTable(dir, rows([1], ['a']), { txn: { appId: 'ingest-1', version: 5 } });
    expect(first).toMatchObject({ version: 0, skipped: false, created: true });
    expect(actionsOf(dir, 0, 'txn')[0]).toMatchObject({ appId: 'ingest-1', version: 5 });
    const t = await DeltaTable.open(dir);
    const again = await t.append(rows([1], ['a']), { txn: { appId: 'ingest-1', version: 5 } });
    expect(again).toMatchObject({ skipped: true, version: 0, created: false });
    const lower = await t.append(rows([1], ['a']), { txn: { appId: 'ingest-1', version: 4 } });
    expect(lower.skipped).toBe(true);
    expect(commitVersions(dir)).toEqual([0]);
    expect(dataFiles(dir)).toHaveLength(1);
    const other = await t.append(rows([2], ['b']), { txn: { appId: 'ingest-2', version: 1 } });
    expect(other).toMatchObject({ skipped: false, version: 1 });
    const higher = await t.append(rows([3], ['c']), { txn: { appId: 'ingest-1', version: 6 } });
    expect(higher).toMatchObject({ skipped: false, version: 2 });
    await validate(dir);
    const reopened = await DeltaTable.open(dir);
    expect(reopened.snapshot.txn('ingest-1')).toMatchObject({ appId: 'ingest-1', version: 6 });
    expect(reopened.snapshot.txn('ingest-2')).toMatchObject({ appId: 'ingest-2', version: 1 });
    expect(typeof reopened.snapshot.txn('ingest-1')!.lastUpdated).toBe('number');
    expect(reopened.snapshot.txn('nobody')).toBeUndefined();
    expect(await ids(dir)).toEqual([1, 2, 3]);
  });

  test('commitInfo: operation, parameters, metrics that match the adds, readVersion, engineInfo', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, rows([1, 2, 3], ['a', 'b', 'a']), { partitionBy: ['part'], userMetadata: 'first load' });
    const ci0 = commitInfo(dir, 0);
    const adds0 = actionsOf<AddAction>(dir, 0, 'add');
    expect(ci0).toMatchObject({
      operation: 'WRITE',
      operationParameters: { mode: 'Append', partitionBy: '["part"]' },
      isBlindAppend: true,
      userMetadata: 'first load',
      engineInfo: ENGINE_INFO,
      isolationLevel: 'WriteSerializable',
    });
    expect(ENGINE_INFO).toMatch(/^delta-serverless\/\d+\.\d+\.\d+/);
    expect(ci0.readVersion).toBeUndefined();
    expect(ci0.operationMetrics).toEqual({
      numFiles: '2',
      numOutputRows: '3',
      numOutputBytes: String(adds0.reduce((n, a) => n + a.size, 0)),
    });
    expect(typeof ci0.timestamp).toBe('number');
    expect(ci0.txnId).toMatch(/^[0-9a-f-]{36}$/);
    // commitInfo comes first in the file.
    expect(Object.keys(JSON.parse(fs.readFileSync(commitFile(dir, 0), 'utf8').split('\n')[0]!) as object)).toEqual([
      'commitInfo',
    ]);

    const t = await DeltaTable.open(dir);
    const r = await t.append(rows([4, 5, 6, 7], ['c', 'c', 'c', 'd']));
    const adds1 = actionsOf<AddAction>(dir, 1, 'add');
    const ci1 = commitInfo(dir, 1);
    expect(ci1).toMatchObject({
      readVersion: 0,
      isBlindAppend: true,
      operationParameters: { mode: 'Append', partitionBy: '["part"]' },
    });
    expect(ci1.operationMetrics).toEqual({
      numFiles: '2',
      numOutputRows: '4',
      numOutputBytes: String(adds1.reduce((n, a) => n + a.size, 0)),
    });
    expect(r.metrics).toMatchObject({
      numFiles: 2,
      numOutputRows: 4,
      numOutputBytes: adds1.reduce((n, a) => n + a.size, 0),
    });
    // Per-file numRecords add up.
    expect(adds1.reduce((n, a) => n + statsOf(a).numRecords, 0)).toBe(4);
    // Sizes in the log are the real file sizes.
    for (const a of [...adds0, ...adds1])
      expect(fs.statSync(path.join(dir, decodeURIComponent(a.path))).size).toBe(a.size);
    const history = await t.history();
    expect(history.map((h) => [h.version, h.operation])).toEqual([
      [1, 'WRITE'],
      [0, 'WRITE'],
    ]);
    await validate(dir);
  });
});

describe('restore', () => {
  test('to a version and to a timestamp; RESTORE commitInfo with metrics', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, rows([1, 2], ['a', 'a'])); // v0
    await writeDeltaTable(dir, rows([3], ['b'])); // v1
    await writeDeltaTable(dir, rows([9], ['z']), { mode: 'overwrite' }); // v2
    // Distinct commit times (file mtimes) for timestamp travel.
    const day = (d: number) => new Date(Date.UTC(2024, 0, d));
    [1, 2, 3].forEach((d, v) => fs.utimesSync(commitFile(dir, v), day(d), day(d)));
    const v0Adds = actionsOf<AddAction>(dir, 0, 'add');
    const v1Adds = actionsOf<AddAction>(dir, 1, 'add');
    const v2Adds = actionsOf<AddAction>(dir, 2, 'add');

    const t = await DeltaTable.open(dir);
    const res = await t.restore({ version: 1 });
    expect(res).toMatchObject({ version: 3, restoredVersion: 1 });
    expect(res.metrics).toEqual({
      numRestoredFiles: 2,
      numRemovedFiles: 1,
      restoredFilesSize: v0Adds[0]!.size + v1Adds[0]!.size,
      removedFilesSize: v2Adds[0]!.size,
      tableSizeAfterRestore: v0Adds[0]!.size + v1Adds[0]!.size,
      numOfFilesAfterRestore: 2,
    });
    await validate(dir);
    expect(await ids(dir)).toEqual(await ids(dir, 1));
    expect(await ids(dir)).toEqual([1, 2, 3]);
    const ci = commitInfo(dir, 3);
    expect(ci).toMatchObject({
      operation: 'RESTORE',
      operationParameters: { version: '1' },
      readVersion: 2,
      isBlindAppend: false,
    });
    expect(ci.operationMetrics).toEqual(
      Object.fromEntries(Object.entries(res.metrics).map(([k, v]) => [k, String(v)])),
    );
    // Restored adds are dataChange and carry their stats.
    for (const a of actionsOf<AddAction>(dir, 3, 'add')) {
      expect(a.dataChange).toBe(true);
      expect(statsOf(a).numRecords).toBeGreaterThan(0);
    }
    expect(actionsOf<RemoveAction>(dir, 3, 'remove').map((r) => r.path)).toEqual([v2Adds[0]!.path]);

    // Timestamp: noon on Jan 1 is version 0.
    fs.utimesSync(commitFile(dir, 3), day(4), day(4));
    const t2 = await DeltaTable.open(dir);
    const byTime = await t2.restore({ timestamp: '2024-01-01T12:00:00Z' });
    expect(byTime.restoredVersion).toBe(0);
    expect(commitInfo(dir, 4)).toMatchObject({
      operation: 'RESTORE',
      operationParameters: { version: '0', timestamp: '2024-01-01T12:00:00.000Z' },
    });
    await validate(dir);
    expect(await ids(dir)).toEqual([1, 2]);
    await expectError(
      () => t2.restore({ timestamp: '2023-12-31T00:00:00Z' }),
      VersionNotFoundError,
      'before the earliest available commit',
    );
  });

  test('refuses clearly when a file it needs was deleted', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, rows([1], ['a']));
    await writeDeltaTable(dir, rows([2], ['b']), { mode: 'overwrite' });
    const gone = actionsOf<AddAction>(dir, 0, 'add')[0]!.path;
    fs.rmSync(path.join(dir, decodeURIComponent(gone))); // as VACUUM would
    const t = await DeltaTable.open(dir);
    await expectError(
      () => t.restore({ version: 0 }),
      VersionNotFoundError,
      'cannot restore',
      'version 0',
      'no longer exist',
      gone,
    );
    expect(commitVersions(dir)).toEqual([0, 1]);
    await validate(dir);
  });
});

describe('input shapes and file sizing', () => {
  test('a tiny targetFileSize rolls a new file after every batch', async () => {
    const dir = newDir();
    const batches = Array.from({ length: 12 }, (_, k) => rows([k * 2, k * 2 + 1], ['p', 'p']));
    const res = await writeDeltaTable(dir, batches, { targetFileSize: 1 });
    expect(res.metrics.numFiles).toBe(12);
    const adds = actionsOf<AddAction>(dir, 0, 'add');
    expect(adds).toHaveLength(12);
    expect(adds.map((a) => statsOf(a).numRecords)).toEqual(Array(12).fill(2));
    expect(dataFiles(dir)).toHaveLength(12);
    await validate(dir);
    expect(await ids(dir)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  test('targetFileSize bounds files by size over row groups', async () => {
    const dir = newDir();
    const n = 4000;
    const batches = Array.from({ length: 20 }, (_, k) =>
      batch({
        id: build.long(Array.from({ length: n }, (_, i) => BigInt(k * n + i))),
        r: build.double(Array.from({ length: n }, (_, i) => Math.sin(k * n + i))),
      }),
    );
    const res = await writeDeltaTable(dir, batches, { targetFileSize: 200_000, rowGroupSize: 8000 });
    const adds = actionsOf<AddAction>(dir, 0, 'add');
    expect(res.metrics.numOutputRows).toBe(20 * n);
    // ~15 bytes a row that do not compress: a file closes after the batch that takes it past
    // 200 kB, i.e. every 16,000 rows (4 batches), overshooting by less than one batch.
    expect(adds.map((a) => statsOf(a).numRecords)).toEqual([16000, 16000, 16000, 16000, 16000]);
    for (const a of adds) {
      expect(a.size).toBeGreaterThanOrEqual(200_000);
      expect(a.size).toBeLessThan(200_000 + 4000 * 16);
    }
    await validate(dir);
    const t = await DeltaTable.open(dir);
    expect((await t.toArrow()).numRows).toBe(20 * n);
  });

  test('streaming input: an async generator of 50 batches', async () => {
    const dir = newDir();
    let produced = 0;
    async function* source(): AsyncGenerator<arrow.RecordBatch> {
      for (let k = 0; k < 50; k++) {
        produced++;
        await new Promise((r) => setImmediate(r));
        yield batch({
          id: build.long(Array.from({ length: 200 }, (_, i) => BigInt(k * 200 + i))),
          k: build.int(Array(200).fill(k)),
        });
      }
    }
    const res = await writeDeltaTable(dir, source());
    expect(produced).toBe(50);
    expect(res.metrics).toMatchObject({ numFiles: 1, numOutputRows: 10_000 });
    await validate(dir);
    const table = await DeltaTable.open(dir);
    const out = await table.toArrow();
    expect(out.numRows).toBe(10_000);
    const idCol = out.getChild('id')!;
    let sum = 0n;
    for (let i = 0; i < out.numRows; i++) sum += idCol.get(i) as bigint;
    expect(sum).toBe(BigInt((9999 * 10000) / 2));
    const st = statsOf(actionsOf<AddAction>(dir, 0, 'add')[0]!);
    expect(st).toMatchObject({ numRecords: 10_000, minValues: { id: 0, k: 0 }, maxValues: { id: 9999, k: 49 } });
    // A sync iterable works too.
    const dir2 = newDir();
    await writeDeltaTable(dir2, new Set([rows([1], ['a']), rows([2], ['b'])]));
    await validate(dir2);
    expect(await ids(dir2)).toEqual([1, 2]);
  });

  test('empty input: a zero-row Table creates the table / commits an empty write; empty arrays and streams are refused', async () => {
    const dir = newDir();
    const schema = new arrow.Schema([new arrow.Field('a', new arrow.Int32()), new arrow.Field('s', new arrow.Utf8())]);
    const created = await writeDeltaTable(dir, new arrow.Table(schema));
    expect(created).toMatchObject({ version: 0, created: true, metrics: { numFiles: 0, numOutputRows: 0 } });
    expect(actionsOf(dir, 0, 'add')).toHaveLength(0);
    const t = await DeltaTable.open(dir);
    expect(t.snapshot.schema.fields.map((f) => [f.name, f.type.type])).toEqual([
      ['a', 'integer'],
      ['s', 'string'],
    ]);
    const again = await t.append(new arrow.Table(schema));
    expect(again.metrics.numFiles).toBe(0);
    expect(actionsOf(dir, again.version, 'add')).toHaveLength(0);
    await expectError(() => t.append([]), InvalidArgumentError, 'nothing to write');
    await expectError(() => t.append((async function* () {})()), InvalidArgumentError, 'nothing to write');
    expect(dataFiles(dir)).toEqual([]);
    await validate(dir);
    expect((await t.toArrow()).numRows).toBe(0);
    // A batch with zero rows writes no file either.
    await t.append(batch({ a: build.int([]), s: build.string([]) }));
    expect(dataFiles(dir)).toEqual([]);
    await validate(dir);
  });
});

describe('protocol', () => {
  function setProtocol(dir: string, version: number, protocol: object): void {
    fs.writeFileSync(
      commitFile(dir, version),
      `${JSON.stringify({ commitInfo: { timestamp: Date.now(), operation: 'UPGRADE PROTOCOL', operationParameters: {} } })}\n${JSON.stringify({ protocol })}\n`,
    );
  }

  test('a writer feature we do not implement is refused naming it, before anything is written', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, rows([1], ['a']));
    setProtocol(dir, 1, {
      minReaderVersion: 1,
      minWriterVersion: 7,
      writerFeatures: ['appendOnly', 'domainMetadata', 'rowTracking', 'invariants'],
    });
    await validate(dir);
    const t = await DeltaTable.open(dir);
    const err = await expectError(() => t.append(rows([2], ['a'])), UnsupportedFeatureError, 'rowTracking', 'row IDs');
    expect((err as UnsupportedFeatureError).feature).toBe('rowTracking');
    expect(commitVersions(dir)).toEqual([0, 1]);
    expect(dataFiles(dir)).toHaveLength(1);
    await validate(dir);

    // An unknown feature (the validator only warns about it, so check the table before the edit too).
    const dir2 = newDir();
    await writeDeltaTable(dir2, rows([1], ['a']));
    await validate(dir2);
    setProtocol(dir2, 1, {
      minReaderVersion: 1,
      minWriterVersion: 7,
      writerFeatures: ['appendOnly', 'invariants', 'quantumEntanglement'],
    });
    const before = dataFiles(dir2);
    const t2 = await DeltaTable.open(dir2);
    const e2 = await expectError(
      () => t2.overwrite(rows([2], ['a'])),
      UnsupportedFeatureError,
      '"quantumEntanglement"',
      'unknown to delta-serverless',
    );
    expect((e2 as UnsupportedFeatureError).feature).toBe('quantumEntanglement');
    await expectError(() => t2.restore({ version: 0 }), UnsupportedFeatureError, 'quantumEntanglement');
    expect(commitVersions(dir2)).toEqual([0, 1]);
    expect(dataFiles(dir2)).toEqual(before);
    // A writer version above 7 too.
    setProtocol(dir2, 2, { minReaderVersion: 1, minWriterVersion: 8 });
    await expectError(
      async () => (await DeltaTable.open(dir2)).append(rows([2], ['a'])),
      UnsupportedFeatureError,
      'minWriterVersion=8',
    );
  });

  test('property validation at create', async () => {
    const schema = new arrow.Schema([new arrow.Field('x', new arrow.Int32())]);
    const cases: [Record<string, string>, string[]][] = [
      [{ 'delta.checkpointInterval': '0' }, ['delta.checkpointInterval="0"', 'must be an integer >= 1']],
      [{ 'delta.checkpointInterval': 'ten' }, ['delta.checkpointInterval', 'integer']],
      [{ 'delta.logRetentionDuration': 'forever' }, ['delta.logRetentionDuration']],
      [{ 'delta.checkpointIntervall': '5' }, ['unknown table property delta.checkpointIntervall']],
      [{ 'delta.enableChangeDataFeed': 'maybe' }, ['delta.enableChangeDataFeed', 'true or false']],
      [{ 'delta.appendOnly': 'yes' }, ['delta.appendOnly', 'true or false']],
      [{ 'delta.constraints.bad': 'nope > 0' }, ['CHECK constraint bad', 'nope']],
    ];
    for (const [properties, fragments] of cases) {
      const dir = newDir();
      await expectError(() => DeltaTable.create(dir, { schema, properties }), InvalidArgumentError, ...fragments);
      await expectError(
        () => writeDeltaTable(dir, batch({ x: build.int([1]) }), { properties }),
        InvalidArgumentError,
        ...fragments,
      );
      expect(fs.existsSync(path.join(dir, '_delta_log')), JSON.stringify(properties)).toBe(false);
      expect(dataFiles(dir)).toEqual([]);
    }
    // Free-form and valid properties are kept.
    const ok = newDir();
    await DeltaTable.create(ok, {
      schema,
      properties: { 'delta.checkpointInterval': '5', 'delta.enableChangeDataFeed': 'false', 'owner.team': 'data' },
    });
    await validate(ok);
    expect(actionsOf<{ configuration: Record<string, string> }>(ok, 0, 'metaData')[0]!.configuration).toEqual({
      'delta.checkpointInterval': '5',
      'delta.enableChangeDataFeed': 'false',
      'owner.team': 'data',
    });
    // properties on an existing table are refused.
    await expectError(
      () => writeDeltaTable(ok, batch({ x: build.int([1]) }), { properties: { 'owner.team': 'x' } }),
      InvalidArgumentError,
      'properties can only be given when the write creates the table',
    );
  });

  test('protocol selection: plain, timestamp_ntz, CHECK constraint', async () => {
    const plain = newDir();
    await writeDeltaTable(plain, rows([1], ['a']));
    expect(actionsOf(plain, 0, 'protocol')).toEqual([{ minReaderVersion: 1, minWriterVersion: 2 }]);
    await validate(plain);

    const ntz = newDir();
    await writeDeltaTable(ntz, batch({ t: build.timestampNtz([1n]) }));
    expect(actionsOf(ntz, 0, 'protocol')).toEqual([
      { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] },
    ]);
    await validate(ntz);
    expect(await readRows(ntz)).toEqual([{ t: '1970-01-01T00:00:00.000001' }]);

    // Adding a timestamp_ntz column to a legacy table upgrades the protocol in the same commit.
    await writeDeltaTable(plain, batch({ id: build.long([2n]), ts: build.timestampNtz([0n]) }), {
      schemaMode: 'merge',
    });
    const upgraded = actionsOf<{
      minReaderVersion: number;
      minWriterVersion: number;
      readerFeatures?: string[];
      writerFeatures?: string[];
    }>(plain, 1, 'protocol')[0]!;
    expect(upgraded).toMatchObject({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'] });
    expect(upgraded.writerFeatures).toEqual(expect.arrayContaining(['timestampNtz', 'appendOnly', 'invariants']));
    await validate(plain);

    const check = newDir();
    await DeltaTable.create(check, {
      schema: new arrow.Schema([new arrow.Field('x', new arrow.Int32())]),
      properties: { 'delta.constraints.c': 'x > 0' },
    });
    expect(actionsOf(check, 0, 'protocol')).toEqual([{ minReaderVersion: 1, minWriterVersion: 3 }]);
    await validate(check);
  });

  test("column mapping mode 'name': reader 2 / writer 5, physical names in files, stats and partition values", async () => {
    const dir = newDir();
    const inner = new arrow.Struct([new arrow.Field('leaf', new arrow.Int32())]);
    await writeDeltaTable(
      dir,
      batch({
        id: build.long([1n, 2n]),
        'my part': build.string(['p1', 'p2']),
        nested: build.of(inner, [{ leaf: 10 }, { leaf: 20 }]),
      }),
      {
        partitionBy: ['my part'],
        properties: { 'delta.columnMapping.mode': 'name' },
        engine: { ids: sequentialIds() }, // pins physical names and file names
      },
    );
    expect(actionsOf(dir, 0, 'protocol')).toEqual([{ minReaderVersion: 2, minWriterVersion: 5 }]);
    await validate(dir);

    const t = await DeltaTable.open(dir);
    const phys = (name: string) =>
      t.snapshot.schema.fields.find((f) => f.name === name)!.metadata['delta.columnMapping.physicalName'] as string;
    const [idP, partP, nestedP] = [phys('id'), phys('my part'), phys('nested')];
    const nestedField = t.snapshot.schema.fields.find((f) => f.name === 'nested')!;
    const leafP = (nestedField.type as StructType).fields[0]!.metadata['delta.columnMapping.physicalName'] as string;
    const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    expect([idP, partP, nestedP, leafP]).toEqual([1, 2, 3, 4].map((n) => `col-${uuid(n)}`));
    // Partitioned files go in random two-character directories (from the id source), not Hive
    // directories of logical names. Ids 5 (table id), 6 and 8 (directories), 7 and 9 (files).
    expect(dataFiles(dir).sort()).toEqual([
      `AQ/part-00000-${uuid(7)}-c000.snappy.parquet`,
      `AQ/part-00001-${uuid(9)}-c000.snappy.parquet`,
    ]);
    expect(t.snapshot.metadata.id).toBe(uuid(5));
    expect(t.snapshot.properties['delta.columnMapping.maxColumnId']).toBe('4');
    const adds = actionsOf<AddAction>(dir, 0, 'add');
    expect(adds.map((a) => a.partitionValues).sort((a, b) => String(a[partP]).localeCompare(String(b[partP])))).toEqual(
      [{ [partP]: 'p1' }, { [partP]: 'p2' }],
    );
    expect(statsOf(adds[0]!).nullCount).toEqual({ [idP]: 0, [nestedP]: { [leafP]: 0 } });

    const store = new LocalStore(dir);
    const file = await openParquetFile(store, decodeURIComponent(adds[0]!.path));
    const s = file.arrowSchema();
    file.close();
    expect(s.fields.map((f) => f.name)).toEqual([idP, nestedP]);
    expect((s.fields[1]!.type as arrow.Struct).children.map((c) => c.name)).toEqual([leafP]);

    // Reads use logical names; appends keep working.
    await t.append(
      batch({ id: build.long([3n]), 'my part': build.string(['p1']), nested: build.of(inner, [{ leaf: 30 }]) }),
    );
    await validate(dir);
    expect(await readSorted(dir, 'id')).toEqual([
      { id: 1, 'my part': 'p1', nested: { leaf: 10 } },
      { id: 2, 'my part': 'p2', nested: { leaf: 20 } },
      { id: 3, 'my part': 'p1', nested: { leaf: 30 } },
    ]);
    const filtered = await t.toArrow({ filter: "`my part` = 'p1' AND nested.leaf > 15" });
    expect(filtered.numRows).toBe(1);
  });
});
