/**
 * Loading snapshots: the latest version or a given one, and moving a held snapshot forward
 * by reading only the commits after it (what a long-lived table handle does on refresh).
 */
import { TableNotFoundError } from '../errors.js';
import { loadIncrement, loadState } from '../log/load.js';
import { resolveSegment } from '../log/segment.js';
import type { Engine } from '../engine/engine.js';
import { checkVersion } from '../util/numbers.js';
import { Snapshot } from './snapshot.js';

/** The snapshot at `version` (default: the latest). Throws TableNotFoundError when there is no table. */
export async function loadSnapshot(engine: Engine, version?: number): Promise<Snapshot> {
  if (version !== undefined) checkVersion(version, 'version');
  const { state, commits } = await loadState(engine, version);
  return new Snapshot(engine, state, commits[commits.length - 1]);
}

/** The latest snapshot, or undefined when there is no table yet. */
export async function tryLoadSnapshot(engine: Engine): Promise<Snapshot | undefined> {
  try {
    return await loadSnapshot(engine);
  } catch (err) {
    if (err instanceof TableNotFoundError) return undefined;
    throw err;
  }
}

/** The latest snapshot, reading only the commits after `current` when the log connects. */
export async function refreshSnapshot(current: Snapshot): Promise<Snapshot> {
  const inc = await loadIncrement(current.store, current.state);
  if (inc) return new Snapshot(current.engine, inc.state, inc.commits[inc.commits.length - 1]);
  // The log does not connect: reload.
  if (inc === undefined && !(await isLatest(current))) return loadSnapshot(current.engine);
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
  if (version > current.version) {
    const inc = await loadIncrement(current.store, current.state, version);
    if (inc && inc.state.version === version)
      return new Snapshot(current.engine, inc.state, inc.commits[inc.commits.length - 1]);
  }
  return loadSnapshot(current.engine, version);
}
