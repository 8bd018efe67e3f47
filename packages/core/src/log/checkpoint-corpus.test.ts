/**
 * Round trip on real tables: for every loadable corpus table, checkpoint version V (latest - 1
 * when possible), delete every other checkpoint and all commits before V, and check that
 * loading V and the latest version from our checkpoint (+ later commits) gives exactly the
 * state that replaying the original log gave.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../storage/local-store.js';
import { copyCorpusTable, CORPUS, summarize } from '../../test/support/log-fixtures.js';
import { writeCheckpoint } from './checkpoint-write.js';
import { classicCheckpointPath, LAST_CHECKPOINT, LOG_DIR, parseLogFile } from './file-names.js';
import { loadState } from './load.js';
import { createEngine } from '../engine/engine.js';

const tables = (
  JSON.parse(readFileSync(join(CORPUS, 'index.json'), 'utf8')) as { tables: { path: string; negative: boolean }[] }
).tables
  .filter((t) => !t.negative)
  .map((t) => t.path);

async function loadable(store: LocalStore, version?: number) {
  try {
    return await loadState(createEngine(store), version);
  } catch {
    return undefined;
  }
}

describe('checkpoint round trip on corpus tables', () => {
  it('covers a good part of the corpus', () => {
    expect(tables.length).toBeGreaterThan(40);
  });

  it.each(tables)('%s', async (table) => {
    const dir = await copyCorpusTable(table);
    try {
      const store = new LocalStore(dir);
      const latest = await loadState(createEngine(store));
      const candidates =
        latest.state.version > 0 ? [latest.state.version - 1, latest.state.version] : [latest.state.version];
      let at: Awaited<ReturnType<typeof loadState>> | undefined;
      for (const v of candidates) if (!at) at = await loadable(store, v);
      expect(at).toBeDefined();
      const v = at!.state.version;

      // Leave only our checkpoint at v and the commits from v on.
      const stale: string[] = [LAST_CHECKPOINT];
      for await (const meta of store.list(`${LOG_DIR}/`, { recursive: false })) {
        const f = parseLogFile(meta);
        if (f && ((f.kind === 'checkpoint' && f.version !== v) || (f.kind !== 'checkpoint' && f.version < v)))
          stale.push(meta.path);
      }
      await store.deleteMany(stale);
      const result = await writeCheckpoint(createEngine(store), at!.state, { now: 0, batchSize: 3 });
      expect(result.path).toBe(classicCheckpointPath(v));
      expect(result.numOfAddFiles).toBe(at!.state.files.size);
      expect(result.lastCheckpointUpdated).toBe(true);

      const again = await loadState(createEngine(store), v);
      expect(again.segment.checkpoint?.files.map((f) => f.path)).toEqual([classicCheckpointPath(v)]);
      // Checkpoints carry dataChange=false, as Delta Spark writes them.
      expect(summarize(again.state, { ignoreDataChange: true })).toEqual(
        summarize(at!.state, { ignoreDataChange: true }),
      );

      const reloaded = await loadState(createEngine(store));
      expect(reloaded.segment.checkpoint?.version).toBe(v);
      expect(reloaded.segment.commits.map((c) => c.version)).toEqual(
        Array.from({ length: latest.state.version - v }, (_, i) => v + 1 + i),
      );
      expect(summarize(reloaded.state, { ignoreDataChange: true })).toEqual(
        summarize(latest.state, { ignoreDataChange: true }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
