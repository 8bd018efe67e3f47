/**
 * The snapshot after one more commit whose actions are known (our own, or a winner read after
 * a lost race): the whole state moves forward when it is loaded, else only the head
 * (log/table-head.ts), so a writer that never needed the file list still does not.
 */
import type { Engine } from '../engine/engine.js';
import type { LoadedCommit } from '../log/load.js';
import { TableState } from '../log/replay.js';
import { advanceHead } from '../log/table-head.js';
import type { Action } from '../protocol/actions.js';
import { Snapshot } from './snapshot.js';

/**
 * `base` (undefined: the table does not exist yet) after commit `version`. `ownCommit`: the
 * actions are a commit this process wrote, whose adds are files it just wrote.
 */
export function advanceSnapshot(
  engine: Engine,
  base: Snapshot | undefined,
  version: number,
  actions: readonly Action[],
  lastCommit: LoadedCommit | undefined,
  ownCommit: boolean,
): Snapshot {
  return advanceSnapshotOver(engine, base, [{ version, actions }], lastCommit, ownCommit);
}

/** `base` after several commits in order (a loaded state is cloned once for all of them). */
export function advanceSnapshotOver(
  engine: Engine,
  base: Snapshot | undefined,
  commits: readonly { version: number; actions: readonly Action[] }[],
  lastCommit: LoadedCommit | undefined,
  ownCommit: boolean,
): Snapshot {
  if (base && !base.filesLoaded) {
    let head = base.head!;
    for (const c of commits) head = advanceHead(head, c.version, c.actions, ownCommit);
    return new Snapshot(engine, head, lastCommit);
  }
  const next = (base?.state ?? new TableState()).clone();
  for (const c of commits) next.apply(c.version, c.actions);
  return new Snapshot(engine, next, lastCommit);
}
