/**
 * DELETE and UPDATE behaviour as Delta Spark's: which files are read (partition-only predicates
 * read none, stats prune the rest), deletion vectors merged with existing ones, files left
 * with no row removed outright, no commit when nothing matches, commitInfo as Spark writes it,
 * the table rules an UPDATE must obey (append-only, CHECK, NOT NULL, column types), enabling
 * deletion vectors on an existing table, and deletes on copies of Spark-written DV tables.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  ConstraintViolationError,
  DeltaTable,
  ExpressionError,
  LocalStore,
  SchemaMismatchError,
  WriteNotAllowedError,
  writeDeltaTable,
} from '@delta-serverless/core';
import { CountingStore } from '../support/counting-store.js';
import { corpusPath } from '../support/corpus.js';
import { readDvOracle } from '../support/dv-oracle.js';
import { commitInfoOf, rawCommits, rows, tempDir } from '../support/txn-harness.js';
import { assertValidTable } from '../support/validate-table.js';

/** ids 0..39 in four files of ten rows: partitions A (0..19) and B (20..39), two appends each. */
async function fourFiles(props: Record<string, string> = {}): Promise<string> {
  const dir = path.join(tempDir('dml'), 't');
  const part = (id: number) => (id < 20 ? 'A' : 'B');
  await writeDeltaTable(dir, rows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29], part), {
    partitionBy: ['p'],
    properties: props,
  });
  await writeDeltaTable(
    dir,
    rows([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39], part),
  );
  return dir;
}

async function ids(table: DeltaTable): Promise<number[]> {
  const t = await table.toArrow({ columns: ['id'] });
  return t.batches.flatMap((b) => [...b.getChild('id')!].map(Number)).sort((a, b) => a - b);
}

const dataGets = (store: CountingStore) =>
  store.requests.filter((r) => r.kind === 'get' && r.path.endsWith('.parquet')).map((r) => r.path.split('/')[0]);

describe('which files DELETE reads', () => {
  test('a partition-only predicate removes whole files without reading them', async () => {
    const dir = await fourFiles();
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    store.reset();
    const r = await table.delete("p = 'A'");
    expect(dataGets(store)).toEqual([]);
    expect(r.metrics).toMatchObject({ numDeletedRows: 20, numRemovedFiles: 2, numAddedFiles: 0, numScannedFiles: 0 });
    expect(await ids(table)).toEqual([...Array(20).keys()].map((i) => i + 20));
    const info = commitInfoOf(rawCommits(dir).at(-1)!);
    expect(info).toMatchObject({ operation: 'DELETE', operationParameters: { predicate: '["p = \'A\'"]' } });
    await assertValidTable(dir);
  });

  test('files whose statistics rule the predicate out are not read', async () => {
    const dir = await fourFiles();
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    store.reset();
    const r = await table.delete('id = 33');
    expect(new Set(dataGets(store))).toEqual(new Set(['p=B']));
    expect(store.requests.filter((q) => q.kind === 'get' && q.path.endsWith('.parquet')).length).toBeGreaterThan(0);
    expect(r.metrics).toMatchObject({
      numDeletedRows: 1,
      numCopiedRows: 9,
      numFilesAfterSkipping: 1,
      numFilesBeforeSkipping: 4,
    });
    expect(await ids(table)).not.toContain(33);
    expect(await ids(table)).toHaveLength(39);
  });

  test('nothing matches: no commit and no file written', async () => {
    const dir = await fourFiles({ 'delta.enableDeletionVectors': 'true' });
    const before = fs.readdirSync(dir, { recursive: true }).length;
    const table = await DeltaTable.open(dir);
    const r = await table.delete('id = 5 AND v > 100');
    const u = await table.update({ where: 'id > 1000', set: { v: 0 } });
    expect([r.noop, u.noop, r.version, u.version]).toEqual([true, true, 1, 1]);
    expect(fs.readdirSync(dir, { recursive: true }).length).toBe(before);
  });
});

describe('deletion vectors', () => {
  test('a second DELETE on a file merges its vector; the rows decode independently', async () => {
    const dir = await fourFiles({ 'delta.enableDeletionVectors': 'true' });
    const table = await DeltaTable.open(dir);
    const first = await table.delete('id IN (1, 3)');
    const second = await table.delete('id = 5 OR id = 25');
    expect(first.metrics).toMatchObject({
      numDeletionVectorsAdded: 1,
      numDeletionVectorsUpdated: 0,
      numRemovedFiles: 0,
    });
    expect(second.metrics).toMatchObject({
      numDeletionVectorsAdded: 1,
      numDeletionVectorsUpdated: 1,
      numDeletedRows: 2,
    });
    expect(second.metrics.numDeletionVectorFiles).toBe(1); // both vectors of the commit share one file
    const info = commitInfoOf(rawCommits(dir).at(-1)!);
    expect(info.operationMetrics).toMatchObject({ numDeletionVectorsAdded: '2', numDeletionVectorsRemoved: '1' });
    const adds = rawCommits(dir)
      .at(-1)!
      .actions.filter((a) => a.add)
      .map((a) => a.add!);
    const byPath = new Map(adds.map((a) => [String(a.path), readDvOracle(dir, a.deletionVector as never)]));
    expect([...byPath.values()].map((r) => r.length).sort()).toEqual([1, 3]);
    expect(await ids(table)).toEqual([...Array(40).keys()].filter((i) => ![1, 3, 5, 25].includes(i)));
    expect(adds.every((a) => JSON.parse(String(a.stats)).tightBounds === false)).toBe(true);
    await assertValidTable(dir);
  });

  test('deleting every live row of a file removes it without a vector', async () => {
    const dir = await fourFiles({ 'delta.enableDeletionVectors': 'true' });
    const table = await DeltaTable.open(dir);
    await table.delete('id < 5');
    const r = await table.delete('id >= 5 AND id < 10');
    expect(r.metrics).toMatchObject({ numRemovedFiles: 1, numDeletionVectorsAdded: 0, numDeletionVectorsRemoved: 1 });
    const last = rawCommits(dir).at(-1)!.actions;
    expect(last.filter((a) => a.add)).toEqual([]);
    expect(await ids(table)).toEqual([...Array(30).keys()].map((i) => i + 10));
  });

  test('tables that keep symlink manifests are changed copy-on-write, never with vectors', async () => {
    const dir = await fourFiles();
    const table = await DeltaTable.open(dir);
    await table.setProperties({ 'delta.compatibility.symlinkFormatManifest.enabled': 'true' });
    const r = await table.delete('id = 7');
    expect(r.metrics).toMatchObject({ numDeletionVectorsAdded: 0, numAddedFiles: 1, numRemovedFiles: 1 });
    await expect(table.delete('id = 8', { deletionVectors: true })).rejects.toThrow(/manifest/);
    const manifests = fs.readdirSync(path.join(dir, '_symlink_format_manifest'), { recursive: true });
    expect(manifests.length).toBeGreaterThan(0);
    await expect(table.setProperties({ 'delta.enableDeletionVectors': 'true' })).rejects.toThrow(
      /cannot be set together/,
    );
  });

  test('setProperties enables deletion vectors on an existing table (protocol 3/7)', async () => {
    const dir = await fourFiles();
    const table = await DeltaTable.open(dir);
    const snap = await table.setProperties({ 'delta.enableDeletionVectors': 'true' });
    // Feature lists are sets (the implied legacy features come first, then the added one).
    expect({ ...snap.protocol, writerFeatures: [...(snap.protocol.writerFeatures ?? [])].sort() }).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors'],
      writerFeatures: ['appendOnly', 'deletionVectors', 'invariants'],
    });
    const r = await table.delete('id = 7');
    expect(r.metrics).toMatchObject({ numDeletionVectorsAdded: 1, numAddedFiles: 0 });
    const forced = await table.delete('id = 8', { deletionVectors: false });
    expect(forced.metrics).toMatchObject({
      numDeletionVectorsAdded: 0,
      numAddedFiles: 1,
      numDeletionVectorsRemoved: 1,
    });
    await assertValidTable(dir);
  });
});

describe('UPDATE obeys the table rules', () => {
  test('append-only tables refuse DELETE and UPDATE', async () => {
    const dir = await fourFiles({ 'delta.appendOnly': 'true' });
    const table = await DeltaTable.open(dir);
    await expect(table.delete('id = 1')).rejects.toThrow(WriteNotAllowedError);
    await expect(table.update({ set: { v: 1 } })).rejects.toThrow(WriteNotAllowedError);
    expect(table.version).toBe(1);
  });

  test('CHECK constraints, NOT NULL and column types: nothing is committed, nothing is left behind', async () => {
    const dir = await fourFiles({ 'delta.constraints.vpos': 'v >= 0' });
    const table = await DeltaTable.open(dir);
    const before = fs.readdirSync(dir, { recursive: true }).length;
    await expect(table.update({ where: 'id = 3', set: { v: -1 } })).rejects.toThrow(ConstraintViolationError);
    await expect(table.update({ set: { id: 'NULL' } })).resolves.toBeDefined(); // id is nullable here
    await expect(table.update({ set: { v: "'text'" } })).rejects.toThrow(ExpressionError);
    await expect(table.update({ set: { nope: 1 } })).rejects.toThrow(/no such column/);
    expect(fs.readdirSync(dir, { recursive: true }).length).toBeGreaterThan(before); // the id update committed
    const after = table.version;
    await expect(table.update({ set: { v: 'v * 1e300' } })).resolves.toBeDefined(); // double column: fits
    expect(table.version).toBe(after + 1);
  });

  test('a NULL into a NOT NULL column and an overflowing value fail the statement', async () => {
    const dir = path.join(tempDir('dml-nn'), 't');
    await DeltaTable.create(dir, {
      schema: {
        type: 'struct',
        fields: [
          { name: 'id', type: { type: 'long' }, nullable: false, metadata: {} },
          { name: 'n', type: { type: 'integer' }, nullable: true, metadata: {} },
        ],
      },
    });
    const table = await DeltaTable.open(dir);
    await table.append(
      (await import('apache-arrow')).tableFromArrays({
        id: BigInt64Array.from([1n, 2n]),
        n: Int32Array.from([1, 2000000000]),
      }),
    );
    const files = () => fs.readdirSync(dir).filter((f) => f.endsWith('.parquet')).length;
    const n = files();
    await expect(table.update({ where: 'id = 1', set: { id: 'NULL' } })).rejects.toThrow(ConstraintViolationError);
    await expect(table.update({ set: { n: 'n * 2' } })).rejects.toThrow(SchemaMismatchError);
    expect(files()).toBe(n);
    expect(table.version).toBe(1);
    const ok = await table.update({ where: 'id = 2', set: { n: 'n / 4' } });
    expect(ok.metrics.numUpdatedRows).toBe(1);
    const t = await table.toArrow();
    expect([...t.getChild('n')!].sort()).toEqual([1, 500000000]);
  });
});

describe('Spark-written deletion-vector tables', () => {
  const cases = [
    {
      name: 'delta-spark/table-with-dv-large',
      pred: 'value BETWEEN 1100 AND 1250',
      keep: (r: number[]) => !(r[0]! >= 1100 && r[0]! <= 1250),
    },
    { name: 'delta-golden/dv-partitioned-with-checkpoint', pred: 'col1 > 20', keep: (r: number[]) => !(r[1]! > 20) },
    {
      name: 'delta-kernel-rs/table-with-dv-small',
      pred: 'value IN (2, 5, 7)',
      keep: (r: number[]) => ![2, 5, 7].includes(r[0]!),
    },
  ];
  test.each(cases)('DELETE on a copy of $name reads back right', async ({ name, pred, keep }) => {
    const dir = path.join(tempDir('dml-corpus'), 't');
    fs.cpSync(corpusPath(name), dir, { recursive: true });
    const expected = JSON.parse(fs.readFileSync(`${corpusPath(name)}.expected.json`, 'utf8')) as {
      columns: { name: string }[];
      rows: number[][];
    };
    const table = await DeltaTable.open(dir);
    const before = await table.toArrow();
    expect(before.numRows).toBe(expected.rows.length);
    const r = await table.delete(pred);
    const want = expected.rows.filter(keep);
    expect(r.metrics.numDeletedRows).toBe(expected.rows.length - want.length);
    const after = await (await DeltaTable.open(dir)).toArrow();
    const key = (row: unknown[]) => JSON.stringify(row);
    const got = after.batches.flatMap((b) =>
      [...Array(b.numRows).keys()].map((i) => expected.columns.map((c) => b.getChild(c.name)!.get(i) as unknown)),
    );
    expect(got.map(key).sort()).toEqual(want.map(key).sort());
    for (const a of rawCommits(dir)
      .at(-1)!
      .actions.filter((x) => x.add?.deletionVector))
      expect(readDvOracle(dir, a.add!.deletionVector as never).length).toBe(
        Number((a.add!.deletionVector as { cardinality: number }).cardinality),
      );
  });
});
