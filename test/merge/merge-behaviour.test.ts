/**
 * MERGE's behaviour beyond the row oracle: which target files it reads and rewrites
 * (key-range / key-set pruning, insert-only merges touch no file, notMatchedBySource reads
 * all), its commitInfo as Spark's, constraints, the source bound, a streamed source,
 * schema evolution (with column mapping), and conflicts as DELETE/UPDATE's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import {
  ConcurrentAppendError,
  ConcurrentDeleteReadError,
  ConstraintViolationError,
  DeltaTable,
  InvalidArgumentError,
  LocalStore,
  writeDeltaTable,
} from '@delta-serverless/core';
import { InterleavingStore, orphanDataFiles, rawCommits, readIds, rows, tempDir } from '../support/txn-harness.js';
import { assertValidTable } from '../support/validate-table.js';

/** Change data files no commit names, and deletion-vector files beyond those the log names. */
function strayFiles(dir: string): string[] {
  const cdc = new Set<string>();
  const vectors = new Set<string>();
  for (const c of rawCommits(dir))
    for (const a of c.actions) {
      if (a.cdc) cdc.add(decodeURIComponent(String(a.cdc.path)));
      const dv = (a.add ?? a.remove)?.deletionVector as { storageType?: string; pathOrInlineDv?: string } | undefined;
      if (dv?.storageType === 'u') vectors.add(dv.pathOrInlineDv!);
    }
  const onDisk = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' });
  const stray = onDisk.filter((f) => f.startsWith('_change_data/') && f.endsWith('.parquet') && !cdc.has(f));
  const vectorFiles = onDisk.filter((f) => /deletion_vector_.*\.bin$/.test(f));
  return vectorFiles.length > vectors.size ? [...stray, ...vectorFiles] : stray;
}

const range = (from: number, n: number, step = 1) => Array.from({ length: n }, (_, i) => from + i * step);

/** Even ids 0..398 in 4 appends of 50 rows each (files of ids 0-98, 100-198, ...). */
async function clustered(name: string, props: Record<string, string> = {}): Promise<string> {
  const dir = path.join(tempDir(name), 't');
  await writeDeltaTable(dir, rows(range(0, 50, 2)), { properties: props });
  const table = await DeltaTable.open(dir);
  for (let f = 1; f < 4; f++) await table.append(rows(range(f * 100, 50, 2)));
  return dir;
}

describe('MERGE reads and rewrites only the files it must', () => {
  test('an upsert into one key range rewrites one file; new keys inside the range are inserted', async () => {
    const dir = await clustered('merge-prune');
    const table = await DeltaTable.open(dir);
    const r = await table
      .merge(rows([150, 152, 151]), { on: 't.id = s.id' })
      .whenMatchedUpdate('all')
      .whenNotMatchedInsert('all')
      .execute();
    expect(r.metrics).toMatchObject({
      numSourceRows: 3,
      numTargetRowsUpdated: 2,
      numTargetRowsInserted: 1,
      numTargetRowsCopied: 48,
      numTargetFilesRemoved: 1,
      numOutputRows: 51,
      numTargetFilesBeforeSkipping: 4,
      numTargetFilesAfterSkipping: 1,
    });
    const info = rawCommits(dir)
      .at(-1)!
      .actions.find((a) => a.commitInfo)!.commitInfo as Record<string, unknown>;
    expect(info.operation).toBe('MERGE');
    expect(info.operationParameters).toEqual({
      predicate: '["t.id = s.id"]',
      matchedPredicates: '[{"actionType":"update"}]',
      notMatchedPredicates: '[{"actionType":"insert"}]',
      notMatchedBySourcePredicates: '[]',
    });
    expect((info.operationMetrics as Record<string, string>).numTargetRowsUpdated).toBe('2');
    expect(await readIds(dir)).toEqual([...range(0, 200, 2), 151].sort((a, b) => a - b));
    await assertValidTable(dir);
  });

  test("a matched-only merge skips the files its clauses' target-only conditions rule out (Delta's getTargetOnlyPredicates)", async () => {
    const dir = await clustered('merge-matched-only');
    const src = rows([0, 2, 100, 200, 300, 302]);
    const matchedOnly = (b: ReturnType<DeltaTable['merge']>) =>
      b.whenMatchedUpdate({ set: { v: 's.v + 1000' } }, 't.id >= 300 AND s.v >= 0').whenMatchedDelete('t.id < 100');
    const r = await matchedOnly((await DeltaTable.open(dir)).merge(src, { on: 't.id = s.id' })).execute();
    // (t.id >= 300) OR (t.id < 100): the files of ids 100-198 and 200-298 are not read.
    expect(r.metrics).toMatchObject({
      numTargetFilesBeforeSkipping: 4,
      numTargetFilesAfterSkipping: 2,
      numTargetRowsUpdated: 2,
      numTargetRowsDeleted: 2,
    });
    expect(await readIds(dir)).toEqual(range(4, 198, 2));
    // With an insert clause too, rows in any file may match: no such pruning (the key set still prunes).
    const dir2 = await clustered('merge-matched-and-insert');
    const r2 = await matchedOnly((await DeltaTable.open(dir2)).merge(src, { on: 't.id = s.id' }))
      .whenNotMatchedInsert('all')
      .execute();
    expect(r2.metrics.numTargetFilesAfterSkipping).toBe(4);
    expect(await readIds(dir2)).toEqual(range(4, 198, 2));
  });

  test('a table opened with lazyFiles loads its file list for the merge', async () => {
    const dir = await clustered('merge-lazy');
    const table = await DeltaTable.open(dir, { lazyFiles: true });
    const r = await table
      .merge(rows([10, 11]), { on: 't.id = s.id' })
      .whenMatchedDelete()
      .whenNotMatchedInsert('all')
      .execute();
    expect(r.metrics).toMatchObject({
      numTargetRowsDeleted: 1,
      numTargetRowsInserted: 1,
      numTargetFilesAfterSkipping: 1,
    });
  });

  test('keys spread over the table prune by the key set, not the range', async () => {
    const dir = await clustered('merge-keyset');
    const table = await DeltaTable.open(dir);
    // 10 and 390: the range spans all four files, the key set only the first and last.
    const r = await table
      .merge(rows([10, 390]), { on: 't.id = s.id' })
      .whenMatchedDelete()
      .execute();
    expect(r.metrics.numTargetFilesAfterSkipping).toBe(2);
    expect(r.metrics.numTargetFilesRemoved).toBe(2);
    expect(r.metrics.numTargetRowsDeleted).toBe(2);
  });

  test('an insert-only merge reads the candidate keys and rewrites nothing', async () => {
    const dir = await clustered('merge-insert-only');
    const table = await DeltaTable.open(dir);
    const r = await table
      .merge(rows([2, 3, 5, 1000]), { on: 't.id = s.id' })
      .whenNotMatchedInsert('all')
      .execute();
    expect(r.metrics).toMatchObject({
      numTargetRowsInserted: 3,
      numTargetFilesAfterSkipping: 1,
      numTargetFilesRemoved: 0,
      numTargetRowsCopied: 0,
    });
    const actions = rawCommits(dir).at(-1)!.actions;
    expect(actions.filter((a) => a.remove)).toEqual([]);
    expect(await readIds(dir)).toEqual([...range(0, 200, 2), 3, 5, 1000].sort((a, b) => a - b));
  });

  test('a source whose keys are all NULL matches no target file', async () => {
    const dir = await clustered('merge-null-keys');
    const table = await DeltaTable.open(dir);
    const src = new arrow.Table({
      id: arrow.vectorFromArray([null, null], new arrow.Int64()),
      p: arrow.vectorFromArray(['A', 'A'], new arrow.Utf8()),
      v: arrow.vectorFromArray([1, 2], new arrow.Float64()),
    });
    const r = await table.merge(src, { on: 't.id = s.id' }).whenMatchedDelete().whenNotMatchedInsert('all').execute();
    expect(r.metrics).toMatchObject({ numTargetRowsInserted: 2, numTargetFilesAfterSkipping: 0 });
  });

  test('notMatchedBySource reads every file; deletion vectors mark rows in place', async () => {
    const dir = await clustered('merge-by-source', { 'delta.enableDeletionVectors': 'true' });
    const table = await DeltaTable.open(dir);
    const r = await table
      .merge(rows([0, 2]), { on: 't.id = s.id' })
      .whenNotMatchedBySourceDelete('t.id >= 390')
      .execute();
    expect(r.metrics).toMatchObject({
      numTargetRowsNotMatchedBySourceDeleted: 5,
      numTargetDeletionVectorsAdded: 1,
      numTargetFilesRemoved: 0,
      numTargetRowsCopied: 0,
      numTargetFilesAfterSkipping: 4,
    });
    expect(await readIds(dir)).toEqual(range(0, 195, 2));
    await assertValidTable(dir);
  });
});

describe('MERGE checks', () => {
  test('NOT NULL and CHECK constraints fail the merge and commit nothing', async () => {
    const dir = await clustered('merge-constraints');
    const table = await DeltaTable.open(dir);
    await table.addConstraint('v_small', 'v < 1000');
    const version = (await DeltaTable.open(dir)).version;
    const big = table.merge(rows([4]), { on: 't.id = s.id' }).whenMatchedUpdate({ set: { v: 's.v + 5000' } });
    await expect(big.execute()).rejects.toThrow(ConstraintViolationError);
    expect((await DeltaTable.open(dir)).version).toBe(version);
    expect(orphanDataFiles(dir)).toEqual([]);
  });

  test('a source over maxSourceBytes fails before any file is read, with what to do', async () => {
    const dir = await clustered('merge-bound');
    const table = await DeltaTable.open(dir);
    const m = table.merge(rows(range(0, 1000)), { on: 't.id = s.id', maxSourceBytes: 1000 }).whenMatchedDelete();
    await expect(m.execute()).rejects.toThrow(/maxSourceBytes \(1000\).*split the source/);
    await expect(m.execute()).rejects.toThrow(InvalidArgumentError);
  });

  test('a streamed source (async batches) is read once', async () => {
    const dir = await clustered('merge-stream');
    const table = await DeltaTable.open(dir);
    let pulls = 0;
    async function* batches() {
      for (const ids of [
        [0, 1],
        [2, 3],
      ]) {
        pulls++;
        yield* rows(ids).batches;
      }
    }
    const r = await table
      .merge(batches(), { on: 't.id = s.id' })
      .whenMatchedDelete()
      .whenNotMatchedInsert('all')
      .execute();
    expect(pulls).toBe(2);
    expect(r.metrics).toMatchObject({ numSourceRows: 4, numTargetRowsDeleted: 2, numTargetRowsInserted: 2 });
  });

  test('unqualified columns, sides a clause cannot see and unknown columns fail before any I/O', async () => {
    const dir = await clustered('merge-errors');
    const table = await DeltaTable.open(dir);
    const run = (f: (b: ReturnType<typeof table.merge>) => unknown, on = 't.id = s.id') =>
      Promise.resolve()
        .then(() => f(table.merge(rows([1]), { on })))
        .then((b) => (b as ReturnType<typeof table.merge>).execute());
    await expect(run((b) => b.whenMatchedDelete(), 'id = s.id')).rejects.toThrow(/write t\.id .* or s\.id/);
    await expect(run((b) => b.whenNotMatchedInsert('all', 't.v > 1'))).rejects.toThrow(/has no target row/);
    await expect(run((b) => b.whenNotMatchedBySourceDelete('s.v > 1'))).rejects.toThrow(/has no source row/);
    await expect(run((b) => b.whenMatchedUpdate({ set: { nope: '1' } }))).rejects.toThrow(
      /nope, which is not a target column/,
    );
    await expect(run((b) => b.whenMatchedDelete(), 't.id = s.nope')).rejects.toThrow(
      /s\.nope, which is not a source column/,
    );
    await expect(run((b) => b.whenMatchedDelete(), 't.v < s.nope')).rejects.toThrow(/nope/);
    expect((await DeltaTable.open(dir)).version).toBe(3);
  });
});

describe('MERGE with a txn (the change-stream route)', () => {
  test('the txn commits with the merge, even one that changes nothing; a repeat is skipped, nothing left behind', async () => {
    const dir = await clustered('merge-txn');
    const table = await DeltaTable.open(dir);
    const upsert = (ids: number[], version: number) =>
      table
        .merge(rows(ids), { on: 't.id = s.id', txn: { appId: 'cdc', version } })
        .whenMatchedUpdate('all', 's.v > t.v')
        .whenNotMatchedInsert('all')
        .execute();
    const first = await upsert([1], 1);
    expect([first.noop, first.skipped, first.metrics.numTargetRowsInserted]).toEqual([false, undefined, 1]);
    const again = await upsert([1, 3], 1);
    expect([again.noop, again.skipped, again.version]).toEqual([true, true, first.version]);
    // Matches with a FALSE condition change nothing, but the txn still lands.
    const nothing = await upsert([2], 2);
    expect([nothing.noop, nothing.version]).toEqual([false, first.version + 1]);
    expect((await DeltaTable.open(dir)).snapshot.txn('cdc')?.version).toBe(2);
    expect(await readIds(dir)).toEqual([...range(0, 200, 2), 1].sort((a, b) => a - b));
    expect(orphanDataFiles(dir)).toEqual([]);
  });

  test.each([
    ['copy-on-write', {}],
    [
      'deletion vectors and change data',
      { 'delta.enableDeletionVectors': 'true', 'delta.enableChangeDataFeed': 'true' },
    ],
  ] as const)(
    '%s: a merge whose commit finds its txn applied by a concurrent one deletes every file it wrote',
    async (_name, props) => {
      const dir = await clustered(`merge-txn-race-${_name.replace(/ /g, '-')}`, props);
      // Two invocations of the same change file, from the same version: both join, rewrite and
      // write; one commits, the other finds the txn in the winning commit while retrying.
      const [a, b] = await Promise.all([DeltaTable.open(dir), DeltaTable.open(dir)]);
      const merge = (t: DeltaTable) =>
        t
          .merge(rows([0, 2, 150, 151]), { on: 't.id = s.id', txn: { appId: 'cdc-file', version: 1 } })
          .whenMatchedUpdate({ set: { v: 't.v + 1' } })
          .whenNotMatchedInsert('all')
          .execute();
      const results = await Promise.all([merge(a), merge(b)]);
      expect(results.map((r) => r.skipped === true).sort()).toEqual([false, true]);
      expect(orphanDataFiles(dir).filter((f) => !f.startsWith('_change_data/'))).toEqual([]);
      expect(strayFiles(dir)).toEqual([]);
      expect(await readIds(dir)).toEqual([...range(0, 200, 2), 151].sort((x, y) => x - y));
    },
  );
});

describe('MERGE schema evolution', () => {
  for (const mode of ['none', 'name'] as const) {
    test(`new source columns are added by update/insert 'all' (column mapping ${mode})`, async () => {
      const props: Record<string, string> = mode === 'name' ? { 'delta.columnMapping.mode': 'name' } : {};
      const dir = await clustered(`merge-evolve-${mode}`, props);
      const table = await DeltaTable.open(dir);
      const src = rows([0, 1]);
      const withE = new arrow.Table({
        ...Object.fromEntries(src.schema.fields.map((f) => [f.name, src.getChild(f.name)!])),
        e: arrow.vectorFromArray(['zero', 'one'], new arrow.Utf8()),
      });
      await expect(
        table.merge(withE, { on: 't.id = s.id' }).whenMatchedUpdate('all').whenNotMatchedInsert('all').execute(),
      ).resolves.toMatchObject({ metrics: { numTargetRowsUpdated: 1, numTargetRowsInserted: 1 } });
      // Without withSchemaEvolution() the extra column is ignored.
      expect((await DeltaTable.open(dir)).snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'p', 'v']);
      await table.merge(withE, { on: 't.id = s.id' }).whenMatchedUpdate('all').withSchemaEvolution().execute();
      const after = await DeltaTable.open(dir);
      expect(after.snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'p', 'v', 'e']);
      if (mode === 'name')
        expect(after.snapshot.schema.fields[3]!.metadata['delta.columnMapping.physicalName']).toMatch(/^col-/);
      const t = await after.toArrow({ columns: ['id', 'e'], filter: 'id < 4' });
      const got = t.batches.flatMap((b) =>
        Array.from({ length: b.numRows }, (_, i) => [Number(b.getChild('id')!.get(i)), b.getChild('e')!.get(i)]),
      );
      expect(got.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
        [0, 'zero'],
        [1, 'one'],
        [2, null],
      ]);
      await assertValidTable(dir);
    });
  }
});

/** A handle whose next commit is preceded by `competitor` committing through its own handle. */
async function raced(dir: string, competitor: (other: DeltaTable) => Promise<unknown>): Promise<DeltaTable> {
  const store = new InterleavingStore(new LocalStore(dir), async () => {
    await competitor(await DeltaTable.open(dir));
  });
  return DeltaTable.open(store);
}

describe('MERGE against concurrent commits (as DELETE/UPDATE)', () => {
  const upsert = (t: DeltaTable, isolation?: 'Serializable') =>
    t
      .merge(rows([150, 151]), { on: 't.id = s.id', isolation })
      .whenMatchedUpdate('all')
      .whenNotMatchedInsert('all')
      .execute();

  test('an append outside the merged keys slides in; the merge retries', async () => {
    const dir = await clustered('merge-race-ok');
    const table = await raced(dir, (o) => o.append(rows([5000])));
    const r = await upsert(table, 'Serializable');
    expect(r.conflictsRetried).toBe(1);
    expect(await readIds(dir)).toContain(5000);
  });

  test('Serializable: an append into the merged keys is a ConcurrentAppendError, nothing left behind', async () => {
    const dir = await clustered('merge-race-append');
    const table = await raced(dir, (o) => o.append(rows([151])));
    await expect(upsert(table, 'Serializable')).rejects.toThrow(ConcurrentAppendError);
    expect(orphanDataFiles(dir)).toEqual([]);
  });

  test('a concurrent delete in a candidate file is ConcurrentDeleteReadError', async () => {
    const dir = await clustered('merge-race-delete');
    const table = await raced(dir, (o) => o.delete('id = 160'));
    await expect(upsert(table)).rejects.toThrow(ConcurrentDeleteReadError);
    expect(orphanDataFiles(dir)).toEqual([]);
  });
});
