/**
 * Checkpoints written in parts (issue 17): on a 50k-file table, a classic multi-part
 * checkpoint and a v2 checkpoint with sidecars hold exactly the actions of the single-file
 * checkpoint; our reader loads every layout to the state the JSON commits replay to; the
 * independent validator (its own Parquet reader and replay) accepts each; DuckDB reading the
 * part files sees the same add paths.
 */
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { summarize } from '../packages/core/test/support/log-fixtures.js';
import { readCheckpoint } from '../packages/core/src/log/checkpoint-read.js';
import { writeCheckpoint } from '../packages/core/src/log/checkpoint-write.js';
import {
  checkpointPartOf,
  commitCheckpointParts,
  planCheckpointParts,
  writeCheckpointInParts,
  writeCheckpointPart,
} from '../packages/core/src/log/checkpoint-parts.js';
import { serializeActions } from '../packages/core/src/log/commit-file.js';
import { commitPath, LAST_CHECKPOINT } from '../packages/core/src/log/file-names.js';
import { loadState } from '../packages/core/src/log/load.js';
import { resolveSegment } from '../packages/core/src/log/segment.js';
import type { Action, Protocol } from '../packages/core/src/protocol/actions.js';
import { LocalStore } from '../packages/core/src/storage/local-store.js';
import { createEngine, type Engine } from '../packages/core/src/engine/engine.js';
import { openDuckDb, sqlString } from './support/validate/deps.js';
import { validateTable } from './support/validate-table.js';
import {
  addAction,
  CLASSIC,
  commitInfoAction,
  metaDataAction,
  NOW,
  removeAction,
  V2,
} from './support/log-only-table.js';

const FILES = 50_000;

/** A log-only table: 5 commits of `files / 5` adds with stats, then removes of 1,000 and txns. */
async function buildTable(dir: string, protocol: Protocol, files = FILES): Promise<Engine> {
  const perCommit = files / 5;
  const store = new LocalStore(dir);
  await store.put(commitPath(0), serializeActions([commitInfoAction(0), { protocol }, metaDataAction('parts')]));
  for (let v = 1; v <= 5; v++) {
    const adds = Array.from({ length: perCommit }, (_, k) => addAction((v - 1) * perCommit + k, v));
    await store.put(commitPath(v), serializeActions([commitInfoAction(v), ...adds]));
  }
  const removes = Array.from({ length: 1000 }, (_, k) => removeAction(k * 37, 6));
  const txns: Action[] = ['a', 'b', 'c'].map((appId, k) => ({ txn: { appId, version: k + 1, lastUpdated: NOW } }));
  await store.put(commitPath(6), serializeActions([commitInfoAction(6), ...removes, ...txns]));
  return createEngine(store, { clock: { now: () => NOW + 60_000 } });
}

/** The checkpoint's actions as sorted JSON lines, without v2's own bookkeeping actions. */
async function checkpointActions(engine: Engine): Promise<string[]> {
  const { segment } = await resolveSegment(engine.store);
  expect(segment.checkpoint?.version).toBe(6);
  const { actions } = await readCheckpoint(engine, segment.checkpoint!);
  return actions
    .filter((a) => !a.sidecar && !a.checkpointMetadata && !a.protocol)
    .map((a) => JSON.stringify(a))
    .sort();
}

let db: { connection: DuckDBConnection; close: () => void };
let dir: string;
let single: string[];
let replayed: unknown;

beforeAll(async () => {
  db = await openDuckDb();
  dir = await mkdtemp(join(tmpdir(), 'cp-parts-'));
  const engine = await buildTable(join(dir, 'single'), CLASSIC);
  const { state } = await loadState(engine);
  replayed = summarize(state, { ignoreDataChange: true });
  const written = await writeCheckpoint(engine, state);
  expect(written.numOfAddFiles).toBe(FILES - 1000);
  single = await checkpointActions(engine);
  expect(single).toHaveLength(FILES - 1000 + 1000 + 3 + 1); // adds, tombstones, txns, metadata
}, 120_000);
afterAll(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoints in parts, 50k files', () => {
  it('classic multi-part: parts written by separate writers equal the single file, action for action', async () => {
    const table = join(dir, 'multi');
    const engine = await buildTable(table, CLASSIC);
    const { state } = await loadState(engine);
    const plan = planCheckpointParts(engine, state, { parts: 4 });
    expect(plan.layout).toBe('multi-part');
    // Parts in any order, as workers finish; one from its own load of the version, as a worker's.
    const own = await loadState(engine, plan.version);
    const results = [];
    for (const part of [2, 0, 3, 1])
      results.push(await writeCheckpointPart(engine, part === 2 ? own.state : state, plan, part));
    // Not visible (and not committable) until every part is there.
    await expect(commitCheckpointParts(engine, state, plan, results.slice(1))).rejects.toThrow(/part\(s\) 3/);
    const r = await commitCheckpointParts(engine, state, plan, results);
    expect(r.numOfAddFiles).toBe(FILES - 1000);
    const adds = results.map((p) => p.adds);
    expect(Math.min(...adds)).toBeGreaterThan((FILES - 1000) / 4 - 1000); // the hash spreads the files
    expect(await checkpointActions(engine)).toEqual(single);
    expect(summarize((await loadState(engine)).state, { ignoreDataChange: true })).toEqual(replayed);
    // DuckDB reads the four part files: the same add paths, each in the part its hash names.
    const files = results.map((p) => sqlString(join(table, p.path))).join(', ');
    const rows = (
      await db.connection.runAndReadAll(`SELECT filename, add.path AS p FROM read_parquet([${files}], filename = true)
        WHERE add IS NOT NULL`)
    ).getRowObjectsJson() as { filename: string; p: string }[];
    expect(rows.map((x) => x.p).sort()).toEqual(
      single
        .filter((l) => l.startsWith('{"add"'))
        .map((l) => JSON.parse(l).add.path)
        .sort(),
    );
    for (const x of rows.slice(0, 2000)) {
      const part = checkpointPartOf(x.p, 4);
      expect(x.filename.endsWith(`.checkpoint.${String(part + 1).padStart(10, '0')}.0000000004.parquet`)).toBe(true);
    }
  }, 120_000);

  it('v2 with sidecars: the same actions; the top-level checkpoint names every sidecar', async () => {
    const table = join(dir, 'v2');
    const engine = await buildTable(table, V2);
    const { state } = await loadState(engine);
    const r = await writeCheckpointInParts(engine, state, { parts: 3 });
    expect(r.path).toMatch(/\.checkpoint\.[0-9a-f-]{36}\.json$/);
    const { segment } = await resolveSegment(engine.store);
    const { actions } = await readCheckpoint(engine, segment.checkpoint!);
    expect(actions.filter((a) => a.sidecar)).toHaveLength(3);
    expect(actions.filter((a) => a.checkpointMetadata)).toEqual([{ checkpointMetadata: { version: 6 } }]);
    expect(await checkpointActions(engine)).toEqual(single);
    expect(summarize((await loadState(engine)).state, { ignoreDataChange: true })).toEqual({
      ...(replayed as object),
      protocol: V2,
    });
    // Without the top-level file the sidecars are nothing: the JSON commits are replayed.
    await unlink(join(table, r.path));
    await unlink(join(table, LAST_CHECKPOINT));
    expect((await resolveSegment(engine.store)).segment.checkpoint).toBeUndefined();
    expect(summarize((await loadState(engine)).state, { ignoreDataChange: true })).toEqual({
      ...(replayed as object),
      protocol: V2,
    });
  }, 120_000);

  it('the independent validator accepts both layouts (10k files: it replays every commit too)', async () => {
    for (const [name, protocol] of [
      ['valid-multi', CLASSIC],
      ['valid-v2', V2],
    ] as const) {
      const table = join(dir, name);
      const engine = await buildTable(table, protocol, 10_000);
      await writeCheckpointInParts(engine, (await loadState(engine)).state, { parts: 3 });
      const report = await validateTable(table, { checkFiles: false, checkData: false });
      expect(report.errors, name).toEqual([]);
      expect(report.activeFiles).toBe(10_000 - Math.ceil(10_000 / 37)); // removes hit every 37th file
    }
  }, 60_000);

  it('refuses sidecars on a table without v2Checkpoint', async () => {
    const engine = await buildTable(join(dir, 'refuse'), CLASSIC);
    const { state } = await loadState(engine);
    expect(() => planCheckpointParts(engine, state, { parts: 2, layout: 'v2-sidecars' })).toThrow(/v2Checkpoint/);
    expect(() => planCheckpointParts(engine, state, { parts: 0 })).toThrow(/parts must be/);
  }, 60_000);
});
