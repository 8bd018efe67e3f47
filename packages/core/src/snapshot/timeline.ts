/**
 * Commit timestamps: which version was current at a point in time, and table history.
 * File modification times are made monotonic (as Delta Spark does: a commit never
 * appears older than its parent); in-commit timestamps win from their enablement version.
 */
import { VersionNotFoundError } from '../errors.js';
import type { CommitInfo } from '../protocol/actions.js';
import { readCommit } from '../log/load.js';
import { listLogFiles, type CommitFile } from '../log/segment.js';
import type { ObjectStore } from '../storage/object-store.js';
import { mapLimit } from '../util/concurrency.js';
import type { Snapshot } from './snapshot.js';

export interface HistoryEntry extends CommitInfo {
  version: number;
  /** Commit time in ms (in-commit timestamp where enabled, else file time). */
  timestamp: number;
}

async function listCommits(store: ObjectStore): Promise<CommitFile[]> {
  const files = await listLogFiles(store, 0);
  return files.filter((f): f is CommitFile => f.kind === 'commit').sort((a, b) => a.version - b.version);
}

/** Monotonic file times: each commit's time is at least its predecessor's + 1 ms. */
function monotonic(commits: readonly CommitFile[]): number[] {
  const out: number[] = [];
  let prev = -Infinity;
  for (const c of commits) {
    const t = Math.max(Math.floor(c.lastModified), prev + 1);
    out.push(t);
    prev = t;
  }
  return out;
}

function ictEnablement(latest: Snapshot): number | undefined {
  const conf = latest.properties;
  if (conf['delta.enableInCommitTimestamps'] !== 'true') return undefined;
  const v = Number(conf['delta.inCommitTimestampEnablementVersion'] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

async function ictOf(store: ObjectStore, c: CommitFile, fallback: number): Promise<number> {
  const actions = await readCommit(store, c);
  const ci = actions.find((a) => a.commitInfo)?.commitInfo;
  return typeof ci?.inCommitTimestamp === 'number' ? ci.inCommitTimestamp : fallback;
}

/**
 * The newest version whose commit time is <= `timestampMs`. Errors when the time is before
 * the earliest available commit; a time after the newest commit gives the latest version.
 */
export async function versionAtTimestamp(store: ObjectStore, latest: Snapshot, timestampMs: number): Promise<number> {
  const commits = await listCommits(store);
  if (commits.length === 0)
    throw new VersionNotFoundError(`no commits left in the log of ${store.root} to resolve a timestamp`);
  const times = monotonic(commits);
  const ict = ictEnablement(latest);
  // Binary search for the last index with time(i) <= ts. Times are non-decreasing.
  const timeAt = async (i: number): Promise<number> =>
    ict !== undefined && commits[i]!.version >= ict ? ictOf(store, commits[i]!, times[i]!) : times[i]!;
  if ((await timeAt(0)) > timestampMs) {
    throw new VersionNotFoundError(
      `timestamp ${new Date(timestampMs).toISOString()} is before the earliest available commit ` +
        `(version ${commits[0]!.version} at ${new Date(await timeAt(0)).toISOString()})`,
    );
  }
  let lo = 0;
  let hi = commits.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((await timeAt(mid)) <= timestampMs) lo = mid;
    else hi = mid - 1;
  }
  return commits[lo]!.version;
}

/** Commit history, newest first, from the commitInfo of each available commit. */
export async function readHistory(store: ObjectStore, latest: Snapshot, limit?: number): Promise<HistoryEntry[]> {
  const commits = (await listCommits(store)).filter((c) => c.version <= latest.version);
  const times = monotonic(commits);
  const picked = commits.map((c, i) => ({ c, t: times[i]! })).reverse();
  const slice = limit !== undefined ? picked.slice(0, limit) : picked;
  return mapLimit(slice, 32, async ({ c, t }) => {
    const actions = await readCommit(store, c);
    const ci = actions.find((a) => a.commitInfo)?.commitInfo ?? {};
    const timestamp = typeof ci.inCommitTimestamp === 'number' ? ci.inCommitTimestamp : t;
    return { ...ci, version: c.version, timestamp };
  });
}
