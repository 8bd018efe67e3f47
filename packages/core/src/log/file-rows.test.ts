/**
 * The checkpoint's adds held in columns (file-rows*.ts) give exactly the state that one
 * object per add gave: on the third-party corpus and on seeded random logs (checkpoints with
 * and without JSON stats, DVs, odd paths, tags, re-added and removed files), and through
 * forks and folds of the overlay over them.
 */
import { mulberry32 as rng } from '../../test/support/prng.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action, AddFile, FileStats } from '../protocol/actions.js';
import { LocalStore } from '../storage/local-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import { CORPUS, summarize } from '../../test/support/log-fixtures.js';
import { createEngine } from '../engine/engine.js';
import type { ObjectStore } from '../storage/object-store.js';
import { checkpointReading, readCheckpointColumns } from './checkpoint-read.js';
import { writeCheckpoint } from './checkpoint-write.js';
import { serializeActions } from './commit-file.js';
import { FileRowsMap } from './file-rows-map.js';
import { commitPath } from './file-names.js';
import { loadState } from './load.js';
import { loadSnapshot } from '../snapshot/load.js';
import { OverlayMap } from './overlay-map.js';
import { fileKey } from './replay.js';

afterEach(() => {
  checkpointReading.smallFilesInJs = true;
  checkpointReading.addsInColumns = true;
  checkpointReading.skipNullColumns = true;
});

/**
 * Load through Arrow with adds as objects (every column decoded, as before), then in columns
 * (all-null columns skipped): the state and its order, or both errors.
 */
async function bothWays(store: ObjectStore, version?: number) {
  checkpointReading.smallFilesInJs = false;
  const run = async (columns: boolean) => {
    checkpointReading.addsInColumns = columns;
    checkpointReading.skipNullColumns = columns;
    try {
      const { state, segment } = await loadState(createEngine(store), version);
      return {
        summary: summarize(state),
        keys: [...state.files.keys()],
        size: state.files.size,
        bytes: state.filesSizeBytes,
        checkpoint: segment.checkpoint !== undefined,
      };
    } catch (err) {
      return { error: String(err) };
    }
  };
  return { objects: await run(false), columns: await run(true) };
}

const tables = (
  JSON.parse(readFileSync(join(CORPUS, 'index.json'), 'utf8')) as { tables: { path: string; negative: boolean }[] }
).tables.map((t) => t.path);

describe('adds in columns on the corpus', () => {
  it('equal the adds as objects on every table (every version with a checkpoint)', async () => {
    let withCheckpoint = 0;
    for (const table of tables) {
      const { objects, columns } = await bothWays(new LocalStore(join(CORPUS, table)));
      expect(columns, table).toEqual(objects);
      if ('checkpoint' in columns && columns.checkpoint) withCheckpoint++;
    }
    expect(withCheckpoint).toBeGreaterThan(10);
  }, 120_000);
});

const PATHS = [
  'p=a/part-0.parquet',
  'p=a%20b/part-1.parquet',
  'p=%C3%A4/part-2.parquet',
  'p=ä/part-3.parquet',
  's3://bucket/t/p=a/part-4.parquet',
  'file:/tmp/t/part-5.parquet',
  '/abs/part-6.parquet',
  'p=__HIVE_DEFAULT_PARTITION__/part-7.parquet',
];

function randomAdd(r: () => number, i: number, statsJson: boolean): AddFile {
  const path =
    r() < 0.3 ? PATHS[Math.floor(r() * PATHS.length)]! : `p=${i % 5}/part-${i}-${Math.floor(r() * 40)}.parquet`;
  const add: AddFile = {
    path,
    partitionValues: { p: r() < 0.1 ? null : String(i % 5) },
    size: Math.floor(r() * 1e6),
    modificationTime: 1_700_000_000_000 + i,
    dataChange: r() < 0.5,
  };
  if (statsJson && r() < 0.8)
    add.stats = JSON.stringify({ numRecords: i, minValues: { x: i }, maxValues: { x: i + 9 }, nullCount: { x: 0 } });
  if (r() < 0.2) add.tags = { k: `v${i}` };
  if (r() < 0.2)
    add.deletionVector = {
      storageType: 'u',
      pathOrInlineDv: `dv${Math.floor(r() * 3)}`,
      offset: 1,
      sizeInBytes: 40,
      cardinality: 2,
    };
  return add;
}

function randomCommit(r: () => number, v: number, live: AddFile[], statsJson: boolean): Action[] {
  const actions: Action[] = [{ commitInfo: { operation: 'WRITE', timestamp: 1_700_000_000_000 + v } }];
  for (let k = 0; k < 1 + r() * 12; k++) {
    if (live.length > 0 && r() < 0.35) {
      const [gone] = live.splice(Math.floor(r() * live.length), 1);
      actions.push({
        remove: {
          path: gone!.path,
          deletionVector: gone!.deletionVector,
          dataChange: true,
          deletionTimestamp: v,
          size: gone!.size,
        },
      });
    } else {
      const add = randomAdd(r, v * 100 + k, statsJson);
      live.push(add);
      actions.push({ add });
    }
  }
  return actions;
}

async function randomTable(seed: number, config: Record<string, string>): Promise<MemoryStore> {
  const store = new MemoryStore('memory://random');
  const r = rng(seed);
  const schema = {
    type: 'struct',
    fields: [
      { name: 'x', type: 'long', nullable: true, metadata: {} },
      { name: 'p', type: 'string', nullable: true, metadata: {} },
    ],
  };
  const live: AddFile[] = [];
  const put = (v: number, actions: Action[]) => store.put(commitPath(v), serializeActions(actions));
  await put(0, [
    {
      protocol: {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['deletionVectors'],
        writerFeatures: ['deletionVectors'],
      },
    },
    {
      metaData: {
        id: `t${seed}`,
        format: { provider: 'parquet', options: {} },
        schemaString: JSON.stringify(schema),
        partitionColumns: ['p'],
        configuration: { 'delta.enableDeletionVectors': 'true', ...config },
        createdTime: 0,
      },
    },
  ]);
  for (let v = 1; v <= 30; v++) await put(v, randomCommit(r, v, live, true));
  const { state } = await loadState(createEngine(store));
  await writeCheckpoint(createEngine(store), state, { now: 0, batchSize: 7 });
  for (let v = 31; v <= 45; v++) await put(v, randomCommit(r, v, live, true));
  return store;
}

describe('adds in columns on seeded random logs', () => {
  const configs: Record<string, string>[] = [
    {},
    { 'delta.checkpoint.writeStatsAsStruct': 'true', 'delta.checkpoint.writeStatsAsJson': 'false' },
  ];
  for (const seed of [1, 7, 2024])
    for (const config of configs)
      it(`seed ${seed}, ${JSON.stringify(config)}`, async () => {
        const store = await randomTable(seed, config);
        for (const version of [30, 38, 45]) {
          const { objects, columns } = await bothWays(store, version);
          expect('error' in columns ? columns.error : columns.checkpoint).toBe(true);
          expect(columns).toEqual(objects);
        }
      });
});

describe('an overlay over adds in columns', () => {
  it('behaves as a Map through random changes, forks and folds', async () => {
    const store = await randomTable(99, {});
    checkpointReading.smallFilesInJs = false;
    const engine = createEngine(store);
    const { state, segment } = await loadState(engine, 30);
    const checkpoint = await readCheckpointColumns(engine, segment.checkpoint!);
    expect(checkpoint.files.live).toBe(state.files.size);
    const rows = FileRowsMap.of(checkpoint.files, new WeakMap<AddFile, FileStats>());
    const r = rng(5);
    let model = new Map([...state.files.values()].map((a) => [fileKey(a.path, a.deletionVector), a] as const));
    expect(model.size).toBeGreaterThan(30);
    let map = OverlayMap.over(rows);
    for (let step = 0; step < 300; step++) {
      const keys = [...model.keys()];
      const x = r();
      if (x < 0.4 && keys.length > 0) {
        const k = keys[Math.floor(r() * keys.length)]!;
        expect(map.delete(k)).toBe(model.delete(k));
      } else if (x < 0.7 && keys.length > 0) {
        const k = keys[Math.floor(r() * keys.length)]!;
        const v = { ...model.get(k)!, size: step };
        map.set(k, v);
        model.set(k, v);
      } else {
        const v = randomAdd(r, 10_000 + step, true);
        const k = fileKey(v.path, v.deletionVector);
        map.set(k, v);
        model.set(k, v);
      }
      if (step % 7 === 0) {
        map = map.fork(1, 0); // fold every time: changes become a new column-backed base
        model = new Map(model);
      }
      expect(map.size).toBe(model.size);
      if (step % 25 === 0) expect([...map.entries()]).toEqual([...model.entries()]);
    }
    for (const k of model.keys()) expect(map.get(k)).toEqual(model.get(k));
  });
});

describe('a snapshot over adds in columns', () => {
  it('gives the same files and typed stats through activeFiles() and files()', async () => {
    const store = await randomTable(3, {
      'delta.checkpoint.writeStatsAsStruct': 'true',
      'delta.checkpoint.writeStatsAsJson': 'false',
    });
    checkpointReading.smallFilesInJs = false;
    const snap = await loadSnapshot(createEngine(store), 30);
    const walked = [...snap.activeFiles()];
    expect(walked.length).toBe(snap.numFiles);
    expect(walked).toEqual(snap.files());
    const withStats = walked.filter((a) => snap.fileStats(a) !== undefined);
    expect(withStats.length).toBeGreaterThan(10); // from stats_parsed: the checkpoint has no JSON stats
    for (const add of withStats) expect(add.stats).toBeUndefined();
    expect(withStats.map((a) => snap.fileStats(a))).toEqual(
      withStats.map((a) =>
        snap.fileStats(
          snap
            .files()
            .find((f) => f.path === a.path && f.deletionVector?.pathOrInlineDv === a.deletionVector?.pathOrInlineDv)!,
        ),
      ),
    );
  });
});
