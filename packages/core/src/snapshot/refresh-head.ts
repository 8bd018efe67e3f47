/**
 * Refreshing a snapshot held without its file list: list after its version, read the new
 * commits and move its head over them (log/table-head.ts); the file list stays unread.
 */
import { loadedCommit, readIncrement } from '../log/load.js';
import { advanceHead } from '../log/table-head.js';
import { assertReadable } from '../protocol/features.js';
import { Snapshot } from './snapshot.js';

/**
 * The latest snapshot after `current` (itself when nothing is newer), or undefined when the
 * log does not connect to it (the caller reloads).
 */
export async function refreshHead(current: Snapshot): Promise<Snapshot | undefined> {
  const inc = await readIncrement(current.store, current.version);
  if (inc === null) return current;
  if (!inc) return undefined;
  let head = current.head!;
  inc.files.forEach((f, i) => (head = advanceHead(head, f.version, inc.actions[i]!, false)));
  assertReadable(head.protocol); // as a replay would
  const last = inc.files.length - 1;
  return new Snapshot(current.engine, head, loadedCommit(inc.files[last]!, inc.actions[last]!));
}
