/**
 * Damaged and unreadable logs and data: each case is a typed error that names what is
 * wrong, or, where the protocol allows it (`_last_checkpoint` is only a hint, incomplete
 * multi-part checkpoints do not count), a correct read that ignores the damage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import {
  CorruptDataError,
  CorruptLogError,
  DeltaError,
  DeltaTable,
  LocalStore,
  TableNotFoundError,
  UnsupportedFeatureError,
  VersionNotFoundError,
  writeDeltaTable,
} from '@delta-serverless/core';
import { commitPath, versionPrefix } from '@delta-serverless/core/internal';
import { CountingStore } from '../support/counting-store.js';
import {
  commitFile,
  copyCorpusTable,
  firstColumnSorted,
  range,
  rejectionOf,
  removeTempDirs,
  tempDir as readTempDir,
} from './support.js';
import { validatedDirs } from '../support/validate-written.js';

afterAll(removeTempDirs);
// Every table these tests write goes through the independent validator after the test.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

/** Checkpoint at v10, commits 0-13; 41 rows at v13 (see time-travel.test.ts). */
const INSERTS_DELETES = 'delta-golden/basic-with-inserts-deletes-checkpoint';
const IDS_AT_13 = [
  ...range(0, 4),
  ...range(10, 14),
  ...range(20, 24),
  ...range(30, 34),
  ...range(40, 44),
  ...range(50, 65),
];
const CHECKPOINT_10 = `_delta_log/${versionPrefix(10)}.checkpoint.parquet`;

function logPath(dir: string, name: string): string {
  return path.join(dir, '_delta_log', name);
}

describe('gaps in the log', () => {
  test('a missing commit is CorruptLogError naming it; versions before the gap still read', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    fs.rmSync(commitFile(dir, 12));
    const err = await rejectionOf(DeltaTable.open(dir));
    expect(err).toBeInstanceOf(CorruptLogError);
    expect(err.message).toContain('gap');
    expect(err.message).toContain('commit 12');
    expect(err.message).toContain(commitPath(12));
    const v11 = await DeltaTable.open(dir, { version: 11 });
    expect(v11.version).toBe(11);
  });

  test('a gap before the checkpoint does not matter for versions after it', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    fs.rmSync(commitFile(dir, 4));
    const table = await DeltaTable.open(dir);
    expect(firstColumnSorted(await table.toArrow())).toEqual(IDS_AT_13);
    const err = await rejectionOf(table.snapshotAt({ version: 6 }));
    expect(err).toBeInstanceOf(CorruptLogError);
    expect(err.message).toContain(commitPath(4));
  });
});

describe('_last_checkpoint is only a hint', () => {
  async function readsCorrectly(dir: string): Promise<CountingStore> {
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    expect(table.version).toBe(13);
    expect(firstColumnSorted(await table.toArrow())).toEqual(IDS_AT_13);
    return store;
  }

  test('garbage: falls back to a full listing and uses the checkpoint', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    fs.writeFileSync(logPath(dir, '_last_checkpoint'), '\u0000\u0001not json{{{');
    const store = await readsCorrectly(dir);
    const lists = store.requests.filter((r) => r.kind === 'list');
    expect(lists).toHaveLength(1);
    expect(lists[0]!.startAfter).toBeUndefined();
    expect(store.paths('get')).toContain(CHECKPOINT_10);
  });

  test('valid JSON with an unusable version: falls back to listing', async () => {
    for (const text of ['{"version":"ten"}', '{"version":-3}', '{"size":4}', '[]', 'null']) {
      const dir = copyCorpusTable(INSERTS_DELETES);
      fs.writeFileSync(logPath(dir, '_last_checkpoint'), text);
      await readsCorrectly(dir);
    }
  });

  test('pointing to a checkpoint that does not exist: falls back to listing', async () => {
    for (const hint of [12, 99]) {
      const dir = copyCorpusTable(INSERTS_DELETES);
      fs.writeFileSync(logPath(dir, '_last_checkpoint'), JSON.stringify({ version: hint, size: 13 }));
      const store = await readsCorrectly(dir);
      expect(store.paths('list')).toHaveLength(2); // the hinted listing, then the full one
      expect(store.requests.filter((r) => r.kind === 'list')[1]!.startAfter).toBeUndefined();
      expect(store.paths('get')).toContain(CHECKPOINT_10);
    }
  });

  test('stale (an older checkpoint): the newest checkpoint in the listing wins', async () => {
    const dir = tempDir();
    for (let v = 0; v < 6; v++) {
      await writeDeltaTable(dir, arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(v)]) }), {
        properties: v === 0 ? { 'delta.checkpointInterval': '2' } : undefined,
      });
    }
    expect(fs.existsSync(logPath(dir, `${versionPrefix(2)}.checkpoint.parquet`))).toBe(true);
    expect(fs.existsSync(logPath(dir, `${versionPrefix(4)}.checkpoint.parquet`))).toBe(true);
    fs.writeFileSync(logPath(dir, '_last_checkpoint'), JSON.stringify({ version: 2, size: 4 }));
    dirs.exempt(dir, 'a stale _last_checkpoint is planted on purpose');
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    expect(table.version).toBe(5);
    expect(store.paths('list')).toEqual(['_delta_log/']);
    expect(store.requests[1]!.startAfter).toBe(`_delta_log/${versionPrefix(1)}.~`);
    expect(store.paths('get').slice(1).sort()).toEqual([
      `_delta_log/${versionPrefix(4)}.checkpoint.parquet`,
      commitPath(5),
    ]);
    expect(firstColumnSorted(await table.toArrow())).toEqual(range(0, 5));
  });

  test('a stale hint before the checkpoint version still finds the checkpoint', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    fs.writeFileSync(logPath(dir, '_last_checkpoint'), JSON.stringify({ version: 5 }));
    const store = await readsCorrectly(dir);
    expect(store.paths('list')).toHaveLength(1);
    expect(store.paths('get')).toContain(CHECKPOINT_10);
    expect(store.paths('get')).not.toContain(commitPath(10));
  });
});

describe('multi-part checkpoints', () => {
  test('an incomplete set is ignored in favour of an older complete checkpoint', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    // Part 1 of 2 at v12 (garbage: reading it would fail), part 2 never written.
    const part1 = `${versionPrefix(12)}.checkpoint.0000000001.0000000002.parquet`;
    fs.writeFileSync(logPath(dir, part1), 'PAR1 not really parquet');
    fs.writeFileSync(logPath(dir, '_last_checkpoint'), JSON.stringify({ version: 12, size: 20, parts: 2 }));
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    expect(table.version).toBe(13);
    const gets = store.paths('get');
    expect(gets).not.toContain(`_delta_log/${part1}`);
    expect(gets.slice(1).sort()).toEqual([CHECKPOINT_10, commitPath(11), commitPath(12), commitPath(13)]);
    expect(firstColumnSorted(await table.toArrow())).toEqual(IDS_AT_13);
  });

  test('an incomplete set with no older checkpoint: replays the commits', async () => {
    const dir = copyCorpusTable('delta-kernel-rs/v1-multi-part-struct-stats-only');
    const part2 = `${versionPrefix(5)}.checkpoint.0000000002.0000000003.parquet`;
    fs.rmSync(logPath(dir, part2));
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    expect(table.version).toBe(5);
    expect(store.paths('get').filter((p) => p.includes('.checkpoint.'))).toEqual([]);
    expect(
      store
        .paths('get')
        .filter((p) => p.endsWith('.json'))
        .sort(),
    ).toEqual(range(0, 5).map(commitPath));
    expect(firstColumnSorted(await table.toArrow())).toEqual([1, 2, 3, 4, 5]);
  });

  test('the complete set is read, all parts', async () => {
    const dir = copyCorpusTable('delta-kernel-rs/v1-multi-part-struct-stats-only');
    const store = new CountingStore(new LocalStore(dir));
    const table = await DeltaTable.open(store);
    expect(
      store
        .paths('get')
        .filter((p) => p.includes('.checkpoint.'))
        .sort(),
    ).toEqual([1, 2, 3].map((i) => `_delta_log/${versionPrefix(5)}.checkpoint.000000000${i}.0000000003.parquet`));
    expect(table.snapshot.numFiles).toBe(5);
  });
});

describe('unparsable commits', () => {
  test('a truncated last line is CorruptLogError naming the file and the line', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    const file = commitFile(dir, 13);
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const text = lines.join('\n');
    fs.writeFileSync(file, text.slice(0, text.length - 25));
    const err = await rejectionOf(DeltaTable.open(dir));
    expect(err).toBeInstanceOf(CorruptLogError);
    expect(err.message).toContain(`${commitPath(13)} line ${lines.length} is not valid JSON`);
    // Versions before it are fine.
    expect((await DeltaTable.open(dir, { version: 12 })).version).toBe(12);
  });

  test('invalid JSON in the middle, and a JSON value that is not an action object', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    const file = commitFile(dir, 11);
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(file, [lines[0], '{"add": {"path": "x.parquet",', lines[1]].join('\n'));
    const err = await rejectionOf(DeltaTable.open(dir));
    expect(err).toBeInstanceOf(CorruptLogError);
    expect(err.message).toContain(`${commitPath(11)} line 2 is not valid JSON`);

    fs.writeFileSync(file, [lines[0], lines[1], '[1, 2, 3]'].join('\n'));
    const err2 = await rejectionOf(DeltaTable.open(dir));
    expect(err2).toBeInstanceOf(CorruptLogError);
    expect(err2.message).toContain(`${commitPath(11)} line 3 is not a JSON object action`);
  });

  test('a corrupt commit covered by the checkpoint is never read', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    fs.writeFileSync(commitFile(dir, 5), '{{{{');
    const table = await DeltaTable.open(dir);
    expect(firstColumnSorted(await table.toArrow())).toEqual(IDS_AT_13);
    const err = await rejectionOf(table.snapshotAt({ version: 7 }));
    expect(err).toBeInstanceOf(CorruptLogError);
    expect(err.message).toContain(`${commitPath(5)} line 1`);
  });
});

describe('protocols this reader must refuse', () => {
  /** A table at v0 (ids 0-2) plus a raw v1 commit that sets `protocol`. */
  async function withProtocol(protocol: Record<string, unknown>): Promise<string> {
    const dir = tempDir();
    await writeDeltaTable(dir, arrow.tableFromArrays({ id: BigInt64Array.from([0n, 1n, 2n]) }));
    fs.writeFileSync(
      commitFile(dir, 1),
      JSON.stringify({ commitInfo: { timestamp: Date.now(), operation: 'UPGRADE PROTOCOL' } }) +
        '\n' +
        JSON.stringify({ protocol }) +
        '\n',
    );
    return dir;
  }

  test('an unknown reader feature is UnsupportedFeatureError naming it', async () => {
    const dir = await withProtocol({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors', 'hyperSpaceIndex'],
      writerFeatures: ['deletionVectors', 'hyperSpaceIndex'],
    });
    dirs.exempt(dir, 'a hand-written protocol with an unknown feature, a warning', { failOnWarnings: false });
    const err = await rejectionOf(DeltaTable.open(dir));
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect((err as UnsupportedFeatureError).feature).toBe('hyperSpaceIndex');
    expect(err.message).toContain('reader feature "hyperSpaceIndex"');

    // The version before the upgrade reads; refreshing onto the upgrade refuses.
    const old = await DeltaTable.open(dir, { version: 0 });
    expect(firstColumnSorted(await old.toArrow())).toEqual([0, 1, 2]);
    const refreshErr = await rejectionOf(old.refresh());
    expect(refreshErr).toBeInstanceOf(UnsupportedFeatureError);
    expect((refreshErr as UnsupportedFeatureError).feature).toBe('hyperSpaceIndex');
    expect(old.version).toBe(0);
    expect(await rejectionOf(old.toArrow({ version: 1 }))).toBeInstanceOf(UnsupportedFeatureError);
  });

  test('minReaderVersion 4 is refused', async () => {
    const dir = await withProtocol({
      minReaderVersion: 4,
      minWriterVersion: 7,
      readerFeatures: [],
      writerFeatures: [],
    });
    dirs.exempt(dir, 'a hand-written protocol with minReaderVersion 4');
    const err = await rejectionOf(DeltaTable.open(dir));
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect(err.message).toContain('minReaderVersion=4');
    expect((err as UnsupportedFeatureError).feature).toBe('readerVersion 4');
  });

  test('known reader features are accepted', async () => {
    const dir = await withProtocol({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors', 'timestampNtz', 'v2Checkpoint'],
      writerFeatures: ['deletionVectors', 'timestampNtz', 'v2Checkpoint'],
    });
    const table = await DeltaTable.open(dir);
    expect(table.version).toBe(1);
    expect(firstColumnSorted(await table.toArrow())).toEqual([0, 1, 2]);
  });
});

describe('damaged data files', () => {
  async function tableAndFile(): Promise<{ dir: string; table: DeltaTable; file: string }> {
    const dir = tempDir();
    await writeDeltaTable(
      dir,
      arrow.tableFromArrays({ id: BigInt64Array.from(range(0, 999), BigInt), s: range(0, 999).map((i) => `s${i}`) }),
    );
    const table = await DeltaTable.open(dir);
    // Each test damages or removes the data file: only the log is validated.
    dirs.exempt(dir, 'the data file is damaged on purpose', {
      failOnWarnings: true,
      checkFiles: false,
      checkData: false,
    });
    return { dir, table, file: table.snapshot.files()[0]!.path };
  }

  async function scanError(table: DeltaTable): Promise<Error> {
    return rejectionOf(
      (async () => {
        for await (const _ of table.scan()) void _;
      })(),
    );
  }

  test('garbage bytes of the same size: CorruptDataError naming the file', async () => {
    const { dir, table, file } = await tableAndFile();
    const size = fs.statSync(path.join(dir, file)).size;
    fs.writeFileSync(path.join(dir, file), Buffer.alloc(size, 0x5a));
    const err = await scanError(table);
    expect(err).toBeInstanceOf(CorruptDataError);
    expect(err.message).toContain(file);
  });

  test('a truncated file: CorruptDataError naming the file', async () => {
    const { dir, table, file } = await tableAndFile();
    const bytes = fs.readFileSync(path.join(dir, file));
    fs.writeFileSync(path.join(dir, file), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const err = await rejectionOf(table.toArrow());
    expect(err).toBeInstanceOf(CorruptDataError);
    expect(err.message).toContain(file);
    expect(err.message).toContain('shorter than its recorded size');
  });

  test('a damaged body behind an intact footer: CorruptDataError naming the file', async () => {
    const { dir, table, file } = await tableAndFile();
    const bytes = Buffer.from(fs.readFileSync(path.join(dir, file)));
    const footerLength = bytes.readUInt32LE(bytes.length - 8);
    for (let i = 4; i < bytes.length - 8 - footerLength; i++) bytes[i] = (i * 7919) & 0xff;
    fs.writeFileSync(path.join(dir, file), bytes);
    const err = await scanError(table);
    expect(err).toBeInstanceOf(CorruptDataError);
    expect(err.message).toContain(file);
  });

  test('a missing data file: CorruptDataError naming the file', async () => {
    const { dir, table, file } = await tableAndFile();
    fs.rmSync(path.join(dir, file));
    const err = await rejectionOf(table.toArrow());
    expect(err).toBeInstanceOf(CorruptDataError);
    expect(err.message).toContain(file);
    expect(err.message).toContain('missing');
  });

  test('a damaged or missing deletion vector file: CorruptDataError naming it', async () => {
    const dir = copyCorpusTable('delta-kernel-rs/table-with-dv-small');
    const dv = fs.readdirSync(dir).find((f) => f.endsWith('.bin'))!;
    fs.writeFileSync(path.join(dir, dv), Buffer.alloc(fs.statSync(path.join(dir, dv)).size, 7));
    const table = await DeltaTable.open(dir);
    const err = await rejectionOf(table.toArrow());
    expect(err).toBeInstanceOf(CorruptDataError);
    expect(err.message).toContain(dv);
    fs.rmSync(path.join(dir, dv));
    const err2 = await rejectionOf(table.toArrow());
    expect(err2).toBeInstanceOf(CorruptDataError);
    expect(err2.message).toContain(dv);
    // Version 0 has no deletion vector and still reads.
    expect(firstColumnSorted(await table.toArrow({ version: 0 }))).toEqual(range(0, 9));
  });

  test('a garbage checkpoint: a typed error naming it', async () => {
    const dir = copyCorpusTable(INSERTS_DELETES);
    fs.writeFileSync(logPath(dir, `${versionPrefix(10)}.checkpoint.parquet`), Buffer.alloc(16479, 1));
    const err = await rejectionOf(DeltaTable.open(dir));
    expect(err).toBeInstanceOf(DeltaError);
    expect(err.message).toContain(CHECKPOINT_10);
  });
});

describe('no table', () => {
  test('an empty directory, an empty _delta_log and a missing path are TableNotFoundError', async () => {
    const dir = tempDir();
    const e1 = await rejectionOf(DeltaTable.open(dir));
    expect(e1).toBeInstanceOf(TableNotFoundError);
    expect(e1.message).toContain(new LocalStore(dir).root);
    fs.mkdirSync(path.join(dir, '_delta_log'));
    dirs.exempt(dir, 'not a table: an empty _delta_log with planted leftovers');
    fs.writeFileSync(path.join(dir, '_delta_log', '.00000000000000000000.json.crc'), 'x');
    expect(await rejectionOf(DeltaTable.open(dir))).toBeInstanceOf(TableNotFoundError);
    fs.writeFileSync(path.join(dir, '_delta_log', '_last_checkpoint'), JSON.stringify({ version: 10, size: 3 }));
    expect(await rejectionOf(DeltaTable.open(dir))).toBeInstanceOf(TableNotFoundError);
    const e4 = await rejectionOf(DeltaTable.open(path.join(dir, 'nothing', 'here')));
    expect(e4).toBeInstanceOf(TableNotFoundError);
    expect(e4.message).toContain('nothing/here');
    expect(e4.message).toContain('create the table first');
  });

  test('time travel on a missing table is TableNotFoundError, not VersionNotFoundError', async () => {
    const err = await rejectionOf(DeltaTable.open(tempDir(), { version: 3 }));
    expect(err).toBeInstanceOf(TableNotFoundError);
    expect(err).not.toBeInstanceOf(VersionNotFoundError);
  });
});
