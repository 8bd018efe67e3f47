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
  if (base && !base.filesLoaded) {
    return new Snapshot(engine, advanceHead(base.head!, version, actions, ownCommit), lastCommit);
  }
  const next = (base?.state ?? new TableState()).clone();
  next.apply(version, actions);
  return new Snapshot(engine, next, lastCommit);
}
