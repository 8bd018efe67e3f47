import { readdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VersionNotFoundError } from '../errors.js';
import type { Action } from '../protocol/actions.js';
import { LocalStore } from '../storage/local-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import { copyCorpusTable, summarize } from '../../test/support/log-fixtures.js';
import { writeCheckpoint } from './checkpoint-write.js';
import { cleanupExpiredLogs } from './cleanup.js';
import { serializeActions } from './commit-file.js';
import {
  classicCheckpointPath,
  commitPath,
  LAST_CHECKPOINT,
  LOG_DIR,
  SIDECAR_DIR,
  versionPrefix,
} from './file-names.js';
import { loadState } from './load.js';
import type { TableState } from './replay.js';
import { createEngine } from '../engine/engine.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 6, 1, 12); // noon; with 5 days retention the cutoff is June 26 00:00 UTC
const COMMIT0 = Date.UTC(2024, 5, 18, 1); // commit v at June 18 + v days, 01:00
const UUID4 = '11111111-2222-3333-4444-555555555555';
const UUID9 = '99999999-2222-3333-4444-555555555555';
const LATEST = 12;

const schema = JSON.stringify({ type: 'struct', fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }] });

function commitActions(v: number, config: Record<string, string>): Action[] {
  const add = (i: number): Action => ({
    add: { path: `part-${i}.parquet`, partitionValues: {}, size: 100 + i, modificationTime: COMMIT0, dataChange: true },
  });
  if (v === 0) {
    return [
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      {
        metaData: {
          id: 't',
          format: { provider: 'parquet' },
          schemaString: schema,
          partitionColumns: [],
          configuration: config,
        },
      },
      add(0),
    ];
  }
  const actions: Action[] = [add(v), { commitInfo: { operation: 'WRITE', timestamp: COMMIT0 + v * DAY } }];
  if (v % 4 === 0)
    actions.push({ remove: { path: `part-${v - 1}.parquet`, deletionTimestamp: COMMIT0 + v * DAY, dataChange: true } });
  return actions;
}

const name = (v: number, rest: string) => `${LOG_DIR}/${versionPrefix(v)}.${rest}`;

/** Parquet bytes of the state at version v (as a classic checkpoint or a sidecar would hold it). */
async function stateBytes(states: TableState[], v: number): Promise<Uint8Array> {
  const scratch = new MemoryStore();
  await writeCheckpoint(createEngine(scratch), states[v]!, { now: 0 });
  return scratch.get(classicCheckpointPath(v));
}

/**
 * A log of versions 0..12 with every kind of log file: commits (+ version checksums, some with
 * Hadoop `.crc` twins), a classic checkpoint at 3, a UUID-named JSON v2 checkpoint with a sidecar
 * at 4, a complete multi-part checkpoint at 6, an incomplete one at 8, a v2 checkpoint at 9,
 * compacted logs 2-4 and 5-7, and sidecars (two referenced, two orphans: one old, one new).
 */
async function syntheticLog(config: Record<string, string> = { 'delta.logRetentionDuration': 'interval 5 days' }) {
  const store = new MemoryStore();
  const states: TableState[] = [];
  for (let v = 0; v <= LATEST; v++) {
    await store.put(commitPath(v), serializeActions(commitActions(v, config)));
    await store.put(name(v, 'crc'), new TextEncoder().encode('{}'));
    states.push((await loadState(createEngine(store))).state);
  }
  await store.put(`${LOG_DIR}/.${versionPrefix(1)}.json.crc`, new Uint8Array(8));
  await store.put(`${LOG_DIR}/.${versionPrefix(7)}.json.crc`, new Uint8Array(8));

  await store.put(classicCheckpointPath(3), await stateBytes(states, 3));
  const v2 = async (v: number, uuid: string, sidecar: string) => {
    const bytes = await stateBytes(states, v);
    await store.put(`${SIDECAR_DIR}/${sidecar}`, bytes);
    const head: Action[] = [
      { checkpointMetadata: { version: v } },
      { protocol: states[v]!.protocol! },
      { metaData: states[v]!.metadata! },
      { sidecar: { path: sidecar, sizeInBytes: bytes.length, modificationTime: 0 } },
    ];
    await store.put(name(v, `checkpoint.${uuid}.json`), serializeActions(head));
  };
  await v2(4, UUID4, 'sidecar-4.parquet');
  const six = await stateBytes(states, 6);
  await store.put(name(6, 'checkpoint.0000000001.0000000002.parquet'), six);
  await store.put(name(6, 'checkpoint.0000000002.0000000002.parquet'), six);
  await store.put(name(8, 'checkpoint.0000000001.0000000002.parquet'), await stateBytes(states, 8));
  await v2(9, UUID9, 'sidecar-9.parquet');
  await store.put(name(2, `${versionPrefix(4)}.compacted.json`), new Uint8Array(0));
  await store.put(name(5, `${versionPrefix(7)}.compacted.json`), new Uint8Array(0));
  await store.put(`${SIDECAR_DIR}/orphan-old.parquet`, new Uint8Array(4));
  await store.put(`${SIDECAR_DIR}/orphan-new.parquet`, new Uint8Array(4));
  await store.put(LAST_CHECKPOINT, new TextEncoder().encode('{"version":3,"size":4}'));

  // Only commit times decide; every other file is "new" except the sidecars we age on purpose.
  for await (const meta of store.list('')) store.setLastModified(meta.path, NOW - HOUR);
  for (let v = 0; v <= LATEST; v++) store.setLastModified(commitPath(v), COMMIT0 + v * DAY);
  store.setLastModified(`${SIDECAR_DIR}/sidecar-4.parquet`, NOW - 10 * DAY);
  store.setLastModified(`${SIDECAR_DIR}/sidecar-9.parquet`, NOW - 10 * DAY);
  store.setLastModified(`${SIDECAR_DIR}/orphan-old.parquet`, NOW - 10 * DAY);
  store.setLastModified(`${SIDECAR_DIR}/orphan-new.parquet`, NOW - 2 * HOUR);
  return { store, states };
}

async function keys(store: MemoryStore): Promise<string[]> {
  const out: string[] = [];
  for await (const m of store.list('')) out.push(m.path);
  return out;
}

/** Versions from `first` on load to exactly the original states; older ones are gone. */
async function expectReachableFrom(store: MemoryStore | LocalStore, states: TableState[], first: number, last: number) {
  for (let v = 0; v <= last; v++) {
    if (v < first) {
      await expect(loadState(createEngine(store), v)).rejects.toBeInstanceOf(VersionNotFoundError);
    } else {
      expect(summarize((await loadState(createEngine(store), v)).state, { ignoreDataChange: true })).toEqual(
        summarize(states[v]!, { ignoreDataChange: true }),
      );
    }
  }
}

describe('cleanupExpiredLogs', () => {
  it('deletes exactly the files before the newest checkpoint at or before the cutoff commit', async () => {
    const { store, states } = await syntheticLog();
    const before = await keys(store);
    const result = await cleanupExpiredLogs(createEngine(store), states[LATEST]!, { now: NOW });
    // Cutoff June 26 00:00: commit 7 (June 25 01:00) is the cutoff commit, 8 is newer.
    // The newest complete checkpoint <= 7 is the multi-part one at 6 (8's is incomplete).
    expect(result.cutoffTimestamp).toBe(Date.UTC(2024, 5, 26));
    expect(result.checkpointVersion).toBe(6);
    const expected = [
      ...[0, 1, 2, 3, 4, 5].flatMap((v) => [commitPath(v), name(v, 'crc')]),
      `${LOG_DIR}/.${versionPrefix(1)}.json.crc`,
      classicCheckpointPath(3),
      name(4, `checkpoint.${UUID4}.json`),
      name(2, `${versionPrefix(4)}.compacted.json`),
      name(5, `${versionPrefix(7)}.compacted.json`),
      `${SIDECAR_DIR}/sidecar-4.parquet`,
      `${SIDECAR_DIR}/orphan-old.parquet`,
    ];
    expect([...result.deleted].sort()).toEqual(expected.sort());
    // Oldest first, sidecars last.
    expect(result.deleted[0]).toMatch(/00000000000000000000\./);
    expect(result.deleted.slice(-2).every((p) => p.startsWith(SIDECAR_DIR))).toBe(true);
    expect((await keys(store)).sort()).toEqual(before.filter((k) => !expected.includes(k)).sort());
    expect(await keys(store)).toContain(LAST_CHECKPOINT);
    expect(await keys(store)).toContain(`${SIDECAR_DIR}/orphan-new.parquet`);
    expect(await keys(store)).toContain(`${SIDECAR_DIR}/sidecar-9.parquet`);
    await expectReachableFrom(store, states, 6, LATEST);

    // Running again changes nothing.
    expect((await cleanupExpiredLogs(createEngine(store), states[LATEST]!, { now: NOW })).deleted).toEqual([]);
  });

  it('treats commit times as monotonic: an old mtime after a newer commit does not move the cutoff', async () => {
    const { store, states } = await syntheticLog();
    store.setLastModified(commitPath(5), NOW - HOUR); // 5 looks newer than the cutoff...
    // ...so 6 and 7, despite their old mtimes, count as newer too: the cutoff commit is 4.
    const result = await cleanupExpiredLogs(createEngine(store), states[LATEST]!, { now: NOW });
    expect(result.checkpointVersion).toBe(4);
    expect(
      result.deleted.filter((p) => p.endsWith('.json') && !p.includes('checkpoint') && !p.includes('compacted')).sort(),
    ).toEqual([0, 1, 2, 3].map(commitPath));
    await expectReachableFrom(store, states, 4, LATEST);
  });

  it('takes retention from options or delta.logRetentionDuration (default 30 days)', async () => {
    const { store, states } = await syntheticLog({});
    // Default 30 days: the cutoff (June 1) is before every commit, so nothing qualifies.
    expect(await cleanupExpiredLogs(createEngine(store), states[LATEST]!, { now: NOW })).toMatchObject({
      deleted: [],
      skipped: 'no-checkpoint-before-cutoff',
    });
    const r = await cleanupExpiredLogs(createEngine(store), states[LATEST]!, {
      now: NOW,
      retentionMs: 0,
      dryRun: true,
    });
    // Retention 0: cutoff is today's midnight, every commit is older; newest checkpoint is 9.
    expect(r.checkpointVersion).toBe(9);
    expect(r.deleted).toContain(commitPath(8));
    expect(r.deleted).not.toContain(commitPath(9));
    expect(r.deleted).toContain(`${SIDECAR_DIR}/sidecar-4.parquet`);
    expect(await keys(store)).toContain(commitPath(0)); // dry run
  });

  it('does nothing when delta.enableExpiredLogCleanup is false', async () => {
    const { store, states } = await syntheticLog({
      'delta.logRetentionDuration': 'interval 5 days',
      'delta.enableExpiredLogCleanup': 'false',
    });
    const before = await keys(store);
    expect(await cleanupExpiredLogs(createEngine(store), states[LATEST]!, { now: NOW })).toMatchObject({
      deleted: [],
      skipped: 'disabled',
    });
    expect(await keys(store)).toEqual(before);
  });

  it('never deletes anything newer than the state it was given', async () => {
    const { store, states } = await syntheticLog();
    const r = await cleanupExpiredLogs(createEngine(store), states[5]!, { now: NOW, retentionMs: 0, dryRun: true });
    expect(r.checkpointVersion).toBe(4);
  });

  it('cleans a copied Spark table on local disk (mtimes set with utimes)', async () => {
    const dir = await copyCorpusTable('delta-golden/checkpoint');
    try {
      const store = new LocalStore(dir);
      const states: TableState[] = [];
      for (let v = 0; v <= 14; v++) states.push((await loadState(createEngine(store), v)).state);
      const log = join(dir, LOG_DIR);
      const old = new Date(Date.UTC(2020, 0, 1));
      for (const f of await readdir(log)) await utimes(join(log, f), old, old);
      const result = await cleanupExpiredLogs(createEngine(store), states[14]!, { now: Date.UTC(2024, 0, 1) });
      expect(result.checkpointVersion).toBe(10);
      expect([...result.deleted].sort()).toEqual(Array.from({ length: 10 }, (_, v) => commitPath(v)).sort());
      const left = (await readdir(log)).sort();
      expect(left).toContain('.00000000000000000010.checkpoint.parquet.crc');
      expect(left).toContain('_last_checkpoint');
      expect(left.filter((f) => f.endsWith('.json'))).toEqual(
        [10, 11, 12, 13, 14].map((v) => `${versionPrefix(v)}.json`),
      );
      await expectReachableFrom(store, states, 10, 14);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('cleanupExpiredLogs: what failed checkpoint runs left', () => {
  it('deletes an incomplete multi-part set once it is older than the cutoff, never the set _last_checkpoint names', async () => {
    const { store, states } = await syntheticLog();
    const eight = name(8, 'checkpoint.0000000001.0000000002.parquet');
    // A failed run at 10 that wrote 1 of 3 parts, and a run in progress at 11 (written an hour ago).
    const ten = name(10, 'checkpoint.0000000002.0000000003.parquet');
    const eleven = name(11, 'checkpoint.0000000001.0000000002.parquet');
    await store.put(ten, await stateBytes(states, 10));
    await store.put(eleven, await stateBytes(states, 11));
    store.setLastModified(ten, NOW - 10 * DAY);
    store.setLastModified(eleven, NOW - HOUR);
    store.setLastModified(eight, NOW - 10 * DAY);
    const complete6 = [1, 2].map((i) => name(6, `checkpoint.000000000${i}.0000000002.parquet`));
    for (const p of complete6) store.setLastModified(p, NOW - 10 * DAY);

    const r = await cleanupExpiredLogs(createEngine(store), states[LATEST]!, { now: NOW, dryRun: true });
    expect(r.checkpointVersion).toBe(6);
    expect(r.deleted).toEqual(expect.arrayContaining([eight, ten]));
    for (const p of [eleven, ...complete6]) expect(r.deleted).not.toContain(p);

    // The same incomplete set named by _last_checkpoint (version and part count) stays.
    await store.put(LAST_CHECKPOINT, new TextEncoder().encode('{"version":10,"size":4,"parts":3}'));
    const named = await cleanupExpiredLogs(createEngine(store), states[LATEST]!, { now: NOW });
    expect(named.deleted).toContain(eight);
    expect(named.deleted).not.toContain(ten);
    expect(await keys(store)).toContain(ten);
    expect(await keys(store)).not.toContain(eight);
    await expectReachableFrom(store, states, 6, LATEST);
  });

  it('deletes an old top-level v2 checkpoint that names a missing sidecar, then the sidecars only it named', async () => {
    const { store, states } = await syntheticLog();
    const uuid = '77777777-2222-3333-4444-555555555555';
    const top = name(10, `checkpoint.${uuid}.json`);
    const bytes = await stateBytes(states, 10);
    await store.put(`${SIDECAR_DIR}/half-a.parquet`, bytes);
    const head: Action[] = [
      { checkpointMetadata: { version: 10 } },
      { protocol: states[10]!.protocol! },
      { metaData: states[10]!.metadata! },
      { sidecar: { path: 'half-a.parquet', sizeInBytes: bytes.length, modificationTime: 0 } },
      { sidecar: { path: 'half-b.parquet', sizeInBytes: bytes.length, modificationTime: 0 } },
    ];
    await store.put(top, serializeActions(head));
    store.setLastModified(`${SIDECAR_DIR}/half-a.parquet`, NOW - 10 * DAY);
    store.setLastModified(top, NOW - HOUR); // young: a run might still be writing half-b
    let r = await cleanupExpiredLogs(createEngine(store), states[LATEST]!, { now: NOW, dryRun: true });
    expect(r.deleted).not.toContain(top);
    expect(r.deleted).not.toContain(`${SIDECAR_DIR}/half-a.parquet`);

    store.setLastModified(top, NOW - 10 * DAY);
    r = await cleanupExpiredLogs(createEngine(store), states[LATEST]!, { now: NOW });
    expect(r.deleted).toEqual(expect.arrayContaining([top, `${SIDECAR_DIR}/half-a.parquet`]));
    // The complete v2 checkpoint at 9 and its sidecar stay, and every version from 6 loads.
    expect(r.deleted).not.toContain(name(9, `checkpoint.${UUID9}.json`));
    expect(await keys(store)).toContain(`${SIDECAR_DIR}/sidecar-9.parquet`);
    await expectReachableFrom(store, states, 6, LATEST);
  });
});
