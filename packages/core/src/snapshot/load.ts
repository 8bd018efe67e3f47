/**
 * Loading snapshots: the latest version or a given one, and moving a held snapshot forward
 * by reading only the commits after it (what a long-lived table handle does on refresh).
 * With `lazyFiles`, a version with a valid checksum (`N.crc`) loads without its file list
 * (log/load-head.ts); the files are read when something needs them (`Snapshot.loadFiles`).
 */
import { TableNotFoundError } from '../errors.js';
import { loadHead } from '../log/load-head.js';
import { loadIncrement, loadState } from '../log/load.js';
import { resolveSegment } from '../log/segment.js';
import type { Engine } from '../engine/engine.js';
import { checkVersion } from '../util/numbers.js';
import { refreshHead } from './refresh-head.js';
import { Snapshot } from './snapshot.js';

export interface LoadSnapshotOptions {
  /**
   * Take protocol, metadata and app transactions from the version's checksum when it has a
   * valid one, and read the file list only when an operation needs it. Without a usable
   * checksum the log is replayed as usual.
   */
  lazyFiles?: boolean;
}

/** The snapshot at `version` (default: the latest). Throws TableNotFoundError when there is no table. */
export async function loadSnapshot(
  engine: Engine,
  version?: number,
  opts: LoadSnapshotOptions = {},
): Promise<Snapshot> {
  if (version !== undefined) checkVersion(version, 'version');
  const lazy = opts.lazyFiles ? await loadHead(engine, version) : undefined;
  if (lazy?.head) return new Snapshot(engine, lazy.head, lazy.lastCommit);
  const { state, commits } = await loadState(engine, version, lazy?.resolved);
  return new Snapshot(engine, state, commits[commits.length - 1]);
}

/** The latest snapshot, or undefined when there is no table yet. */
export async function tryLoadSnapshot(engine: Engine, opts: LoadSnapshotOptions = {}): Promise<Snapshot | undefined> {
  try {
    return await loadSnapshot(engine, undefined, opts);
  } catch (err) {
    if (err instanceof TableNotFoundError) return undefined;
    throw err;
  }
}

/** The latest snapshot, reading only the commits after `current` when the log connects. */
export async function refreshSnapshot(current: Snapshot): Promise<Snapshot> {
  if (!current.filesLoaded) {
    const next = await refreshHead(current);
    if (next) return next;
  } else {
    const inc = await loadIncrement(current.store, current.state);
    if (inc) return new Snapshot(current.engine, inc.state, inc.commits[inc.commits.length - 1]);
    if (inc === null) return current;
  }
  // The log does not connect: reload.
  if (!(await isLatest(current))) return loadSnapshot(current.engine, undefined, { lazyFiles: !current.filesLoaded });
  return current;
}

async function isLatest(current: Snapshot): Promise<boolean> {
  // loadIncrement listed newer log files but no contiguous commit; make sure there is no newer checkpoint-only state.
  const { segment } = await resolveSegment(current.store);
  return segment.version <= current.version;
}

/** The snapshot at `version`, read forward from `current` when it is newer, else loaded. */
export async function snapshotAtVersion(current: Snapshot, version: number): Promise<Snapshot> {
  checkVersion(version, 'version');
  if (version === current.version) return current;
  if (version > current.version && current.filesLoaded) {
    const inc = await loadIncrement(current.store, current.state, version);
    if (inc && inc.state.version === version)
      return new Snapshot(current.engine, inc.state, inc.commits[inc.commits.length - 1]);
  }
  return loadSnapshot(current.engine, version);
}
