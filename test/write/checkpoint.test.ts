/**
 * Automatic checkpoints (every delta.checkpointInterval commits), reading from a checkpoint
 * alone, the checkpoint's Parquet schema against a Spark-written one, and expired log cleanup.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DeltaTable, LocalStore, VersionNotFoundError, writeDeltaTable, type Snapshot } from '@delta-serverless/core';
import { openParquetFile } from '../../packages/core/src/parquet/reader.js';
import { batch, build, commitFile, commitVersions, expectError, readSorted, tempDirs, validate } from './helpers.js';
import { corpusPath } from '../support/corpus.js';

const newDir = tempDirs('checkpoint');
const GOLDEN_CHECKPOINT = corpusPath('delta-golden/checkpoint/_delta_log');

const logFiles = (dir: string) =>
  fs
    .readdirSync(path.join(dir, '_delta_log'))
    .filter((f) => !f.startsWith('.'))
    .sort();
const lastCheckpoint = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, '_delta_log', '_last_checkpoint'), 'utf8')) as Record<string, unknown>;
const cpName = (v: number) => `${String(v).padStart(20, '0')}.checkpoint.parquet`;

/** Row k of commit k (partitioned by p). */
const row = (k: number, p = k % 3 === 0 ? 'x' : 'y') =>
  batch({ id: build.long([BigInt(k)]), p: build.string([p]), v: build.double([k / 2]) });

/** Everything a reader derives from a snapshot, comparable with toEqual. */
function stateOf(s: Snapshot): object {
  return {
    version: s.version,
    protocol: s.protocol,
    metadata: s.metadata,
    files: s
      .files()
      .map((f) => ({
        path: f.path,
        size: Number(f.size),
        partitionValues: f.partitionValues,
        stats: JSON.parse(f.stats ?? '{}') as unknown,
      }))
      .sort((a, b) => a.path.localeCompare(b.path)),
    txn: s.txn('app'),
  };
}

describe('automatic checkpoints', () => {
  test('default interval 10: a checkpoint at version 10 and _last_checkpoint; the table reads identically from it', async () => {
    const dir = newDir();
    const results = [];
    results.push(await writeDeltaTable(dir, row(0), { partitionBy: ['p'] }));
    for (let k = 1; k <= 11; k++) {
      if (k === 4)
        results.push(await writeDeltaTable(dir, row(k), { mode: 'overwrite', replaceWhere: "p = 'y'" })); // removes
      // A new schema (metadata action) that replaces every file so far.
      else if (k === 6)
        results.push(
          await writeDeltaTable(
            dir,
            batch({ id: build.long([6n]), p: build.string(['z']), v: build.double([3]), extra: build.string(['new']) }),
            { mode: 'overwrite', schemaMode: 'merge' },
          ),
        );
      else results.push(await writeDeltaTable(dir, row(k), { txn: { appId: 'app', version: k } }));
      // Before version 10 there is no checkpoint.
      if (k < 10) expect(fs.existsSync(path.join(dir, '_delta_log', '_last_checkpoint')), `after v${k}`).toBe(false);
    }
    expect(results.map((r) => r.postCommit?.checkpointed)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      10,
      undefined,
    ]);
    expect(logFiles(dir).filter((f) => f.includes('checkpoint'))).toEqual([cpName(10), '_last_checkpoint']);
    const lc = lastCheckpoint(dir);
    const cpFile = await openParquetFile(new LocalStore(path.join(dir, '_delta_log')), cpName(10));
    const cpRows = cpFile.metadata.numRows;
    cpFile.close();
    expect(lc).toMatchObject({
      version: 10,
      size: cpRows,
      sizeInBytes: fs.statSync(path.join(dir, '_delta_log', cpName(10))).size,
    });
    // protocol + metaData + txn + active adds (v6..v10) + unexpired removes (v1, v2, then v0, v3, v4, v5)
    expect(cpRows).toBe(1 + 1 + 1 + 5 + 6);
    await validate(dir);

    // A copy without the JSON commits up to 10 reads the same, at the latest version and at 10.
    const copy = newDir();
    fs.cpSync(dir, copy, { recursive: true });
    for (let v = 0; v <= 10; v++) fs.rmSync(commitFile(copy, v));
    expect(commitVersions(copy)).toEqual([11]);
    await validate(copy);
    const [orig, fromCp] = [await DeltaTable.open(dir), await DeltaTable.open(copy)];
    expect(stateOf(fromCp.snapshot)).toEqual(stateOf(orig.snapshot));
    expect(stateOf(await fromCp.snapshotAt({ version: 10 }))).toEqual(stateOf(await orig.snapshotAt({ version: 10 })));
    const expected = await readSorted(dir, 'id');
    expect(expected.map((r) => r.id)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(expected[0]).toEqual({ id: 6, p: 'z', v: 3, extra: 'new' });
    expect(expected[1]).toEqual({ id: 7, p: 'y', v: 3.5, extra: null });
    expect(await readSorted(copy, 'id')).toEqual(expected);
    expect(await readSorted(copy, 'id', { version: 10 })).toEqual(await readSorted(dir, 'id', { version: 10 }));
    expect(fromCp.snapshot.txn('app')).toMatchObject({ appId: 'app', version: 11 });
    await expectError(() => DeltaTable.open(copy, { version: 9 }), VersionNotFoundError);
    // Appending to the checkpoint-only copy works and stays valid.
    await writeDeltaTable(copy, row(12));
    await validate(copy);
    expect((await readSorted(copy, 'id')).map((r) => r.id)).toEqual([6, 7, 8, 9, 10, 11, 12]);
  });

  test('delta.checkpointInterval=3 checkpoints at 3 and 6; table.checkpoint() on demand', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, row(0), { properties: { 'delta.checkpointInterval': '3' } });
    for (let k = 1; k <= 7; k++) await writeDeltaTable(dir, row(k));
    expect(logFiles(dir).filter((f) => f.includes('checkpoint'))).toEqual([cpName(3), cpName(6), '_last_checkpoint']);
    expect(lastCheckpoint(dir)).toMatchObject({ version: 6, size: 2 + 7 });
    const t = await DeltaTable.open(dir);
    const res = await t.checkpoint();
    expect(res).toMatchObject({
      version: 7,
      size: 2 + 8,
      numOfAddFiles: 8,
      numOfRemoveFiles: 0,
      lastCheckpointUpdated: true,
    });
    expect(lastCheckpoint(dir)).toMatchObject({ version: 7, size: 10 });
    await validate(dir);
    expect((await readSorted(dir, 'id')).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('checkpoint schema', () => {
  /** Arrow type as text: child names, types and nullability. */
  const typeText = (t: arrow.DataType): string =>
    t.children && t.children.length
      ? `${arrow.Type[t.typeId]}<${(t.children as arrow.Field[]).map((c) => `${c.name}${c.nullable ? '' : '!'}:${typeText(c.type)}`).join(',')}>`
      : String(t);

  test('action columns match a Spark-written checkpoint', async () => {
    const dir = newDir();
    for (let k = 0; k <= 10; k++)
      await writeDeltaTable(dir, row(k), k === 0 ? { partitionBy: ['p'] } : { txn: { appId: 'app', version: k } });
    const ours = await openParquetFile(new LocalStore(path.join(dir, '_delta_log')), cpName(10));
    const spark = await openParquetFile(new LocalStore(GOLDEN_CHECKPOINT), cpName(10));
    const [o, s] = [ours.arrowSchema(), spark.arrowSchema()];
    ours.close();
    spark.close();
    await validate(dir);

    expect(o.fields.map((f) => f.name)).toEqual(s.fields.map((f) => f.name));
    expect(s.fields.map((f) => f.name)).toEqual(['txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata']);
    for (const sf of s.fields) {
      const of = o.fields.find((f) => f.name === sf.name)!;
      if (sf.name !== 'add') {
        expect(typeText(of.type), sf.name).toBe(typeText(sf.type));
        continue;
      }
      // add: Spark's fields in Spark's order with the same types; ours may carry the optional
      // typed columns newer Spark writes as well.
      const oKids = (of.type.children as arrow.Field[]).filter(
        (c) => !['clusteringProvider', 'stats_parsed', 'partitionValues_parsed'].includes(c.name),
      );
      expect(oKids.map((c) => `${c.name}:${typeText(c.type)}`)).toEqual(
        (sf.type.children as arrow.Field[]).map((c) => `${c.name}:${typeText(c.type)}`),
      );
      const parsed = (of.type.children as arrow.Field[]).find((c) => c.name === 'partitionValues_parsed');
      if (parsed) expect(typeText(parsed.type)).toBe('Struct<p:Utf8>');
    }
  });
});

describe('expired log cleanup', () => {
  const DAY = 86_400_000;
  const age = (file: string, daysAgo: number) => {
    const t = new Date(Date.now() - daysAgo * DAY);
    fs.utimesSync(file, t, t);
  };

  test('table.cleanupLogs() deletes commits before the newest expired checkpoint; retained versions stay readable', async () => {
    const dir = newDir();
    const props = { 'delta.checkpointInterval': '5', 'delta.logRetentionDuration': 'interval 2 days' };
    await writeDeltaTable(dir, row(0), { properties: props });
    for (let k = 1; k <= 7; k++) await writeDeltaTable(dir, row(k));
    expect(commitVersions(dir)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // nothing old yet: the v5 hook kept all
    const expected5 = await readSorted(dir, 'id', { version: 5 });
    // Versions 0..5 (and checkpoint 5) are 10 days old; 6 and 7 are fresh.
    for (let v = 0; v <= 5; v++) age(commitFile(dir, v), 10 - v * 0.1);
    age(path.join(dir, '_delta_log', cpName(5)), 9);

    const t = await DeltaTable.open(dir);
    const { deleted } = await t.cleanupLogs();
    // Commits and their version checksums (.crc) go together.
    expect(deleted.map((k) => path.basename(k)).sort()).toEqual(
      [0, 1, 2, 3, 4]
        .flatMap((v) => [`${String(v).padStart(20, '0')}.json`, `${String(v).padStart(20, '0')}.crc`])
        .sort(),
    );
    expect(logFiles(dir)).toEqual(
      [
        ...[5, 6, 7].flatMap((v) => [`${String(v).padStart(20, '0')}.json`, `${String(v).padStart(20, '0')}.crc`]),
        cpName(5),
        '_last_checkpoint',
      ].sort(),
    );
    await validate(dir);

    const reopened = await DeltaTable.open(dir);
    expect(reopened.version).toBe(7);
    expect((await readSorted(dir, 'id')).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await readSorted(dir, 'id', { version: 5 })).toEqual(expected5);
    expect((await readSorted(dir, 'id', { version: 6 })).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await expectError(() => DeltaTable.open(dir, { version: 4 }), VersionNotFoundError);
    // Running it again deletes nothing more.
    expect((await reopened.cleanupLogs()).deleted).toEqual([]);
  });

  test('the post-commit hook cleans up after an automatic checkpoint', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, row(0), {
      properties: { 'delta.checkpointInterval': '3', 'delta.logRetentionDuration': 'interval 1 days' },
    });
    for (let k = 1; k <= 4; k++) await writeDeltaTable(dir, row(k));
    for (let v = 0; v <= 3; v++) age(commitFile(dir, v), 5);
    age(path.join(dir, '_delta_log', cpName(3)), 5);
    await writeDeltaTable(dir, row(5));
    const res = await writeDeltaTable(dir, row(6)); // version 6: checkpoint, then cleanup
    expect(res.postCommit).toEqual({ checkpointed: 6, cleanedUp: 6 }); // 3 commits and their .crc files
    expect(commitVersions(dir)).toEqual([3, 4, 5, 6]);
    await validate(dir);
    expect((await readSorted(dir, 'id', { version: 3 })).map((r) => r.id)).toEqual([0, 1, 2, 3]);
    expect((await readSorted(dir, 'id')).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
