/**
 * Time travel by version and by timestamp: file modification times made monotonic like
 * Delta Spark, in-commit timestamps winning over file times, versions out of range, and
 * reads after the early log was cleaned up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import {
  DeltaTable,
  InvalidArgumentError,
  VersionNotFoundError,
  fixedClock,
  writeDeltaTable,
} from '@delta-serverless/core';
import {
  commitFile,
  copyCorpusTable,
  firstColumnSorted,
  range,
  readCommitActions,
  rejectionOf,
  removeTempDirs,
  setCommitTimes,
  tempDir as readTempDir,
  writeCommitActions,
} from './support.js';
import { validatedDirs } from '../support/validate-written.js';
import { corpusPath } from '../support/corpus.js';

afterAll(removeTempDirs);
// Every table these tests write goes through the independent validator after the test.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

/**
 * delta-golden/basic-with-inserts-deletes-checkpoint: v0-v4 append ids 10k..10k+9, v5-v9
 * delete 5..9, 15..19, 25..29, 35..39, 45..49, v10-v12 append 50..79, v13 deletes id >= 66.
 * Classic checkpoint at v10.
 */
const INSERTS_DELETES = 'delta-golden/basic-with-inserts-deletes-checkpoint';

function idsAt(version: number): number[] {
  const ids = new Set<number>();
  for (let k = 0; k <= Math.min(version, 4); k++) for (const i of range(10 * k, 10 * k + 9)) ids.add(i);
  for (let k = 5; k <= Math.min(version, 9); k++)
    for (const i of range(10 * (k - 5) + 5, 10 * (k - 5) + 9)) ids.delete(i);
  for (let k = 10; k <= Math.min(version, 12); k++) for (const i of range(10 * (k - 5), 10 * (k - 5) + 9)) ids.add(i);
  if (version >= 13) for (const i of [...ids]) if (i >= 66) ids.delete(i);
  return [...ids].sort((a, b) => a - b);
}

test('idsAt matches the corpus expectation of the latest version', () => {
  const expected = JSON.parse(
    fs.readFileSync(corpusPath('delta-golden/basic-with-inserts-deletes-checkpoint.expected.json'), 'utf8'),
  ) as {
    rows: number[][];
  };
  expect(idsAt(13)).toEqual(expected.rows.map((r) => r[0]!).sort((a, b) => a - b));
  expect(idsAt(13)).toHaveLength(41);
});

describe('by version', () => {
  test('every version reads its own data through open, snapshotAt, load and scan', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    const table = await DeltaTable.open(dir);
    expect(table.version).toBe(13);
    for (let v = 0; v <= 13; v++) {
      const snap = await table.snapshotAt({ version: v });
      expect(snap.version).toBe(v);
      expect(firstColumnSorted(await table.toArrow({ version: v }))).toEqual(idsAt(v));
    }
    // The held snapshot did not move.
    expect(table.version).toBe(13);
    expect(firstColumnSorted(await table.toArrow())).toEqual(idsAt(13));

    const v3 = await DeltaTable.open(dir, { version: 3 });
    expect(v3.version).toBe(3);
    expect(v3.snapshot.numFiles).toBe(4);
    expect(firstColumnSorted(await v3.toArrow())).toEqual(idsAt(3));

    // load() moves the held snapshot, backwards and forwards.
    await table.load({ version: 7 });
    expect(table.version).toBe(7);
    expect(firstColumnSorted(await table.toArrow())).toEqual(idsAt(7));
    await table.load({ version: 12 });
    expect(table.version).toBe(12);
    expect(firstColumnSorted(await table.toArrow())).toEqual(idsAt(12));
  });

  test('a version beyond the latest or below 0 is VersionNotFoundError', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    const e1 = await rejectionOf(DeltaTable.open(dir, { version: 14 }));
    expect(e1).toBeInstanceOf(VersionNotFoundError);
    expect(e1.message).toContain('version 14 does not exist');
    expect(e1.message).toContain('the latest version is 13');

    const table = await DeltaTable.open(dir);
    const e2 = await rejectionOf(table.snapshotAt({ version: 100 }));
    expect(e2).toBeInstanceOf(VersionNotFoundError);
    expect(e2.message).toContain('the latest version is 13');
    const e3 = await rejectionOf(table.toArrow({ version: 14 }));
    expect(e3).toBeInstanceOf(VersionNotFoundError);
    const e4 = await rejectionOf(table.snapshotAt({ version: -1 }));
    expect(e4).toBeInstanceOf(InvalidArgumentError); // not a version at all
    expect(e4.message).toContain('version must be a table version');
    expect(table.version).toBe(13);
  });

  test('version and timestamp together are refused', async () => {
    const table = await DeltaTable.open(copyCorpusTable(INSERTS_DELETES));
    const err = await rejectionOf(table.snapshotAt({ version: 1, timestamp: Date.now() }));
    expect(err.name).toBe('InvalidArgumentError');
  });
});

describe('by timestamp (file modification times)', () => {
  const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
  const s = (sec: number) => T0 + sec * 1000;
  // v3 and v5 are older on disk than their parents: Delta Spark treats them as parent + 1 ms.
  const MTIMES = [s(0), s(10), s(20), s(15), s(40), s(5), s(50), s(70), s(80), s(90), s(100), s(110), s(120), s(130)];

  async function tableWithTimes(): Promise<{ dir: string; table: DeltaTable }> {
    const dir = copyCorpusTable(INSERTS_DELETES);
    setCommitTimes(dir, MTIMES);
    return { dir, table: await DeltaTable.open(dir) };
  }

  test('resolves the newest version committed at or before the time, monotonically', async () => {
    const { table } = await tableWithTimes();
    const cases: [number, number][] = [
      [s(0), 0],
      [s(9.999), 0],
      [s(10), 1],
      [s(17), 1], // v3's raw time (15 s) must not pull it before v2
      [s(20), 2],
      [s(20) + 1, 3], // v3 = v2 + 1 ms
      [s(39.999), 3],
      [s(40), 4],
      [s(40) + 1, 5], // v5 = v4 + 1 ms (its raw time is 5 s)
      [s(45), 5],
      [s(69.999), 6],
      [s(100), 10],
      [s(129.999), 12],
      [s(130), 13],
    ];
    for (const [ts, version] of cases) {
      const snap = await table.snapshotAt({ timestamp: ts });
      expect({ ts: ts - T0, version: snap.version }).toEqual({ ts: ts - T0, version });
    }
    expect(table.version).toBe(13);
  });

  test('accepts Date, epoch ms and ISO-8601 strings, and reads the data of that version', async () => {
    const { dir, table } = await tableWithTimes();
    expect((await table.snapshotAt({ timestamp: new Date(s(45)) })).version).toBe(5);
    expect((await table.snapshotAt({ timestamp: new Date(s(45)).toISOString() })).version).toBe(5);
    expect((await table.snapshotAt({ timestamp: '2024-01-01T12:01:15Z' })).version).toBe(7);
    expect(firstColumnSorted(await table.toArrow({ timestamp: s(85) }))).toEqual(idsAt(8));

    const opened = await DeltaTable.open(dir, { timestamp: s(55) });
    expect(opened.version).toBe(6);
    expect(firstColumnSorted(await opened.toArrow())).toEqual(idsAt(6));

    await table.load({ timestamp: s(21) });
    expect(table.version).toBe(3);
    expect(firstColumnSorted(await table.toArrow())).toEqual(idsAt(3));
  });

  test('a time before the first commit is VersionNotFoundError; after the last gives the latest', async () => {
    const { dir, table } = await tableWithTimes();
    const err = await rejectionOf(table.snapshotAt({ timestamp: s(0) - 1 }));
    expect(err).toBeInstanceOf(VersionNotFoundError);
    expect(err.message).toContain('before the earliest available commit');
    expect(err.message).toContain('version 0 at 2024-01-01T12:00:00.000Z');
    expect(await rejectionOf(DeltaTable.open(dir, { timestamp: '2023-12-31T00:00:00Z' }))).toBeInstanceOf(
      VersionNotFoundError,
    );

    expect((await table.snapshotAt({ timestamp: s(131) })).version).toBe(13);
    expect((await table.snapshotAt({ timestamp: Date.UTC(2099, 0, 1) })).version).toBe(13);
  });

  test('an unparsable timestamp is InvalidArgumentError', async () => {
    const { table } = await tableWithTimes();
    const err = await rejectionOf(table.snapshotAt({ timestamp: 'yesterday at noon' }));
    expect(err.name).toBe('InvalidArgumentError');
    expect(err.message).toContain('yesterday at noon');
  });

  test('history reports the monotonic times, newest first', async () => {
    const { table } = await tableWithTimes();
    const history = await table.history();
    expect(history.map((h) => h.version)).toEqual(range(0, 13).reverse());
    const byVersion = new Map(history.map((h) => [h.version, h.timestamp]));
    expect(byVersion.get(2)).toBe(s(20));
    expect(byVersion.get(3)).toBe(s(20) + 1);
    expect(byVersion.get(5)).toBe(s(40) + 1);
    expect(byVersion.get(13)).toBe(s(130));
    expect(history[0]!.operation).toBe('DELETE');
    const limited = await table.history({ limit: 2 });
    expect(limited.map((h) => h.version)).toEqual([13, 12]);
  });

  test('snapshot.timestamp is the commit file time of its version', async () => {
    const { table } = await tableWithTimes();
    expect(table.snapshot.timestamp).toBe(s(130));
    expect((await table.snapshotAt({ version: 4 })).timestamp).toBe(s(40));
    expect((await table.snapshotAt({ version: 12 })).timestamp).toBe(s(120));
    // At the checkpoint's own version (no commit replayed) the commit file still gives the time.
    expect((await table.snapshotAt({ version: 10 })).timestamp).toBe(s(100));
  });
});

describe('in-commit timestamps', () => {
  const I0 = Date.UTC(2020, 5, 1, 0, 0, 0);
  const h = (n: number) => n * 3_600_000;

  async function writeFour(dir: string, properties?: Record<string, string>): Promise<void> {
    for (let i = 0; i < 4; i++) {
      await writeDeltaTable(dir, arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(i)]) }), {
        properties: i === 0 ? properties : undefined,
      });
    }
  }

  /** Give commits in-commit timestamps (undefined: none) and file times far from them. */
  function rewriteIct(dir: string, icts: readonly (number | undefined)[]): void {
    icts.forEach((ict, v) => {
      const actions = readCommitActions(dir, v).map((a) => {
        if (!a.commitInfo) return a;
        const { inCommitTimestamp: _drop, ...rest } = a.commitInfo;
        return { commitInfo: ict === undefined ? rest : { ...rest, inCommitTimestamp: ict, timestamp: ict } };
      });
      writeCommitActions(dir, v, actions);
    });
  }

  /** Four one-row commits, the engine's clock pinned to `times[i]` for commit i (ICT on). */
  async function writeAt(dir: string, times: readonly number[], properties: Record<string, string>): Promise<void> {
    for (let i = 0; i < times.length; i++) {
      await writeDeltaTable(dir, arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(i)]) }), {
        properties: i === 0 ? properties : undefined,
        engine: { clock: fixedClock(times[i]!) },
      });
    }
  }

  test('the in-commit timestamp wins over the file time', async () => {
    const dir = tempDir();
    await writeAt(dir, [I0, I0 + h(1), I0 + h(2), I0 + h(3)], { 'delta.enableInCommitTimestamps': 'true' });
    // File times run backwards and years later: any use of them would give other answers.
    const M = Date.UTC(2031, 0, 1);
    setCommitTimes(dir, [M + h(3), M + h(2), M + h(1), M]);

    const table = await DeltaTable.open(dir);
    expect(table.snapshot.properties['delta.enableInCommitTimestamps']).toBe('true');
    expect(table.snapshot.timestamp).toBe(I0 + h(3));
    expect((await table.snapshotAt({ version: 1 })).timestamp).toBe(I0 + h(1));

    expect((await table.snapshotAt({ timestamp: I0 })).version).toBe(0);
    expect((await table.snapshotAt({ timestamp: I0 + h(1.5) })).version).toBe(1);
    expect((await table.snapshotAt({ timestamp: I0 + h(2) })).version).toBe(2);
    expect((await table.snapshotAt({ timestamp: I0 + h(2) - 1 })).version).toBe(1);
    expect((await table.snapshotAt({ timestamp: I0 + h(3) })).version).toBe(3);
    expect((await table.snapshotAt({ timestamp: M + h(10) })).version).toBe(3);
    const err = await rejectionOf(table.snapshotAt({ timestamp: I0 - 1 }));
    expect(err).toBeInstanceOf(VersionNotFoundError);
    expect(err.message).toContain(new Date(I0).toISOString());

    expect(firstColumnSorted(await table.toArrow({ timestamp: I0 + h(1.5) }))).toEqual([0, 1]);

    const history = await table.history();
    expect(history.map((e) => [e.version, e.timestamp])).toEqual([
      [3, I0 + h(3)],
      [2, I0 + h(2)],
      [1, I0 + h(1)],
      [0, I0],
    ]);
  });

  test('a snapshot at a checkpoint version takes the in-commit timestamp of that commit', async () => {
    const dir = tempDir();
    await writeAt(dir, [I0, I0 + h(1), I0 + h(2)], {
      'delta.enableInCommitTimestamps': 'true',
      'delta.checkpointInterval': '2',
    });
    expect(fs.existsSync(path.join(dir, '_delta_log', `${'2'.padStart(20, '0')}.checkpoint.parquet`))).toBe(true);
    setCommitTimes(dir, [Date.UTC(2031, 0, 1), Date.UTC(2031, 0, 2), Date.UTC(2031, 0, 3)]);
    const table = await DeltaTable.open(dir);
    expect(table.version).toBe(2);
    expect(table.snapshot.timestamp).toBe(I0 + h(2));
  });

  test('file times before the enablement version, in-commit timestamps from it on', async () => {
    const dir = tempDir();
    await writeFour(dir);
    const T = Date.UTC(2022, 2, 3, 4, 5, 6);
    setCommitTimes(dir, [T, T + 10_000, T + 20_000, T + 30_000]);
    // Enable ICT at v2 (as Spark does: a metaData action with the enablement properties).
    const v0 = readCommitActions(dir, 0);
    const metaData = v0.find((a) => a.metaData)!.metaData as { configuration: Record<string, string> };
    const enabled = {
      ...metaData,
      configuration: {
        ...metaData.configuration,
        'delta.enableInCommitTimestamps': 'true',
        'delta.inCommitTimestampEnablementVersion': '2',
        'delta.inCommitTimestampEnablementTimestamp': String(T + 100_000),
      },
    };
    writeCommitActions(dir, 2, [...readCommitActions(dir, 2), { metaData: enabled }]);
    // (the protocol is not upgraded to inCommitTimestamp and the .crc files disagree: not validated)
    dirs.exempt(dir, 'v2 rewritten by hand to enable in-commit timestamps');
    rewriteIct(dir, [undefined, undefined, T + 100_000, T + 200_000]);
    setCommitTimes(dir, [T, T + 10_000, T + 20_000, T + 30_000]);

    const table = await DeltaTable.open(dir);
    expect((await table.snapshotAt({ timestamp: T + 15_000 })).version).toBe(1); // file time of v1
    expect((await table.snapshotAt({ timestamp: T + 50_000 })).version).toBe(1); // v2's file time no longer counts
    expect((await table.snapshotAt({ timestamp: T + 100_000 })).version).toBe(2);
    expect((await table.snapshotAt({ timestamp: T + 150_000 })).version).toBe(2);
    expect((await table.snapshotAt({ timestamp: T + 200_000 })).version).toBe(3);
    expect(table.snapshot.timestamp).toBe(T + 200_000);
    expect((await table.snapshotAt({ version: 1 })).timestamp).toBe(T + 10_000);
  });
});

describe('after log cleanup', () => {
  function cleaned(upTo: number): string {
    const dir = copyCorpusTable(INSERTS_DELETES);
    for (let v = 0; v <= upTo; v++) {
      fs.rmSync(commitFile(dir, v));
      fs.rmSync(path.join(dir, '_delta_log', `.${String(v).padStart(20, '0')}.json.crc`), { force: true });
    }
    return dir;
  }

  test('versions from the checkpoint on read; older ones fail with a clear error', async () => {
    const dir = cleaned(9);
    const table = await DeltaTable.open(dir);
    expect(table.version).toBe(13);
    expect(firstColumnSorted(await table.toArrow())).toEqual(idsAt(13));
    for (const v of [10, 11, 12, 13]) {
      expect(firstColumnSorted(await table.toArrow({ version: v }))).toEqual(idsAt(v));
    }
    for (const v of [0, 5, 9]) {
      const err = await rejectionOf(table.snapshotAt({ version: v }));
      expect(err).toBeInstanceOf(VersionNotFoundError);
      expect(err.message).toContain(`cannot reconstruct version ${v}`);
      expect(err.message).toContain('the log starts at version 10');
      expect(err.message).toContain('cleaned up');
    }
    expect(await rejectionOf(DeltaTable.open(dir, { version: 3 }))).toBeInstanceOf(VersionNotFoundError);
  });

  test('a version whose commit is gone but whose checkpoint is left still reads', async () => {
    const dir = cleaned(10);
    const table = await DeltaTable.open(dir, { version: 10 });
    expect(table.version).toBe(10);
    expect(table.snapshot.timestamp).toBeUndefined(); // only the checkpoint is left
    expect(firstColumnSorted(await table.toArrow())).toEqual(idsAt(10));
    const err = await rejectionOf(DeltaTable.open(dir, { version: 9 }));
    expect(err).toBeInstanceOf(VersionNotFoundError);
  });

  test('timestamps before the earliest remaining commit fail; later ones resolve', async () => {
    const dir = cleaned(9);
    const T0 = Date.UTC(2024, 6, 1);
    setCommitTimes(dir, [...new Array<undefined>(10), T0, T0 + 1000, T0 + 2000, T0 + 3000]);
    const table = await DeltaTable.open(dir);
    const err = await rejectionOf(table.snapshotAt({ timestamp: T0 - 1 }));
    expect(err).toBeInstanceOf(VersionNotFoundError);
    expect(err.message).toContain('version 10');
    const snap = await table.snapshotAt({ timestamp: T0 + 1500 });
    expect(snap.version).toBe(11);
    expect(firstColumnSorted(await table.toArrow({ timestamp: T0 }))).toEqual(idsAt(10));
  });
});
