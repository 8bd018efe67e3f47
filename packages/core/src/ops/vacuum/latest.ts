/**
 * VACUUM always works on the latest version: with a stale snapshot it could delete a file
 * that a newer commit re-added (RESTORE brings back removed files by their old paths).
 */
import { loadIncrement, loadState } from '../../log/load.js';
import { Snapshot } from '../../snapshot/snapshot.js';

export async function latestSnapshot(snapshot: Snapshot): Promise<Snapshot> {
  const inc = await loadIncrement(snapshot.store, snapshot.state);
  if (inc) return new Snapshot(snapshot.engine, inc.state, inc.commits[inc.commits.length - 1]);
  if (inc === null) return snapshot; // nothing newer
  const { state, commits } = await loadState(snapshot.engine); // the log does not connect: reload
  return state.version > snapshot.version
    ? new Snapshot(snapshot.engine, state, commits[commits.length - 1])
    : snapshot;
}
