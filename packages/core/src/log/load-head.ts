/**
 * Loading a table's head without its file list: after the usual segment resolution
 * (`_last_checkpoint`, one listing), when the listing shows `N.crc` for the snapshot's version
 * N, read it and commit N in one parallel wave and take protocol, metadata, app transactions
 * and domain metadata from the checksum (table-head.ts checks it against the commit). No
 * checkpoint and no other commit is read. When there is no checksum for exactly N, or it is
 * corrupt or disagrees, the caller replays the log from the same resolved segment: no extra
 * request.
 */
import { assertReadable } from '../protocol/features.js';
import type { Engine } from '../engine/engine.js';
import { loadedCommit, readCommit, type LoadedCommit } from './load.js';
import { resolveSegment, type CommitFile } from './segment.js';
import { headFromChecksum, type TableHead } from './table-head.js';
import { readVersionChecksum } from './version-checksum-read.js';

export type ResolvedSegment = Awaited<ReturnType<typeof resolveSegment>>;

export type HeadLoad = { head: TableHead; lastCommit: LoadedCommit } | { head?: undefined; resolved: ResolvedSegment };

/** The head at `version` (latest when undefined) from its checksum, or the resolved segment to replay. */
export async function loadHead(engine: Engine, version?: number): Promise<HeadLoad> {
  const store = engine.store;
  const resolved = await resolveSegment(store, version);
  const v = resolved.segment.version;
  const hasChecksum = resolved.listed.some((f) => f.kind === 'checksum' && f.version === v);
  const commit = resolved.listed.find((f): f is CommitFile => f.kind === 'commit' && f.version === v);
  if (!hasChecksum || !commit) return { resolved };
  const [crc, actions] = await Promise.all([
    readVersionChecksum(store, v),
    readCommit(store, commit).catch(() => undefined), // gone or unreadable: the replay decides
  ]);
  const head = crc && actions ? headFromChecksum(v, crc, actions) : undefined;
  if (!head) return { resolved };
  assertReadable(head.protocol); // as a replay would
  return { head, lastCommit: loadedCommit(commit, actions!) };
}
