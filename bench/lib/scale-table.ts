/**
 * Builds (or reuses) the scale benchmark's table of `files` files under
 * bench/.data/scale-<files>: the JSON commits KEPT_BEFORE_CHECKPOINT before START_CHECKPOINT
 * up to LAST_VERSION, and the checkpoint at START_CHECKPOINT. The checkpoint is written by
 * the engine's own writer (`writeCheckpoint`) from the model's state streamed file by file,
 * so building a 1M-file table does not depend on the engine holding 1M actions.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCoreWithInternal } from './libs.js';
import { DATA_DIR } from './paths.js';
import {
  KEPT_BEFORE_CHECKPOINT,
  LAST_VERSION,
  METADATA,
  PROTOCOL,
  ScaleLog,
  START_CHECKPOINT,
  STEP_MS,
  timeOf,
} from './scale-log.js';

const LAYOUT = 2;

export interface ScaleTable {
  dir: string;
  files: number;
  /** Bytes of the log as built (JSON commits + checkpoint). */
  bytes: number;
  buildSeconds: number;
}

/** A TableState look-alike whose maps stream the model's actions (only what the writer reads). */
function streamedState(log: ScaleLog, version: number): unknown {
  const lazy = <T>(gen: () => Iterable<T>) => ({
    values: gen,
    get size() {
      return NaN;
    },
  });
  return {
    version,
    protocol: PROTOCOL,
    metadata: METADATA,
    metadataVersion: 0,
    files: lazy(() => log.activeFiles(version)),
    tombstones: lazy(() => log.tombstones(version)),
    txns: log.txns(version),
    domains: new Map(),
    parsedStats: new WeakMap(),
  };
}

async function writeCommits(log: ScaleLog, logDir: string, from: number, to: number): Promise<number> {
  const core = await importCoreWithInternal();
  let bytes = 0;
  for (let v = from; v <= to; v++) {
    const text = log.commit(v);
    bytes += Buffer.byteLength(text);
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(join(logDir, `${core.versionPrefix(v)}.json`));
      out.on('error', reject);
      out.end(text, resolve);
    });
  }
  return bytes;
}

/** Build the table of `files` files unless bench/.data/scale-<files>.json says it exists. */
export async function ensureScaleTable(files: number): Promise<ScaleTable> {
  const dir = join(DATA_DIR, `scale-${files}`);
  const marker = join(DATA_DIR, `scale-${files}.json`);
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as ScaleTable & { layout: number };
    if (m.layout === LAYOUT) return m;
  }
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const logDir = join(dir, '_delta_log');
  mkdirSync(logDir, { recursive: true });
  const log = new ScaleLog(files);
  const core = await importCoreWithInternal();
  const engine = core.createEngine(new core.LocalStore(dir));
  const cp = await core.writeCheckpoint(engine, streamedState(log, START_CHECKPOINT) as never, {
    now: timeOf(START_CHECKPOINT) + STEP_MS,
  });
  if (cp.numOfAddFiles !== log.fileCount(START_CHECKPOINT))
    throw new Error(`scale: checkpoint has ${cp.numOfAddFiles} adds, expected ${log.fileCount(START_CHECKPOINT)}`);
  const json = await writeCommits(log, logDir, START_CHECKPOINT - KEPT_BEFORE_CHECKPOINT, LAST_VERSION);
  const table: ScaleTable = {
    dir,
    files,
    bytes: json + cp.sizeInBytes,
    buildSeconds: Math.round((performance.now() - t0) / 100) / 10,
  };
  writeFileSync(marker, JSON.stringify({ ...table, layout: LAYOUT }));
  return table;
}
