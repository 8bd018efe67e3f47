/**
 * Log segment: which files make up a snapshot — the newest usable checkpoint at or below
 * the target version, plus the contiguous commits after it. Reads `_last_checkpoint` as a
 * hint only; a missing, stale or corrupt hint falls back to listing.
 */
import { CorruptLogError, NotFoundError, TableNotFoundError, VersionNotFoundError } from '../errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { LAST_CHECKPOINT, LOG_DIR, parseLogFile, versionPrefix, type LogFile } from './file-names.js';

export type CommitFile = Extract<LogFile, { kind: 'commit' }>;
export type CheckpointFile = Extract<LogFile, { kind: 'checkpoint' }>;

export interface CheckpointRef {
  version: number;
  /** One file (classic or UUID-named v2) or all parts of a multi-part checkpoint, in order. */
  files: CheckpointFile[];
}

export interface LogSegment {
  /** Version of the snapshot this segment reconstructs. */
  version: number;
  checkpoint?: CheckpointRef;
  /** Commits after the checkpoint (or from 0), ascending and contiguous, ending at `version`. */
  commits: CommitFile[];
}

export interface LastCheckpointHint {
  version: number;
  size?: number;
  parts?: number;
}

/** Read `_last_checkpoint`; returns undefined when it is missing or unparsable. */
export async function readLastCheckpoint(store: ObjectStore): Promise<LastCheckpointHint | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(LAST_CHECKPOINT);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (typeof json.version !== 'number' || !Number.isInteger(json.version) || json.version < 0) return undefined;
    return { version: json.version, size: json.size as number | undefined, parts: json.parts as number | undefined };
  } catch {
    return undefined; // corrupt hint: the listing decides
  }
}

/** List and classify `_delta_log` files with versions >= `fromVersion`. */
export async function listLogFiles(store: ObjectStore, fromVersion = 0): Promise<LogFile[]> {
  const out: LogFile[] = [];
  const startAfter = fromVersion > 0 ? `${LOG_DIR}/${versionPrefix(fromVersion - 1)}.~` : undefined;
  for await (const meta of store.list(`${LOG_DIR}/`, { startAfter, recursive: false })) {
    const f = parseLogFile(meta);
    if (f && f.version >= fromVersion) out.push(f);
  }
  return out;
}

/** Newest complete checkpoint with version <= maxVersion among the listed files. */
export function pickCheckpoint(files: readonly LogFile[], maxVersion = Infinity): CheckpointRef | undefined {
  const byVersion = new Map<number, CheckpointFile[]>();
  for (const f of files) {
    if (f.kind !== 'checkpoint' || f.version > maxVersion) continue;
    let list = byVersion.get(f.version);
    if (!list) byVersion.set(f.version, (list = []));
    list.push(f);
  }
  const versions = [...byVersion.keys()].sort((a, b) => b - a);
  for (const v of versions) {
    const candidates = byVersion.get(v)!;
    // A single-file checkpoint (classic or UUID-named) is complete by itself.
    const single =
      candidates.find((c) => !c.part && !c.uuid) ??
      candidates.find((c) => c.uuid && c.format === 'parquet') ??
      candidates.find((c) => c.uuid);
    if (single) return { version: v, files: [single] };
    // Multi-part: only a complete set of one part count.
    const byCount = new Map<number, Map<number, CheckpointFile>>();
    for (const c of candidates) {
      if (!c.part) continue;
      let parts = byCount.get(c.part.count);
      if (!parts) byCount.set(c.part.count, (parts = new Map()));
      parts.set(c.part.index, c);
    }
    for (const [count, parts] of byCount) {
      if (parts.size === count) {
        return { version: v, files: Array.from({ length: count }, (_, i) => parts.get(i + 1)!) };
      }
    }
  }
  return undefined;
}

/**
 * Build the segment for `targetVersion` (latest when undefined) from a listing.
 * Throws TableNotFoundError when the log is empty, VersionNotFoundError when the version
 * cannot be reconstructed, CorruptLogError on a gap.
 */
export function buildSegment(tableUri: string, files: readonly LogFile[], targetVersion?: number): LogSegment {
  const commits = new Map<number, CommitFile>();
  let maxVersion = -1;
  for (const f of files) {
    if (f.kind === 'commit') {
      commits.set(f.version, f);
      maxVersion = Math.max(maxVersion, f.version);
    } else if (f.kind === 'checkpoint') {
      maxVersion = Math.max(maxVersion, f.version);
    }
  }
  if (maxVersion < 0) throw new TableNotFoundError(tableUri);
  if (targetVersion !== undefined) {
    if (targetVersion > maxVersion) {
      throw new VersionNotFoundError(
        `version ${targetVersion} does not exist in ${tableUri}: the latest version is ${maxVersion}`,
      );
    }
    if (targetVersion < 0) throw new VersionNotFoundError(`invalid version ${targetVersion}: versions start at 0`);
  }
  const version = targetVersion ?? maxVersion;
  const checkpoint = pickCheckpoint(files, version);
  const start = checkpoint ? checkpoint.version + 1 : 0;
  const segmentCommits: CommitFile[] = [];
  for (let v = start; v <= version; v++) {
    const c = commits.get(v);
    if (!c) {
      if (!checkpoint && v === 0) {
        const earliest = Math.min(...commits.keys());
        throw new VersionNotFoundError(
          `cannot reconstruct version ${version} of ${tableUri}: the log starts at version ${Number.isFinite(earliest) ? earliest : maxVersion} ` +
            'and there is no checkpoint at or before the requested version (older log files were cleaned up)',
        );
      }
      throw new CorruptLogError(
        `the log of ${tableUri} has a gap: commit ${v} (${LOG_DIR}/${versionPrefix(v)}.json) is missing ` +
          `between checkpoint/commit ${v - 1} and version ${version}`,
      );
    }
    segmentCommits.push(c);
  }
  return { version, checkpoint, commits: segmentCommits };
}

/**
 * Resolve the segment of the latest (or a given) version with as few sequential requests as
 * possible: `_last_checkpoint` (one GET), then one listing from the hinted checkpoint; fall
 * back to a full listing when the hint does not lead to a usable checkpoint.
 */
export async function resolveSegment(
  store: ObjectStore,
  targetVersion?: number,
): Promise<{ segment: LogSegment; listed: LogFile[] }> {
  // A coordinator's recovery (completing a commit another writer left half-done) runs in the
  // same request wave as the hint, so it costs no extra round trip.
  const [hint] = await Promise.all([readLastCheckpoint(store), store.commitCoordinator?.recover?.(store)]);
  if (hint && (targetVersion === undefined || hint.version <= targetVersion)) {
    const listed = await listLogFiles(store, hint.version);
    const cp = pickCheckpoint(listed, targetVersion);
    if (cp && cp.version >= hint.version) {
      return { segment: buildSegment(store.root, listed, targetVersion), listed };
    }
  }
  const listed = await listLogFiles(store, 0);
  return { segment: buildSegment(store.root, listed, targetVersion), listed };
}
