/**
 * Metadata cleanup (PROTOCOL.md "Metadata Cleanup"): delete log files that only serve
 * versions older than the retention period.
 *
 * 1. cutoff = midnight UTC of (now - delta.logRetentionDuration, default 30 days);
 *    the cutoff commit is the newest commit whose timestamp is <= cutoff. Commit timestamps
 *    are file modification times made monotonic (a commit is never treated as older than the
 *    one before it), so a skewed clock cannot expose a version newer than the cutoff.
 * 2. The cutoff checkpoint is the newest complete checkpoint at or before the cutoff commit;
 *    without one nothing is deleted. It, its commit and everything after it stay.
 * 3. Delete commits, checkpoints (classic, multi-part, UUID-named) and `.crc` files of
 *    versions below the cutoff checkpoint, and compacted logs starting at or below it.
 * 4. Delete what failed checkpoint runs left at the versions kept, once older than the cutoff
 *    (cleanup-parts.ts): parts of multi-part sets that never completed, top-level v2
 *    checkpoints naming a missing sidecar; never what `_last_checkpoint` names.
 * 5. Delete sidecars no remaining checkpoint references, unless younger than a day.
 * `_last_checkpoint` is never deleted (a stale hint is harmless: readers fall back to listing).
 */
import type * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';
import type { Sidecar } from '../protocol/actions.js';
import { floorToUtcDay, MS_PER_DAY, tableDurationMs } from '../protocol/intervals.js';
import { decodeUriPath } from '../protocol/paths.js';
import { assertLogWritable } from '../protocol/writer-features.js';
import type { Engine } from '../engine/engine.js';
import type { ObjectMeta, ObjectStore } from '../storage/object-store.js';
import { mapLimit } from '../util/concurrency.js';
import { dataToJs } from './arrow-to-js.js';
import { parseActions } from './commit-file.js';
import { LOG_DIR, parseLogFile, SIDECAR_DIR, type LogFile } from './file-names.js';
import type { TableState } from './replay.js';
import { abandonedPartSets, brokenV2Checkpoints } from './cleanup-parts.js';
import {
  pickCheckpoint,
  readLastCheckpoint,
  type CheckpointFile,
  type CheckpointRef,
  type LastCheckpointHint,
} from './segment.js';

export const DEFAULT_LOG_RETENTION = 'interval 30 days';
const DELETE_CHUNK = 1000;
const HIDDEN_CRC_RE = /^\.(.+)\.crc$/;

export interface CleanupOptions {
  /** Time (ms since the epoch); default: the engine's clock. */
  now?: number;
  /** Retention in ms; overrides `delta.logRetentionDuration`. */
  retentionMs?: number;
  /** Compute what would be deleted without deleting it. */
  dryRun?: boolean;
}

export interface CleanupResult {
  /** Keys deleted (or, with dryRun, that would be), oldest version first. */
  deleted: string[];
  /** The midnight-UTC cutoff: versions committed after it stay reachable. */
  cutoffTimestamp: number;
  /** Version of the checkpoint that now starts the log; undefined when nothing was eligible. */
  checkpointVersion?: number;
  /** Why nothing was done, when nothing was. */
  skipped?: 'disabled' | 'no-checkpoint-before-cutoff';
}

/** Delete expired log files of the table whose latest state is `state`. */
export async function cleanupExpiredLogs(
  engine: Engine,
  state: TableState,
  options: CleanupOptions = {},
): Promise<CleanupResult> {
  if (state.protocol) assertLogWritable(state.protocol); // deleting log files is a write
  const store = engine.store;
  const config = state.metadata?.configuration ?? {};
  const now = options.now ?? engine.clock.now();
  const retention = options.retentionMs ?? tableDurationMs(config, 'delta.logRetentionDuration', DEFAULT_LOG_RETENTION);
  if (!Number.isFinite(retention) || retention < 0)
    throw new InvalidArgumentError(`log retention must be a non-negative duration, got ${retention} ms`);
  const cutoffTimestamp = floorToUtcDay(now - retention);
  if ((config['delta.enableExpiredLogCleanup'] ?? '').toLowerCase() === 'false')
    return { deleted: [], cutoffTimestamp, skipped: 'disabled' };

  const listing: ObjectMeta[] = [];
  for await (const meta of store.list(`${LOG_DIR}/`, { recursive: false })) listing.push(meta);
  const logFiles: LogFile[] = [];
  for (const meta of listing) {
    const f = parseLogFile(meta);
    if (f) logFiles.push(f);
  }

  const cutoffCommit = findCutoffCommit(logFiles, cutoffTimestamp, state.version);
  const checkpoint = cutoffCommit === undefined ? undefined : pickCheckpoint(logFiles, cutoffCommit);
  if (!checkpoint) return { deleted: [], cutoffTimestamp, skipped: 'no-checkpoint-before-cutoff' };
  const keep = checkpoint.version;

  // Expired log files with their versions, so deletion can go oldest first.
  const expired: { version: number; path: string }[] = [];
  const names = new Set(listing.map((m) => baseName(m.path)));
  for (const meta of listing) {
    const f = parseLogFile(meta);
    const name = baseName(meta.path);
    let version: number | undefined;
    if (f?.kind === 'compacted') version = f.version <= keep ? f.version : undefined;
    else if (f) version = f.version < keep ? f.version : undefined; // commits, checkpoints, N.crc
    if (version === undefined) continue;
    expired.push({ version, path: meta.path });
    // Hadoop's local checksum twin (`.<name>.crc`) goes with its file.
    if (names.has(`.${name}.crc`)) expired.push({ version, path: `${LOG_DIR}/.${name}.crc` });
  }
  expired.sort((a, b) => a.version - b.version || (a.path < b.path ? -1 : 1));
  const deleted = expired.map((e) => e.path);

  const hint = await readLastCheckpoint(store);
  deleted.push(...abandonedPartSets(logFiles, keep, cutoffTimestamp, hint));
  const remaining = logFiles.filter(
    (f): f is CheckpointFile => f.kind === 'checkpoint' && f.version >= keep && !f.part,
  );
  const sidecarCutoff = floorToUtcDay(now) - MS_PER_DAY;
  deleted.push(...(await expiredSidecars(engine, remaining, sidecarCutoff, { cutoffTimestamp, checkpoint, hint })));
  deleted.push(...(await expiredCommitTemps(store, keep)));

  if (!options.dryRun) {
    for (let i = 0; i < deleted.length; i += DELETE_CHUNK) await store.deleteMany(deleted.slice(i, i + DELETE_CHUNK));
  }
  return { deleted, cutoffTimestamp, checkpointVersion: keep };
}

/** Spark's DynamoDB-protocol temp commit file: `_delta_log/.tmp/<version>.json.<uuid>`. */
const COMMIT_TEMP_RE = /^(\d{20})\.json\.[^/]+$/;

/**
 * Temp commit files of the DynamoDB commit protocol for versions before `keep`: their commits
 * expire now, so a copy of them is of no use to anyone (the lock-table entry of such a version
 * is long complete: later commits exist). Writers keep these after completing a commit, and a
 * killed writer leaves one; on S3 the bucket's lifecycle rule expires them too.
 */
async function expiredCommitTemps(store: ObjectStore, keep: number): Promise<string[]> {
  const out: string[] = [];
  for await (const meta of store.list(`${LOG_DIR}/.tmp/`, { recursive: false })) {
    const m = COMMIT_TEMP_RE.exec(baseName(meta.path));
    if (m && Number(m[1]) < keep) out.push(meta.path);
  }
  return out;
}

/** Newest commit version (<= maxVersion) whose monotonic timestamp is <= cutoff. */
function findCutoffCommit(files: readonly LogFile[], cutoff: number, maxVersion: number): number | undefined {
  const commits = files
    .filter((f) => f.kind === 'commit' && f.version <= maxVersion)
    .sort((a, b) => a.version - b.version);
  let previous = -Infinity;
  let found: number | undefined;
  for (const c of commits) {
    const ts = Math.max(c.lastModified, previous + 1);
    if (ts > cutoff) break;
    found = c.version;
    previous = ts;
  }
  return found;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Sidecars older than `cutoff` that none of the remaining checkpoints reference, after the
 * top-level v2 checkpoints older than the retention cutoff that name a missing sidecar
 * (cleanup-parts.ts; deleted first, and what they name counts as unreferenced).
 */
async function expiredSidecars(
  engine: Engine,
  checkpoints: readonly CheckpointFile[],
  cutoff: number,
  retention: { cutoffTimestamp: number; checkpoint: CheckpointRef; hint: LastCheckpointHint | undefined },
): Promise<string[]> {
  const sidecars: ObjectMeta[] = [];
  for await (const meta of engine.store.list(`${SIDECAR_DIR}/`, { recursive: false })) sidecars.push(meta);
  const candidates = sidecars.filter((m) => m.lastModified < cutoff && !HIDDEN_CRC_RE.test(baseName(m.path)));
  // Only a failed run's (or a duplicate at the cutoff's version) is old and not the cutoff checkpoint.
  const start = new Set(retention.checkpoint.files.map((f) => f.path));
  const oldV2 = checkpoints.some((c) => c.uuid && c.lastModified < retention.cutoffTimestamp && !start.has(c.path));
  if (candidates.length === 0 && !oldV2) return [];
  const lists = await mapLimit(checkpoints, 8, async (file) => ({ file, sidecars: await sidecarsOf(engine, file) }));
  const names = new Set(sidecars.map((m) => baseName(m.path)));
  const broken = new Set(
    brokenV2Checkpoints(lists, names, retention.cutoffTimestamp, retention.checkpoint, retention.hint),
  );
  const referenced = new Set<string>();
  for (const { file, sidecars: list } of lists)
    if (!broken.has(file)) for (const s of list) referenced.add(baseName(decodeUriPath(s.path)));
  const out = [...broken].map((f) => f.path);
  for (const m of candidates) {
    const name = baseName(m.path);
    if (referenced.has(name)) continue;
    out.push(m.path);
    if (names.has(`.${name}.crc`)) out.push(`${SIDECAR_DIR}/.${name}.crc`);
  }
  return out;
}

/** The sidecar actions of one checkpoint file (JSON, or the `sidecar` column of Parquet). */
async function sidecarsOf(engine: Engine, cp: CheckpointFile): Promise<Sidecar[]> {
  if (cp.format === 'json') {
    return parseActions(await engine.store.get(cp.path), cp.path).flatMap((a) => (a.sidecar ? [a.sidecar] : []));
  }
  const file = await engine.parquet.open(engine.store, cp.path, { size: cp.size });
  try {
    if (!file.metadata.schema.children.some((c) => c.name === 'sidecar')) return [];
    const out: Sidecar[] = [];
    for await (const batch of file.readBatches({ columns: ['sidecar'] })) {
      const col = batch.getChild('sidecar');
      if (!col) continue;
      for (const data of col.data) {
        for (const v of dataToJs(data as arrow.Data)) if (v) out.push(v as Sidecar);
      }
    }
    return out;
  } finally {
    file.close();
  }
}
