/**
 * The version checksum (`N.crc`) after our commit N, written best effort as Delta Spark does.
 * From the whole state when it is loaded; else from the head, whose file counts stay exact
 * through our own appends. When the counts were lost on the way (the head moved over other
 * writers' commits, whose adds and removes cannot be counted without the file list), the
 * previous version's checksum gives them back if it agrees with the head we committed on;
 * failing that no checksum is written (readers then replay, as for any version without one).
 */
import { readVersionChecksum } from '../log/version-checksum-read.js';
import { writeVersionChecksum, type VersionChecksum } from '../log/version-checksum.js';
import { advanceHead, checksumAgrees, checksumOfHead, headOfState } from '../log/table-head.js';
import type { Action } from '../protocol/actions.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/** Write `after.version`.crc for our commit of `actions` on `before`; never throws. */
export async function writeChecksumAfterCommit(
  before: Snapshot | undefined,
  after: Snapshot,
  actions: readonly Action[],
  txnId: string,
): Promise<void> {
  try {
    const crc = after.filesLoaded
      ? checksumOfHead(headOfState(after.state), txnId)
      : (checksumOfHead(after.head!, txnId) ?? (await fromPrevious(before, after, actions, txnId)));
    if (crc) await writeVersionChecksum(after.store, after.version, crc);
  } catch {
    // best effort: the commit stands without its checksum
  }
}

async function fromPrevious(
  before: Snapshot | undefined,
  after: Snapshot,
  actions: readonly Action[],
  txnId: string,
): Promise<VersionChecksum | undefined> {
  if (!before?.head || before.filesLoaded || before.version !== after.version - 1) return undefined;
  const prev = await readVersionChecksum(after.store, before.version);
  if (!prev || !checksumAgrees(prev, before.head)) return undefined;
  const counts = { numFiles: prev.numFiles, tableSizeBytes: prev.tableSizeBytes };
  return checksumOfHead(advanceHead({ ...before.head, counts }, after.version, actions, true), txnId);
}
