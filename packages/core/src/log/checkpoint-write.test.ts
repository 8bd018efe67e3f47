import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, StorageError } from '../errors.js';
import { parseParquetFooter } from '../parquet/metadata.js';
import type { Action, AddFile, FileStats } from '../protocol/actions.js';
import { parseStatsValue } from '../protocol/scalar.js';
import { findField, parseSchemaString, type StructType } from '../protocol/schema.js';
import { MemoryStore } from '../storage/memory-store.js';
import { clean, summarize } from '../../test/support/log-fixtures.js';
import { writeCheckpoint } from './checkpoint-write.js';
import { serializeActions } from './commit-file.js';
import { classicCheckpointPath, commitPath, LAST_CHECKPOINT } from './file-names.js';
import { lastCheckpointChecksum } from './last-checkpoint-json.js';
import { loadState } from './load.js';
import { TableState } from './replay.js';
import { createEngine } from '../engine/engine.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2024, 5, 15);

const field = (name: string, type: unknown, physical: string) => ({
  name,
  type,
  nullable: true,
  metadata: { 'delta.columnMapping.id': physical.length, 'delta.columnMapping.physicalName': physical },
});
const SCHEMA = {
  type: 'struct',
  fields: [
    field('id', 'long', 'col-id'),
    field('amount', 'decimal(10,2)', 'col-amount'),
    field('ts', 'timestamp', 'col-ts'),
    field('flag', 'boolean', 'col-flag'),
    field(
      's',
      { type: 'struct', fields: [field('a', 'integer', 'col-s-a'), field('b', 'string', 'col-s-b')] },
      'col-s',
    ),
    field('arr', { type: 'array', elementType: 'integer', containsNull: true }, 'col-arr'),
    field('day', 'date', 'col-day'),
    field('region', 'string', 'col-region'),
  ],
};

function metadataAction(config: Record<string, string>): Action {
  return {
    metaData: {
      id: 'table-id',
      name: 'synthetic',
      description: null,
      format: { provider: 'parquet', options: {} },
      schemaString: JSON.stringify(SCHEMA),
      partitionColumns: ['day', 'region'],
      configuration: { 'delta.columnMapping.mode': 'name', ...config },
      createdTime: NOW - 30 * DAY,
    },
  };
}

const stats = (i: number) =>
  JSON.stringify({
    numRecords: 10 + i,
    minValues: {
      'col-id': i,
      'col-amount': 1.5 + i,
      'col-ts': '2024-01-01T10:00:00.123Z',
      'col-s': { 'col-s-a': -i, 'col-s-b': 'ä b' },
    },
    maxValues: {
      'col-id': 1000 + i,
      'col-amount': 99.99,
      'col-ts': '2024-02-01T00:00:00.000+02:00',
      'col-s': { 'col-s-a': i, 'col-s-b': 'zz' },
    },
    nullCount: {
      'col-id': 0,
      'col-amount': i,
      'col-ts': 1,
      'col-flag': 2,
      'col-s': { 'col-s-a': 0, 'col-s-b': 3 },
      'col-arr': 4,
    },
    tightBounds: i % 2 === 0,
  });

const PATHS = [
  'col-day=2024-01-01/col-region=a%2520b/part-0000 ü.parquet',
  'col-day=__HIVE_DEFAULT_PARTITION__/col-region=x%253Ay/part-0001.parquet',
  'part-0002+%25=,;@$&.parquet',
  's3://other-bucket/abs/part-0003.parquet',
];

function add(i: number, extra: Partial<AddFile> = {}): AddFile {
  return {
    path: PATHS[i % PATHS.length]!.replace('part-', `part-${i}-`),
    partitionValues: {
      'col-day': i % 3 === 0 ? null : '2024-01-0' + ((i % 9) + 1),
      'col-region': i % 2 ? 'a b' : 'x:y',
    },
    size: 1000 + i,
    modificationTime: NOW - i * 1000,
    dataChange: true,
    stats: stats(i),
    ...extra,
  };
}

const DV3 = {
  storageType: 'u',
  pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^',
  offset: 4,
  sizeInBytes: 40,
  cardinality: 6,
} as const;

/** A synthetic log exercising every action kind and field. */
function syntheticCommits(config: Record<string, string> = {}): Action[][] {
  return [
    [
      {
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['columnMapping', 'deletionVectors'],
          writerFeatures: ['columnMapping', 'deletionVectors', 'domainMetadata', 'rowTracking'],
        },
      },
      metadataAction({ 'delta.setTransactionRetentionDuration': 'interval 2 days', ...config }),
      { add: add(0, { tags: { INSERTION_TIME: '1', empty: '' }, baseRowId: 0, defaultRowCommitVersion: 0 }) },
      { add: add(1, { clusteringProvider: 'liquid' }) },
      { add: add(2, { stats: null }) },
      { txn: { appId: 'recent', version: 7, lastUpdated: NOW - DAY } },
      { txn: { appId: 'expired', version: 3, lastUpdated: NOW - 3 * DAY } },
      { txn: { appId: 'no-time', version: 1 } },
      { domainMetadata: { domain: 'delta.rowTracking', configuration: '{"rowIdHighWaterMark":99}', removed: false } },
      { domainMetadata: { domain: 'gone', configuration: '{}', removed: false } },
      { commitInfo: { operation: 'WRITE' } },
    ],
    [
      { add: add(3, { deletionVector: DV3 }) },
      {
        add: add(4, {
          deletionVector: {
            storageType: 'i',
            pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L',
            sizeInBytes: 40,
            cardinality: 2,
          },
        }),
      },
      {
        add: add(5, {
          deletionVector: {
            storageType: 'p',
            pathOrInlineDv: 's3://b/dv/deletion_vector_x.bin',
            offset: 1,
            sizeInBytes: 40,
            cardinality: 1,
          },
        }),
      },
      {
        remove: {
          path: add(1).path,
          deletionTimestamp: NOW - DAY,
          dataChange: true,
          extendedFileMetadata: true,
          partitionValues: add(1).partitionValues,
          size: 1001,
          stats: stats(1),
          tags: { t: '1' },
        },
      },
      { remove: { path: 'old-file.parquet', deletionTimestamp: NOW - 30 * DAY, dataChange: true } },
      { remove: { path: 'no-timestamp.parquet', dataChange: false } },
      { domainMetadata: { domain: 'gone', configuration: '{}', removed: true } },
    ],
    [
      {
        remove: {
          path: add(3).path,
          deletionTimestamp: NOW - 2 * DAY,
          dataChange: true,
          deletionVector: DV3,
          baseRowId: 5,
        },
      },
      {
        add: add(3, {
          deletionVector: {
            storageType: 'u',
            pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^',
            offset: 60,
            sizeInBytes: 44,
            cardinality: 9,
          },
        }),
      },
      { txn: { appId: 'recent', version: 8, lastUpdated: NOW - DAY / 2 } },
    ],
  ];
}

async function storeWith(commits: Action[][]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (let v = 0; v < commits.length; v++) await store.put(commitPath(v), serializeActions(commits[v]!));
  return store;
}

/** A store holding only `keys` of `from` (checkpoint + later commits). */
async function subset(from: MemoryStore, keys: string[]): Promise<MemoryStore> {
  const to = new MemoryStore();
  for (const k of keys) await to.put(k, await from.get(k));
  return to;
}

/** Stats reduced to typed scalars (as strings), so JSON and stats_parsed encodings compare equal. */
function typedStats(schema: StructType, s: FileStats | undefined): unknown {
  if (!s) return undefined;
  const walk = (obj: unknown, path: string[], count: boolean): unknown => {
    if (!obj || typeof obj !== 'object') return obj;
    return Object.fromEntries(
      Object.entries(obj as Record<string, unknown>).map(([k, v]) => {
        const logical = SCHEMA_BY_PHYSICAL.get(k) ?? k;
        const p = [...path, logical];
        if (v && typeof v === 'object') return [k, walk(v, p, count)];
        const type = findField(schema, p)?.type;
        return [k, count || !type ? v : String(parseStatsValue(v, type))];
      }),
    );
  };
  return clean({
    numRecords: s.numRecords,
    tightBounds: s.tightBounds,
    minValues: walk(s.minValues, [], false),
    maxValues: walk(s.maxValues, [], false),
    nullCount: walk(s.nullCount, [], true),
  });
}
const SCHEMA_BY_PHYSICAL = new Map<string, string>();
const collect = (fields: { name: string; type: unknown; metadata: Record<string, unknown> }[]) => {
  for (const f of fields) {
    SCHEMA_BY_PHYSICAL.set(f.metadata['delta.columnMapping.physicalName'] as string, f.name);
    const t = f.type as { fields?: typeof fields };
    if (t.fields) collect(t.fields);
  }
};
collect(SCHEMA.fields as never);

function statsView(state: TableState): unknown {
  const schema = parseSchemaString(state.metadata!.schemaString);
  return [...state.files.values()]
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((a) => [
      a.path,
      typedStats(schema, typeof a.stats === 'string' ? (JSON.parse(a.stats) as FileStats) : state.parsedStats.get(a)),
    ]);
}

/** Expected state after a checkpoint at NOW: expired txns and tombstones dropped, rest unchanged. */
function withoutExpired(state: TableState, tombstoneRetention = 7 * DAY, txnRetention = 2 * DAY): TableState {
  const s = state.clone();
  for (const [k, r] of s.tombstones) if ((r.deletionTimestamp ?? 0) <= NOW - tombstoneRetention) s.tombstones.delete(k);
  for (const [k, t] of s.txns)
    if (typeof t.lastUpdated === 'number' && t.lastUpdated <= NOW - txnRetention) s.txns.delete(k);
  return s;
}

describe('writeCheckpoint round trip', () => {
  it('reproduces the state from the checkpoint alone, minus expired tombstones and txns', async () => {
    const store = await storeWith(syntheticCommits());
    const { state } = await loadState(createEngine(store));
    const result = await writeCheckpoint(createEngine(store), state, { now: NOW });
    expect(result).toMatchObject({
      version: 2,
      path: classicCheckpointPath(2),
      numOfAddFiles: 5,
      numOfRemoveFiles: 2,
      lastCheckpointUpdated: true,
    });
    // protocol + metaData + 2 txns (one expired) + 1 domain + 5 adds + 2 removes
    expect(result.size).toBe(12);

    const only = await subset(store, [classicCheckpointPath(2), LAST_CHECKPOINT]);
    const loaded = await loadState(createEngine(only));
    expect(loaded.segment.checkpoint?.version).toBe(2);
    expect(loaded.segment.commits).toEqual([]);
    const expected = withoutExpired(state);
    expect([...expected.tombstones.values()].map((r) => r.path).sort()).toEqual([add(1).path, add(3).path].sort());
    expect([...expected.txns.keys()].sort()).toEqual(['no-time', 'recent']);
    expect([...loaded.state.domains.keys()]).toEqual(['delta.rowTracking']);
    expect(summarize(loaded.state, { ignoreDataChange: true })).toEqual(
      summarize(expected, { ignoreDataChange: true }),
    );
    // A checkpoint changes no data: dataChange=false on its adds and removes, as Delta Spark writes.
    expect(
      new Set([...loaded.state.files.values(), ...loaded.state.tombstones.values()].map((a) => a.dataChange)),
    ).toEqual(new Set([false]));
    // Tombstones keep what vacuum needs; stats and tags are dropped, as the protocol says.
    const rm = [...loaded.state.tombstones.values()].find((r) => r.path === add(1).path)!;
    expect(rm).toMatchObject({ extendedFileMetadata: true, size: 1001, partitionValues: add(1).partitionValues });
    expect(rm.stats).toBeUndefined();
    expect(rm.tags).toBeUndefined();
  });

  it('gives the replayed state when later commits follow the checkpoint', async () => {
    const commits = syntheticCommits();
    const store = await storeWith(commits);
    const atOne = await loadState(createEngine(store), 1);
    await writeCheckpoint(createEngine(store), atOne.state, { now: 0 }); // now=0: nothing expires
    const later = await subset(store, [classicCheckpointPath(1), commitPath(2)]);
    const replayed = await loadState(createEngine(store));
    const loaded = await loadState(createEngine(later));
    expect(loaded.segment.checkpoint?.version).toBe(1);
    expect(loaded.segment.commits.map((c) => c.version)).toEqual([2]);
    expect(summarize(loaded.state)).toEqual(summarize(replayed.state));
    expect(statsView(loaded.state)).toEqual(statsView(replayed.state));
  });

  it('round-trips typed stats when only stats_parsed is written (writeStatsAsJson=false)', async () => {
    const store = await storeWith(
      syntheticCommits({ 'delta.checkpoint.writeStatsAsJson': 'false', 'delta.checkpoint.writeStatsAsStruct': 'true' }),
    );
    const { state } = await loadState(createEngine(store));
    await writeCheckpoint(createEngine(store), state, { now: 0 });
    const loaded = await loadState(createEngine(await subset(store, [classicCheckpointPath(2)])));
    for (const a of loaded.state.files.values()) expect(a.stats).toBeUndefined();
    const view = statsView(loaded.state) as [string, { minValues?: Record<string, unknown> } | undefined][];
    expect(view).toEqual(statsView(state));
    // The typed values really are there (not just equal because both are empty).
    const first = view.find(([p]) => p === add(0).path)![1]!;
    expect(first.minValues).toMatchObject({
      'col-amount': '150',
      'col-ts': '1704103200123000',
      'col-s': { 'col-s-b': 'ä b' },
    });

    // A checkpoint of that state (stats only parsed) keeps them too, as JSON and struct.
    const again = new MemoryStore();
    const twice = loaded.state.clone();
    twice.version = 3;
    await writeCheckpoint(createEngine(again), twice, { now: 0 });
    expect(statsView((await loadState(createEngine(again))).state)).toEqual(statsView(state));
  });

  it('writes typed partitionValues_parsed (physical names) next to the string map', async () => {
    const store = await storeWith(syntheticCommits());
    const { state } = await loadState(createEngine(store));
    const result = await writeCheckpoint(createEngine(store), state, { now: 0 });
    const { openParquetFile } = await import('../parquet/reader.js');
    const { encodeValue } = await import('../arrow/json-values.js');
    const file = await openParquetFile(store, result.path);
    const parsed: unknown[] = [];
    for await (const batch of file.readBatches()) {
      const addCol = batch.getChild('add')!;
      const pv = addCol.getChild('partitionValues_parsed')!;
      const path = addCol.getChild('path')!;
      for (let i = 0; i < batch.numRows; i++) if (path.get(i) !== null) parsed.push([path.get(i), encodeValue(pv, i)]);
    }
    file.close();
    const expected = [...state.files.values()].map((a) => [
      a.path,
      { 'col-day': a.partitionValues['col-day'], 'col-region': a.partitionValues['col-region'] },
    ]);
    const byPath = (x: unknown, y: unknown) => ((x as string[])[0]! < (y as string[])[0]! ? -1 : 1);
    expect(parsed.sort(byPath)).toEqual(expected.sort(byPath));
    expect(parsed).toContainEqual([add(0).path, { 'col-day': null, 'col-region': 'x:y' }]);
  });

  it('splits large states into batches and row groups without losing rows', async () => {
    const commits = syntheticCommits();
    const many: Action[] = Array.from({ length: 1000 }, (_, i) => ({ add: add(100 + i) }));
    const store = await storeWith([...commits, many]);
    const { state } = await loadState(createEngine(store));
    const result = await writeCheckpoint(createEngine(store), state, { now: 0, batchSize: 64 });
    expect(result.numOfAddFiles).toBe(1005);
    const footer = parseParquetFooter(await store.get(result.path), result.path);
    expect(footer.numRows).toBe(result.size);
    expect(footer.rowGroups.length).toBeGreaterThan(10);
    const loaded = await loadState(createEngine(await subset(store, [result.path])));
    expect(summarize(loaded.state, { ignoreDataChange: true })).toEqual(summarize(state, { ignoreDataChange: true }));
  });

  it('writes _last_checkpoint with size, byte size, file count, schema and a valid checksum', async () => {
    const store = await storeWith(syntheticCommits());
    const { state } = await loadState(createEngine(store));
    const result = await writeCheckpoint(createEngine(store), state, { now: NOW });
    const last = JSON.parse(new TextDecoder().decode(await store.get(LAST_CHECKPOINT))) as Record<string, unknown>;
    expect(Object.keys(last)).toEqual([
      'version',
      'size',
      'sizeInBytes',
      'numOfAddFiles',
      'checkpointSchema',
      'checksum',
    ]);
    expect(last).toMatchObject({
      version: 2,
      size: result.size,
      sizeInBytes: (await store.head(result.path)).size,
      numOfAddFiles: 5,
    });
    expect(last.checksum).toBe(lastCheckpointChecksum(last as never));
  });

  it('leaves a newer _last_checkpoint alone', async () => {
    const store = await storeWith(syntheticCommits());
    await store.put(LAST_CHECKPOINT, new TextEncoder().encode('{"version":9,"size":1}'));
    const { state } = await loadState(createEngine(store), 1);
    const result = await writeCheckpoint(createEngine(store), state, { now: 0 });
    expect(result.lastCheckpointUpdated).toBe(false);
    expect(new TextDecoder().decode(await store.get(LAST_CHECKPOINT))).toBe('{"version":9,"size":1}');
    expect((await store.head(classicCheckpointPath(1))).size).toBe(result.sizeInBytes);
  });

  it('honours delta.deletedFileRetentionDuration', async () => {
    const store = await storeWith(syntheticCommits({ 'delta.deletedFileRetentionDuration': 'interval 36 hours' }));
    const { state } = await loadState(createEngine(store));
    const result = await writeCheckpoint(createEngine(store), state, { now: NOW });
    expect(result.numOfRemoveFiles).toBe(1); // only the one deleted a day ago
    const loaded = await loadState(createEngine(await subset(store, [result.path])));
    expect([...loaded.state.tombstones.values()].map((r) => r.path)).toEqual([add(1).path]);
  });

  it('refuses a state without protocol/metadata and fails (without hanging) when the upload fails', async () => {
    await expect(writeCheckpoint(createEngine(new MemoryStore()), new TableState())).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    const store = await storeWith(syntheticCommits());
    const { state } = await loadState(createEngine(store));
    const failing = Object.assign(Object.create(store) as MemoryStore, {
      putStream: async () => {
        throw new StorageError('disk full');
      },
    });
    await expect(writeCheckpoint(createEngine(failing), state, { batchSize: 1 })).rejects.toThrow('disk full');
  });
});
