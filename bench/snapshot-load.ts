/**
 * snapshot-load: a table with 2,000 commits (versions 0..1999) whose checkpoint at version
 * 1990 holds 100,000 add actions (plus 990 tombstones), then 9 small commits after it.
 * Data files do not exist: loading a snapshot reads only the log.
 *   load        loadSnapshot(LocalStore) counting requests and sequential waves
 *   load-30ms   the same through a store adding 30 ms per request / list page (S3-like)
 * Goals: < 1.5 s and <= 3 waves.
 */
import type { Harness, Params, Variant } from './lib/harness.js';
import { importCoreWithInternal, timed } from './lib/libs.js';
import { printFresh, printWarm, summarize } from './lib/report.js';
import { printTable, startTimer } from './lib/timing.js';

export const description = '2,000 commits + checkpoint of 100k adds: loadSnapshot time, requests and waves';

const LAYOUT = 1;
const CHECKPOINT_VERSION = 1990;
const LAST_VERSION = 1999;
const ADD_COMMITS = 1000;
const ADDS_PER_COMMIT = 100;
const EXPECTED_FILES = ADD_COMMITS * ADDS_PER_COMMIT + (LAST_VERSION - CHECKPOINT_VERSION);

interface LoadParams extends Params {
  dir: string;
  latencyMs: number;
}

async function load(p: Params) {
  const { dir, latencyMs } = p as LoadParams;
  const { value: core, ms: importMs } = await timed(importCoreWithInternal);
  const { InstrumentedStore } = await import('./lib/store.js');
  const store = new InstrumentedStore(new core.LocalStore(dir), latencyMs);
  const stop = startTimer();
  const snap = await core.loadSnapshot(core.createEngine(store));
  const t = stop();
  if (snap.version !== LAST_VERSION || snap.numFiles !== EXPECTED_FILES) {
    throw new Error(
      `snapshot-load: got version ${snap.version} with ${snap.numFiles} files, expected ${LAST_VERSION} / ${EXPECTED_FILES}`,
    );
  }
  const c = store.counters;
  return {
    ...t,
    importMs,
    requests: c.requests,
    waves: c.waves,
    gets: c.gets,
    lists: c.lists,
    listPages: c.listPages,
    heads: c.heads,
    bytesRead: c.bytesRead,
    waveLog: store.waveSummary().join('\n'),
  };
}

export const variants: Record<string, Variant> = {
  load: (p) => load({ ...p, latencyMs: 0 }),
  'load-30ms': (p) => load({ ...p, latencyMs: 30 }),
};

// ---- table construction (parent only) ----

const SCHEMA_STRING = JSON.stringify({
  type: 'struct',
  fields: [
    ['id', 'long', false],
    ['ts', 'timestamp', false],
    ['category', 'string', false],
    ['value', 'double', false],
    ['qty', 'integer', false],
    ['flag', 'boolean', false],
    ['note', 'string', true],
  ].map(([name, type, nullable]) => ({ name, type, nullable, metadata: {} })),
});

function addAction(n: number, version: number, now: number): string {
  const lo = n * 100_000;
  const stats = {
    numRecords: 100_000,
    minValues: {
      id: lo,
      ts: new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString(),
      category: 'alpha',
      value: -499.9,
      qty: 0,
      note: 'n-100',
    },
    maxValues: {
      id: lo + 99_999,
      ts: new Date(Date.UTC(2024, 0, 1) + n * 1000 + 999).toISOString(),
      category: 'zeta',
      value: 499.9,
      qty: 9999,
      note: 'n-99994',
    },
    nullCount: { id: 0, ts: 0, category: 0, value: 0, qty: 0, flag: 0, note: 20_000 },
  };
  return JSON.stringify({
    add: {
      path: `part-${String(version).padStart(5, '0')}-${String(n).padStart(7, '0')}-c000.snappy.parquet`,
      partitionValues: {},
      size: 3_100_000 + (n % 100_000),
      modificationTime: now,
      dataChange: true,
      stats: JSON.stringify(stats),
    },
  });
}

function commitInfo(version: number, now: number, op = 'WRITE'): string {
  return JSON.stringify({
    commitInfo: {
      timestamp: now + version,
      operation: op,
      operationParameters: { mode: 'Append' },
      readVersion: version - 1,
      isBlindAppend: true,
      engineInfo: 'bench',
    },
  });
}

/** Build (or reuse) the table under bench/.data/snapshot-2000 (also uploaded by s3-snapshot-load). */
export async function ensureTable(): Promise<string> {
  const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { DATA_DIR } = await import('./lib/paths.js');
  const core = await importCoreWithInternal();
  const dir = join(DATA_DIR, 'snapshot-2000');
  const marker = join(DATA_DIR, 'snapshot-2000.json');
  if (existsSync(marker) && (JSON.parse(readFileSync(marker, 'utf8')) as { layout: number }).layout === LAYOUT)
    return dir;
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const log = join(dir, '_delta_log');
  mkdirSync(log, { recursive: true });
  const now = Date.now();
  const write = (v: number, lines: string[]) =>
    writeFileSync(join(log, `${core.versionPrefix(v)}.json`), lines.join('\n') + '\n');
  write(0, [
    JSON.stringify({
      commitInfo: {
        timestamp: now,
        operation: 'CREATE TABLE',
        operationParameters: {},
        isBlindAppend: true,
        engineInfo: 'bench',
      },
    }),
    JSON.stringify({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }),
    JSON.stringify({
      metaData: {
        id: 'b3c1f0e2-0000-4000-8000-000000002000',
        format: { provider: 'parquet', options: {} },
        schemaString: SCHEMA_STRING,
        partitionColumns: [],
        configuration: {},
        createdTime: now,
      },
    }),
  ]);
  let n = 0;
  const pathOf: string[] = [];
  for (let v = 1; v <= ADD_COMMITS; v++) {
    const lines = [commitInfo(v, now)];
    for (let k = 0; k < ADDS_PER_COMMIT; k++) {
      const a = addAction(n++, v, now);
      pathOf.push((JSON.parse(a) as { add: { path: string } }).add.path);
      lines.push(a);
    }
    write(v, lines);
  }
  // Replace one file per commit: active files stay at 100,000, tombstones accumulate.
  for (let v = ADD_COMMITS + 1; v <= CHECKPOINT_VERSION; v++) {
    const victim = pathOf[(v - ADD_COMMITS - 1) * ADDS_PER_COMMIT]!;
    const remove = JSON.stringify({
      remove: {
        path: victim,
        deletionTimestamp: now,
        dataChange: true,
        extendedFileMetadata: true,
        partitionValues: {},
        size: 3_100_000,
      },
    });
    write(v, [commitInfo(v, now, 'OPTIMIZE'), remove, addAction(n++, v, now)]);
  }
  const snap = await core.loadSnapshot(core.createEngine(new core.LocalStore(dir)));
  const cp = await core.writeCheckpoint(core.createEngine(new core.LocalStore(dir)), snap.state);
  for (let v = CHECKPOINT_VERSION + 1; v <= LAST_VERSION; v++) write(v, [commitInfo(v, now), addAction(n++, v, now)]);
  writeFileSync(marker, JSON.stringify({ layout: LAYOUT, checkpoint: cp }, null, 2));
  console.log(
    `  built ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s: checkpoint v${cp.version} ` +
      `${cp.numOfAddFiles} adds, ${cp.numOfRemoveFiles} removes, ${(cp.sizeInBytes / 1e6).toFixed(1)} MB`,
  );
  return dir;
}

export async function main(h: Harness): Promise<void> {
  const dir = await ensureTable();
  const params: LoadParams = { dir, latencyMs: 0 };
  const fresh = await h.fresh('snapshot-load', ['load', 'load-30ms'], params);
  const warm = await h.warm('snapshot-load', ['load', 'load-30ms'], params);
  const fs = summarize(fresh);
  const ws = summarize(warm);
  const r = (v: string) => warm[v]![0]!;
  console.log('\nsnapshot-load: requests (a wave = in-flight requests going from 0 to 1)');
  printTable([
    ['variant', 'requests', 'waves', 'GETs', 'LIST pages', 'HEADs', 'bytes read'],
    ...['load', 'load-30ms'].map((v) => [
      v,
      String(r(v).requests),
      String(r(v).waves),
      String(r(v).gets),
      String(r(v).listPages),
      String(r(v).heads),
      `${((r(v).bytesRead as number) / 1e6).toFixed(2)} MB`,
    ]),
  ]);
  console.log(String(r('load').waveLog));
  printFresh('snapshot-load', fs, 'load');
  printWarm('snapshot-load', ws, 'load');
  h.record('requests', { load: r('load'), 'load-30ms': r('load-30ms') });
  h.record('fresh', fs);
  h.record('warm', ws);
}
