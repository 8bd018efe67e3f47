/**
 * Checkpoint part writers that read only their share (issue 17): when the previous checkpoint
 * was written in the same number of parts by checkpoint-parts.ts, part i's writer reads only
 * the previous checkpoint's part i (with part 1, or the v2 top level, for the table's actions)
 * and the commits after it; the parts it writes still equal the single-file checkpoint of the
 * whole state, action for action. Other previous checkpoints make it load the whole version.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../packages/core/test/support/log-fixtures.js';
import { loadCheckpointPartState } from '../packages/core/src/log/checkpoint-part-load.js';
import {
  checkpointPartOf,
  commitCheckpointParts,
  planCheckpointParts,
  writeCheckpointInParts,
  writeCheckpointPart,
} from '../packages/core/src/log/checkpoint-parts.js';
import { readCheckpoint } from '../packages/core/src/log/checkpoint-read.js';
import { writeCheckpoint } from '../packages/core/src/log/checkpoint-write.js';
import { serializeActions } from '../packages/core/src/log/commit-file.js';
import { classicCheckpointPath, commitPath } from '../packages/core/src/log/file-names.js';
import { loadState } from '../packages/core/src/log/load.js';
import type { TableState } from '../packages/core/src/log/replay.js';
import { resolveSegment } from '../packages/core/src/log/segment.js';
import type { Action, Protocol } from '../packages/core/src/protocol/actions.js';
import { LocalStore } from '../packages/core/src/storage/local-store.js';
import { MemoryStore } from '../packages/core/src/storage/memory-store.js';
import { createEngine, type Engine } from '../packages/core/src/engine/engine.js';
import { CountingStore } from './support/counting-store.js';
import {
  addAction,
  CLASSIC,
  commitInfoAction,
  metaDataAction,
  NOW,
  removeAction,
  V2,
} from './support/log-only-table.js';

const FILES = 12_000;
const PARTS = 3;
const add = addAction;
const remove = removeAction;
const info = commitInfoAction;

/** Versions 0-4 append FILES files; 5 removes every 37th and records txns. */
async function buildTable(dir: string, protocol: Protocol): Promise<Engine> {
  const store = new LocalStore(dir);
  await store.put(commitPath(0), serializeActions([info(0), { protocol }, metaDataAction('share')]));
  const per = FILES / 4;
  for (let v = 1; v <= 4; v++)
    await store.put(
      commitPath(v),
      serializeActions([info(v), ...Array.from({ length: per }, (_, k) => add((v - 1) * per + k, v))]),
    );
  const removes = Array.from({ length: Math.ceil(FILES / 37) }, (_, k) => remove(k * 37, 5));
  await store.put(commitPath(5), serializeActions([info(5), ...removes, { txn: { appId: 'a', version: 1 } }]));
  return createEngine(store, { clock: { now: () => NOW + 60_000 } });
}

/** Commits 6 and 7 after the first checkpoint: new files, removes of old ones, a re-add, a txn. */
async function moreCommits(engine: Engine): Promise<void> {
  const six = [info(6), ...Array.from({ length: 500 }, (_, k) => add(FILES + k, 6)), remove(1, 6), remove(2, 6)];
  const seven = [info(7), remove(FILES + 3, 7), add(37, 7), { txn: { appId: 'b', version: 4 } } as Action];
  await engine.store.put(commitPath(6), serializeActions(six));
  await engine.store.put(commitPath(7), serializeActions(seven));
}

/** A checkpoint's actions as sorted JSON lines, without v2's bookkeeping and the protocol. */
async function actionsOf(engine: Engine): Promise<string[]> {
  const { segment } = await resolveSegment(engine.store);
  const { actions } = await readCheckpoint(engine, segment.checkpoint!);
  return actions
    .filter((a) => !a.sidecar && !a.checkpointMetadata && !a.protocol)
    .map((a) => JSON.stringify(a))
    .sort();
}

/** What a single-file checkpoint of `state` holds. */
async function singleFile(state: TableState): Promise<string[]> {
  const scratch = createEngine(new MemoryStore(), { clock: { now: () => NOW + 60_000 } });
  await writeCheckpoint(scratch, state);
  const { actions } = await readCheckpoint(scratch, {
    version: state.version,
    files: [
      {
        kind: 'checkpoint',
        version: state.version,
        path: classicCheckpointPath(state.version),
        size: (await scratch.store.head(classicCheckpointPath(state.version))).size,
        lastModified: 0,
        format: 'parquet',
      },
    ],
  });
  return actions
    .filter((a) => !a.protocol)
    .map((a) => JSON.stringify(a))
    .sort();
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-share-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoint part writers reading only their share', () => {
  for (const [layout, protocol] of [
    ['multi-part', CLASSIC],
    ['v2-sidecars', V2],
  ] as const) {
    it(`${layout}: each part from its share of the previous checkpoint; together the single file`, async () => {
      const table = join(dir, layout);
      const engine = await buildTable(table, protocol);
      await writeCheckpointInParts(engine, (await loadState(engine)).state, { parts: PARTS });
      await moreCommits(engine);
      const full = (await loadState(engine)).state;
      expect(full.version).toBe(7);
      const plan = planCheckpointParts(engine, full, { parts: PARTS });
      expect(plan.layout).toBe(layout);
      const results = [];
      for (let part = 0; part < PARTS; part++) {
        const counting = new CountingStore(new LocalStore(table));
        const share = await loadCheckpointPartState(createEngine(counting), plan, part);
        expect(share, `part ${part}`).toBeDefined();
        // Only its own files (and the table's actions), a third of the table.
        expect(share!.files.size).toBeLessThan(full.files.size / 2);
        for (const key of share!.files.keys()) expect(checkpointPartOf(key, PARTS)).toBe(part);
        expect(share!.metadata).toEqual(full.metadata);
        expect([...share!.txns.values()]).toEqual([...full.txns.values()]);
        // Read from storage: no other part's file (multi-part: part 1 for the table's actions).
        const read = counting.requests.filter((r) => r.kind === 'get').map((r) => r.path);
        const others = read.filter((p) => /checkpoint\.\d{10}\.\d{10}\.parquet$|_sidecars\//.test(p));
        const allowed = layout === 'multi-part' ? new Set([0, part]).size : 1;
        expect(new Set(others).size, others.join(', ')).toBe(allowed);
        results.push(await writeCheckpointPart(engine, share!, plan, part));
      }
      await commitCheckpointParts(engine, full, plan, results);
      expect(await actionsOf(engine)).toEqual(await singleFile(full));
      expect(summarize((await loadState(engine)).state, { ignoreDataChange: true })).toEqual(
        summarize(full, { ignoreDataChange: true }),
      );
    }, 120_000);
  }

  it('loads the whole version (undefined) when the previous checkpoint has another part count or is one file', async () => {
    const engine = await buildTable(join(dir, 'fallback'), CLASSIC);
    await writeCheckpointInParts(engine, (await loadState(engine)).state, { parts: PARTS });
    await moreCommits(engine);
    const full = (await loadState(engine)).state;
    expect(await loadCheckpointPartState(engine, planCheckpointParts(engine, full, { parts: 2 }), 1)).toBeUndefined();
    await writeCheckpoint(engine, full); // a single file at 7
    await engine.store.put(commitPath(8), serializeActions([info(8), add(FILES + 900, 8)]));
    const next = (await loadState(engine)).state;
    expect(
      await loadCheckpointPartState(engine, planCheckpointParts(engine, next, { parts: PARTS }), 0),
    ).toBeUndefined();
  }, 120_000);
});
