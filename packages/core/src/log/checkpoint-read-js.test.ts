/**
 * The pure-JS checkpoint decoder (small files) must produce exactly what the Arrow path
 * produces, or decline. Checked on every Parquet checkpoint and sidecar of the corpus
 * (Spark, delta-rs, kernel) and on checkpoints we write ourselves, partitioned and with
 * typed stats only.
 */
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Action, AddFile, FileStats } from '../protocol/actions.js';
import { defaultParquetHandler } from '../parquet/handler.js';
import { openParquetFile } from '../parquet/reader.js';
import { LocalStore } from '../storage/local-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { batchToActions } from './checkpoint-read.js';
import { checkpointActionsJs } from './checkpoint-read-js.js';
import { writeCheckpoint } from './checkpoint-write.js';
import { loadState } from './load.js';
import { copyCorpusTable, CORPUS } from '../../test/support/log-fixtures.js';
import { createEngine } from '../engine/engine.js';

const COLUMNS = ['add', 'remove', 'metaData', 'protocol', 'txn', 'domainMetadata', 'checkpointMetadata', 'sidecar'];

async function viaArrow(store: ObjectStore, path: string): Promise<Action[]> {
  const out: Action[] = [];
  const parsed = new Map<AddFile, FileStats>();
  const file = await openParquetFile(store, path);
  for await (const batch of file.readBatches({ batchSize: 65536 })) batchToActions(batch, out, parsed);
  file.close();
  return out;
}

async function viaJs(store: ObjectStore, path: string): Promise<Action[] | undefined> {
  const size = (await store.head(path)).size;
  return checkpointActionsJs(
    await defaultParquetHandler.openFile(store, path, { size, footerPrefetch: size }),
    COLUMNS,
  );
}

/** Parquet files under every `_delta_log` of the corpus (checkpoints, multi-part, v2, sidecars). */
function corpusLogParquet(): { table: string; path: string }[] {
  const out: { table: string; path: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.parquet') && p.includes('/_delta_log/')) {
        const i = p.indexOf('/_delta_log/');
        out.push({ table: p.slice(0, i), path: p.slice(i + 1) });
      }
    }
  };
  walk(CORPUS);
  return out;
}

describe('checkpoint decoding in JS', () => {
  const files = corpusLogParquet();

  it('finds the corpus checkpoints', () => {
    expect(files.length).toBeGreaterThan(25);
  });

  it.each(files.map((f) => [relative(CORPUS, f.table) + '/' + f.path, f] as const))(
    'matches the Arrow path: %s',
    async (_name, f) => {
      const store = new LocalStore(f.table); // read only
      const arrow = await viaArrow(store, f.path);
      const js = await viaJs(store, f.path);
      if (js !== undefined) expect(js).toEqual(arrow);
    },
  );

  it('decodes most corpus checkpoints itself', async () => {
    let decoded = 0;
    for (const f of files) if ((await viaJs(new LocalStore(f.table), f.path)) !== undefined) decoded++;
    expect(decoded).toBeGreaterThan(files.length * 0.8);
  });

  it('matches on our own checkpoints: partitioned (partitionValues_parsed), deletion vectors', async () => {
    for (const table of ['delta-golden/dv-partitioned-with-checkpoint', 'delta-golden/data-reader-partition-values']) {
      const dir = await copyCorpusTable(table);
      try {
        const store = new LocalStore(dir);
        const { state } = await loadState(createEngine(store));
        const { path } = await writeCheckpoint(createEngine(store), state, { now: 0 });
        const js = await viaJs(store, path);
        expect(js).toBeDefined();
        expect(js).toEqual(await viaArrow(store, path));
        expect(js!.some((a) => a.add && Object.keys(a.add.partitionValues).length > 0)).toBe(true);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  it('declines a checkpoint whose stats exist only as stats_parsed', async () => {
    const dir = await copyCorpusTable('delta-golden/data-skipping-basic-stats-all-types-checkpoint');
    try {
      const store = new LocalStore(dir);
      const { state } = await loadState(createEngine(store));
      const typedOnly = state.clone();
      typedOnly.metadata = {
        ...typedOnly.metadata!,
        configuration: {
          ...typedOnly.metadata!.configuration,
          'delta.checkpoint.writeStatsAsJson': 'false',
          'delta.checkpoint.writeStatsAsStruct': 'true',
        },
      };
      const { path } = await writeCheckpoint(createEngine(store), typedOnly, { now: 0 });
      expect(await viaJs(store, path)).toBeUndefined();
      // The snapshot load still gets the stats (from the Arrow path).
      const loaded = await loadState(createEngine(store));
      const adds = [...loaded.state.files.values()];
      expect(adds.length).toBeGreaterThan(0);
      for (const a of adds) expect(a.stats ?? loaded.state.parsedStats.get(a)).toBeTruthy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
