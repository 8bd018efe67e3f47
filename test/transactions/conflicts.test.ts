/**
 * Deterministic conflict tests: a transaction reads its snapshot and writes its data files, then a
 * competing writer commits (through a second handle on the same directory, run from a hook placed
 * right before the first transaction's commit put, or simply through a stale handle), then the
 * first transaction commits and must either land at the next version or fail with the typed
 * conflict Delta's rules prescribe.
 */
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import type { CommitConflictError } from '@delta-serverless/core';
import {
  CommitFailedError,
  ConcurrentAppendError,
  ConcurrentDeleteDeleteError,
  ConcurrentDeleteReadError,
  ConcurrentTransactionError,
  DeltaTable,
  LocalStore,
  MetadataChangedError,
  ProtocolChangedError,
  writeDeltaTable,
  type CommitCoordinator,
  type CommitResult,
  type ObjectStore,
  type WriteOptions,
} from '@delta-serverless/core';
import { commitTransaction, PutIfAbsentCoordinator, createEngine } from '@delta-serverless/core/internal';
import {
  commitInfoOf,
  InterleavingStore,
  orphanDataFiles,
  range,
  rawCommits,
  readIds,
  rows,
  tempDir,
  validate,
} from '../support/txn-harness.js';

/** v0: ids 0..9 in partition A, 10..19 in partition B. */
async function seeded(name: string): Promise<string> {
  const dir = path.join(tempDir(name), 't');
  const r = await writeDeltaTable(
    dir,
    rows([...range(0, 20)], (id) => (id < 10 ? 'A' : 'B')),
    { partitionBy: ['p'] },
  );
  expect(r.version).toBe(0);
  return dir;
}

/** A handle whose next commit is preceded by `competitor` committing through its own handle. */
async function raced(
  dir: string,
  competitor: (other: DeltaTable) => Promise<unknown>,
): Promise<{ table: DeltaTable; store: InterleavingStore }> {
  const store = new InterleavingStore(new LocalStore(dir), async () => {
    await competitor(await DeltaTable.open(dir));
  });
  return { table: await DeltaTable.open(store), store };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected the write to fail, it returned ${JSON.stringify((v as { version?: number }).version)}`);
    },
    (e: unknown) => e,
  );
}

/** Asserts a typed conflict that names the winning version, and returns it. */
function expectConflict<T extends CommitConflictError>(
  err: unknown,
  type: new (...a: never[]) => T,
  winningVersion: number,
): T {
  expect(err).toBeInstanceOf(type);
  const c = err as T;
  expect(c.winningVersion).toBe(winningVersion);
  expect(c.code).toBe('CONFLICT');
  expect(c.message).toContain(`version ${winningVersion}`);
  return c;
}

const B = range(10, 10);

describe('conflicts between two transactions', () => {
  test('append vs append: both land, the loser retries at the next version', async () => {
    const dir = await seeded('aa');
    const first = await DeltaTable.open(dir);
    const second = await DeltaTable.open(dir); // holds v0: stale after `first` commits
    const r1 = await first.append(rows(range(100, 5)));
    const r2 = await second.append(rows(range(200, 5), 'B'));
    expect([r1.version, r1.conflictsRetried]).toEqual([1, 0]);
    expect([r2.version, r2.conflictsRetried, r2.skipped]).toEqual([2, 1, false]);
    expect(second.version).toBe(2);
    expect(await readIds(dir)).toEqual([...range(0, 20), ...range(100, 5), ...range(200, 5)]);
    expect(commitInfoOf(rawCommits(dir)[2]!).readVersion).toBe(0);
    await validate(dir);
  });

  test('overwrite vs concurrent blind append (WriteSerializable): overwrite commits, appended rows survive', async () => {
    const dir = await seeded('ow-ba');
    const { table, store } = await raced(dir, (o) => o.append(rows(range(300, 3), 'B')));
    const r = await table.overwrite(rows(range(400, 4)));
    expect(store.fired).toBe(true);
    expect([r.version, r.conflictsRetried]).toEqual([2, 1]);
    // The overwrite removed what it read (v0), not the rows appended behind its back.
    expect(await readIds(dir)).toEqual([...range(300, 3), ...range(400, 4)]);
    expect(orphanDataFiles(dir)).toEqual([]);
    await validate(dir);
  });

  test("isolation 'Serializable': a blind append conflicts with an overwrite", async () => {
    const dir = await seeded('ser');
    const { table } = await raced(dir, (o) => o.append(rows(range(300, 3), 'B')));
    const err = await failure(table.overwrite(rows(range(400, 4)), { isolation: 'Serializable' }));
    expectConflict(err, ConcurrentAppendError, 1);
    expect(rawCommits(dir).map((c) => c.version)).toEqual([0, 1]);
    expect(await readIds(dir)).toEqual([...range(0, 20), ...range(300, 3)]);
    expect(orphanDataFiles(dir)).toEqual([]);
    await validate(dir);
  });

  test('overwrite vs concurrent overwrite: typed conflict naming the winner, nothing committed', async () => {
    const dir = await seeded('ow-ow');
    const { table } = await raced(dir, (o) => o.overwrite(rows(range(500, 2))));
    const err = await failure(table.overwrite(rows(range(600, 2))));
    // Delta checks added files before removed ones: the winner's new files are data the loser
    // should have read (ConcurrentAppend), before its removes (ConcurrentDeleteRead).
    expectConflict(err, ConcurrentAppendError, 1);
    expect(rawCommits(dir).map((c) => c.version)).toEqual([0, 1]);
    expect(await readIds(dir)).toEqual(range(500, 2));
    expect(orphanDataFiles(dir)).toEqual([]);
    await validate(dir);
  });

  test('overwrite vs a concurrent overwrite that only removes: ConcurrentDeleteRead', async () => {
    const dir = await seeded('ow-del');
    const empty = rows([]);
    const { table } = await raced(dir, (o) => o.overwrite(empty));
    const err = await failure(table.overwrite(rows(range(600, 2))));
    expectConflict(err, ConcurrentDeleteReadError, 1);
    expect(await readIds(dir)).toEqual([]);
    expect(orphanDataFiles(dir)).toEqual([]);
    await validate(dir);
  });

  test('remove vs concurrent remove of the same file: ConcurrentDeleteDelete', async () => {
    const dir = await seeded('dd');
    const store = new LocalStore(dir);
    const stale = (await DeltaTable.open(store)).snapshot;
    const target = stale.files().find((f) => f.partitionValues.p === 'B')!;
    await (await DeltaTable.open(dir)).overwrite(rows([]), { replaceWhere: "p = 'B'" }); // v1 removes it
    const err = await failure(
      commitTransaction(createEngine(store), stale, {
        actions: [
          {
            remove: {
              path: target.path,
              deletionTimestamp: Date.now(),
              dataChange: true,
              partitionValues: target.partitionValues,
              size: target.size,
            },
          },
        ],
        operation: 'DELETE',
        isBlindAppend: false,
        read: {},
      }),
    );
    expectConflict(err, ConcurrentDeleteDeleteError, 1);
    expect(await readIds(dir)).toEqual(range(0, 10));
  });

  test('replaceWhere on A vs a non-blind append into A: ConcurrentAppend', async () => {
    const dir = await seeded('rw-a');
    // The winner is a predicate overwrite whose predicate selects no existing file: it only adds,
    // into A, but it is not a blind append (it read the table).
    const { table } = await raced(dir, (o) =>
      o.overwrite(rows([1000, 1001]), { replaceWhere: "p = 'A' AND id >= 1000" }),
    );
    const err = await failure(table.overwrite(rows(range(700, 3)), { replaceWhere: "p = 'A'" }));
    const c = expectConflict(err, ConcurrentAppendError, 1);
    expect(c.winningOperation).toBe('WRITE');
    expect(await readIds(dir)).toEqual([...range(0, 20), 1000, 1001]);
    expect(orphanDataFiles(dir)).toEqual([]);
    await validate(dir);
  });

  test('replaceWhere on A vs a non-blind append into B: no conflict', async () => {
    const dir = await seeded('rw-b');
    const { table, store } = await raced(dir, (o) =>
      o.overwrite(rows([1000, 1001], 'B'), { replaceWhere: "p = 'B' AND id >= 1000" }),
    );
    const r = await table.overwrite(rows(range(700, 3)), { replaceWhere: "p = 'A'", isolation: 'Serializable' });
    expect(store.fired).toBe(true);
    expect([r.version, r.conflictsRetried]).toEqual([2, 1]);
    expect(await readIds(dir)).toEqual([...B, ...range(700, 3), 1000, 1001]);
    await validate(dir);
  });

  test('replaceWhere on A vs a blind append into A: no conflict under WriteSerializable, conflict under Serializable', async () => {
    const dir = await seeded('rw-blind');
    const ws = await raced(dir, (o) => o.append(rows([800])));
    const r = await ws.table.overwrite(rows(range(700, 3)), { replaceWhere: "p = 'A'" });
    expect([r.version, r.conflictsRetried]).toEqual([2, 1]);
    expect(await readIds(dir)).toEqual([...B, ...range(700, 3), 800]); // the blind append survives
    const ser = await raced(dir, (o) => o.append(rows([801])));
    const err = await failure(
      ser.table.overwrite(rows(range(900, 3)), { replaceWhere: "p = 'A'", isolation: 'Serializable' }),
    );
    expectConflict(err, ConcurrentAppendError, 3);
    expect(await readIds(dir)).toEqual([...B, ...range(700, 3), 800, 801]);
    await validate(dir);
  });

  test('dynamic partition overwrite of A: conflicts with a non-blind add into A, not into B', async () => {
    const dir = await seeded('dyn');
    const intoB = await raced(dir, (o) => o.overwrite(rows([1000], 'B'), { replaceWhere: "p = 'B' AND id >= 1000" }));
    const r = await intoB.table.overwrite(rows(range(700, 2)), { partitionOverwrite: 'dynamic' });
    expect([r.version, r.conflictsRetried]).toEqual([2, 1]);
    expect(await readIds(dir)).toEqual([...B, ...range(700, 2), 1000]);
    const intoA = await raced(dir, (o) => o.overwrite(rows([1001]), { replaceWhere: "p = 'A' AND id >= 1000" }));
    const err = await failure(intoA.table.overwrite(rows(range(900, 2)), { partitionOverwrite: 'dynamic' }));
    expectConflict(err, ConcurrentAppendError, 3);
    expect(await readIds(dir)).toEqual([...B, ...range(700, 2), 1000, 1001]);
    expect(orphanDataFiles(dir)).toEqual([]);
    await validate(dir);
  });

  test('the winner changes the schema (merge): MetadataChanged', async () => {
    const dir = await seeded('meta');
    const wider = new arrow.Table({
      id: arrow.makeVector(BigInt64Array.from([50n])),
      p: arrow.vectorFromArray(['A'], new arrow.Utf8()),
      v: arrow.makeVector(Float64Array.from([1])),
      extra: arrow.vectorFromArray(['x'], new arrow.Utf8()),
    });
    const stale = await DeltaTable.open(dir);
    await (await DeltaTable.open(dir)).append(wider, { schemaMode: 'merge' });
    const err = await failure(stale.append(rows([51])));
    expectConflict(err, MetadataChangedError, 1);
    expect(await readIds(dir)).toEqual([...range(0, 20), 50]);
    expect(orphanDataFiles(dir)).toEqual([]);
    await validate(dir);
  });

  test('the winner changes the protocol: ProtocolChanged (checked before MetadataChanged)', async () => {
    const dir = await seeded('proto');
    const ntz = new arrow.Table({
      id: arrow.makeVector(BigInt64Array.from([50n])),
      p: arrow.vectorFromArray(['A'], new arrow.Utf8()),
      v: arrow.makeVector(Float64Array.from([1])),
      ts: arrow.vectorFromArray([new Date(0)], new arrow.TimestampMicrosecond()),
    });
    const stale = await DeltaTable.open(dir);
    const w = await (await DeltaTable.open(dir)).append(ntz, { schemaMode: 'merge' });
    expect(w.snapshot.protocol.writerFeatures ?? []).toContain('timestampNtz');
    const err = await failure(stale.append(rows([51])));
    expectConflict(err, ProtocolChangedError, 1);
    expect(orphanDataFiles(dir)).toEqual([]);
    await validate(dir);
  });

  describe('txn idempotency', () => {
    const txn = (appId: string, version: number): WriteOptions => ({ txn: { appId, version } });

    test('a fresh handle skips a txn already in the table', async () => {
      const dir = await seeded('txn-fresh');
      const first = await writeDeltaTable(dir, rows([100]), txn('app', 1));
      expect([first.version, first.skipped]).toEqual([1, false]);
      const again = await (await DeltaTable.open(dir)).append(rows([101]), txn('app', 1));
      expect([again.skipped, again.version, again.conflictsRetried]).toEqual([true, 1, 0]);
      const older = await writeDeltaTable(dir, rows([102]), txn('app', 0));
      expect(older.skipped).toBe(true);
      expect(await readIds(dir)).toEqual([...range(0, 20), 100]);
      expect(orphanDataFiles(dir)).toEqual([]);
    });

    test('the skip is discovered while retrying after losing the race', async () => {
      const dir = await seeded('txn-race');
      const stale = await DeltaTable.open(dir);
      await (await DeltaTable.open(dir)).append(rows([100]), txn('app', 1));
      const r = await stale.append(rows([101]), txn('app', 1));
      expect([r.skipped, r.created, r.conflictsRetried, r.version]).toEqual([true, false, 1, 1]);
      expect(r.snapshot.txn('app')?.version).toBe(1);
      expect(rawCommits(dir).map((c) => c.version)).toEqual([0, 1]);
      expect(await readIds(dir)).toEqual([...range(0, 20), 100]);
      // The skipped write's data files are not left behind.
      expect(orphanDataFiles(dir)).toEqual([]);
      await validate(dir);
    });

    test('a newer version of the same appId committed by the winner skips; an older one is a ConcurrentTransaction', async () => {
      const dir = await seeded('txn-newer');
      const stale = await DeltaTable.open(dir);
      await (await DeltaTable.open(dir)).append(rows([100]), txn('app', 5));
      const skipped = await stale.append(rows([101]), txn('app', 3));
      expect(skipped.skipped).toBe(true);

      const stale2 = await DeltaTable.open(dir);
      await (await DeltaTable.open(dir)).append(rows([102]), txn('app', 6));
      // We want app@7 but read the table when app was at 5: the winner moved app to 6 under us.
      const err = await failure(stale2.append(rows([103]), txn('app', 7)));
      expectConflict(err, ConcurrentTransactionError, 2);
      expect(await readIds(dir)).toEqual([...range(0, 20), 100, 102]);
      expect(orphanDataFiles(dir)).toEqual([]);
    });

    test('a different appId does not conflict', async () => {
      const dir = await seeded('txn-other');
      const stale = await DeltaTable.open(dir);
      await (await DeltaTable.open(dir)).append(rows([100]), txn('app-1', 1));
      const r = await stale.append(rows([101]), txn('app-2', 1));
      expect([r.skipped, r.version, r.conflictsRetried]).toEqual([false, 2, 1]);
      expect(r.snapshot.txn('app-1')?.version).toBe(1);
      expect(r.snapshot.txn('app-2')?.version).toBe(1);
      expect(await readIds(dir)).toEqual([...range(0, 20), 100, 101]);
      await validate(dir);
    });
  });

  describe('retry deadline', () => {
    /** Always loses: a competitor commits every version just before us. */
    class AlwaysLosing implements CommitCoordinator {
      readonly name = 'always-losing';
      attempts = 0;
      private readonly real = new PutIfAbsentCoordinator();
      async commit(store: ObjectStore, version: number): Promise<CommitResult> {
        this.attempts++;
        const competitor =
          JSON.stringify({
            commitInfo: {
              timestamp: Date.now(),
              operation: 'COMPETITOR',
              isBlindAppend: true,
              operationParameters: {},
            },
          }) + '\n';
        await this.real.commit(store, version, new TextEncoder().encode(competitor));
        return 'version-exists';
      }
    }

    test('exhausting the deadline throws CommitFailedError and commits nothing of ours', async () => {
      const dir = await seeded('deadline');
      const coordinator = new AlwaysLosing();
      const started = Date.now();
      const err = await failure(
        (await DeltaTable.open(dir)).append(rows([100]), {
          coordinator,
          retry: { deadlineMs: 150, baseMs: 2, maxMs: 20 },
        }),
      );
      expect(err).toBeInstanceOf(CommitFailedError);
      expect((err as CommitFailedError).code).toBe('COMMIT_FAILED');
      expect((err as Error).message).toMatch(/within 150 ms/);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(coordinator.attempts).toBeGreaterThan(1);
      const commits = rawCommits(dir);
      expect(commits.length).toBe(coordinator.attempts + 1);
      expect(commits.slice(1).every((c) => commitInfoOf(c).operation === 'COMPETITOR')).toBe(true);
      expect(await readIds(dir)).toEqual(range(0, 20));
      expect(orphanDataFiles(dir)).toEqual([]);
    });

    test('a coordinator that reports version-exists for a commit nobody can read yet: retried until the deadline', async () => {
      const dir = await seeded('liar');
      const liar: CommitCoordinator = { name: 'liar', commit: async () => 'version-exists' };
      const err = await failure(
        (await DeltaTable.open(dir)).append(rows([100]), {
          coordinator: liar,
          retry: { deadlineMs: 100, baseMs: 2, maxMs: 10 },
        }),
      );
      expect(err).toBeInstanceOf(CommitFailedError);
      expect(rawCommits(dir).map((c) => c.version)).toEqual([0]);
      expect(orphanDataFiles(dir)).toEqual([]);
    });
  });
});
