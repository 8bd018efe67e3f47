/**
 * Load table state from the log: resolve the segment, then read the checkpoint and all
 * commits after it in one parallel wave, then replay. Also the incremental path: apply
 * only the commits after a state already held.
 */
import { CorruptLogError, NotFoundError, TableNotFoundError } from '../errors.js';
import type { Action, AddFile, CommitInfo, FileStats } from '../protocol/actions.js';
import { assertReadable } from '../protocol/features.js';
import type { Engine } from '../engine/engine.js';
import type { ObjectStore } from '../storage/object-store.js';
import { mapLimit } from '../util/concurrency.js';
import { readCheckpointColumns, type CheckpointActions } from './checkpoint-read.js';
import { FileRowsMap } from './file-rows-map.js';
import { parseActions } from './commit-file.js';
import { listLogFiles, resolveSegment, type CommitFile, type LogSegment } from './segment.js';
import { TableState } from './replay.js';

export const LOG_READ_CONCURRENCY = 32;

export interface LoadedCommit {
  version: number;
  /** File modification time of the commit (ms). */
  lastModified: number;
  commitInfo?: CommitInfo;
}

export interface LoadedState {
  state: TableState;
  segment: LogSegment;
  /**
   * The commits replayed after the checkpoint, with their commitInfo; for a snapshot at the
   * checkpoint's own version, that version's commit when it is still there (read for its time only).
   */
  commits: LoadedCommit[];
}

export async function readCommit(store: ObjectStore, file: CommitFile): Promise<Action[]> {
  try {
    return parseActions(await store.get(file.path), file.path);
  } catch (err) {
    if (err instanceof NotFoundError) {
      throw new CorruptLogError(
        `commit ${file.path} was listed but is gone (log cleanup racing with this read?); retry`,
      );
    }
    throw err;
  }
}

function commitInfoOf(actions: readonly Action[]): CommitInfo | undefined {
  for (const a of actions) if (a.commitInfo) return a.commitInfo;
  return undefined;
}

/**
 * Load the state at `version` (latest when undefined), from `resolved` when the caller has
 * already resolved its segment.
 */
export async function loadState(
  engine: Engine,
  version?: number,
  resolved?: Awaited<ReturnType<typeof resolveSegment>>,
): Promise<LoadedState> {
  const store = engine.store;
  const { segment, listed } = resolved ?? (await resolveSegment(store, version));
  // At the checkpoint's own version no commit is replayed, but its commit gives the snapshot's
  // time (file time or in-commit timestamp); read it in the same wave, never failing the load.
  const own =
    segment.checkpoint && segment.commits.length === 0
      ? listed.find((f): f is CommitFile => f.kind === 'commit' && f.version === segment.version)
      : undefined;
  const [checkpoint, commitActions, ownActions] = await Promise.all([
    segment.checkpoint ? readCheckpointColumns(engine, segment.checkpoint) : undefined,
    mapLimit(segment.commits, LOG_READ_CONCURRENCY, (c) => readCommit(store, c)),
    own ? readCommit(store, own).catch(() => undefined) : undefined,
  ]);
  const state =
    checkpoint && segment.checkpoint ? checkpointState(segment.checkpoint.version, checkpoint) : new TableState();
  const commits: LoadedCommit[] = [];
  segment.commits.forEach((c, i) => {
    state.apply(c.version, commitActions[i]!);
    commits.push({ version: c.version, lastModified: c.lastModified, commitInfo: commitInfoOf(commitActions[i]!) });
  });
  if (own) {
    const commitInfo = ownActions && commitInfoOf(ownActions);
    commits.push({ version: own.version, lastModified: own.lastModified, commitInfo });
    if (typeof commitInfo?.inCommitTimestamp === 'number') state.inCommitTimestamp = commitInfo.inCommitTimestamp;
  }
  finish(state, store.root);
  return { state, segment, commits };
}

/**
 * The state at a checkpoint: its adds decoded through Arrow are the file map's column base
 * (no object per file), the other actions are applied over it.
 */
function checkpointState(version: number, checkpoint: CheckpointActions): TableState {
  const parsedStats = new WeakMap<AddFile, FileStats>();
  const state = new TableState(undefined, FileRowsMap.of(checkpoint.files, parsedStats), parsedStats);
  state.filesSizeBytes = checkpoint.files.sizeBytes;
  state.apply(version, checkpoint.actions);
  for (const [add, stats] of checkpoint.parsedStats) state.parsedStats.set(add, stats);
  return state;
}

/** Commits read after a held version: their files and actions, ascending and contiguous. */
export interface Increment {
  files: CommitFile[];
  actions: Action[][];
}

/**
 * List only after `fromVersion` and read the new contiguous commits (up to `toVersion`).
 * Returns null when the listing holds no log file after it (the base is current), undefined
 * when there is no new contiguous commit or the log no longer connects (a gap after cleanup),
 * in which case the caller loads from scratch.
 */
export async function readIncrement(
  store: ObjectStore,
  fromVersion: number,
  toVersion?: number,
): Promise<Increment | null | undefined> {
  // Recovery runs beside the listing: a commit it completes shows up on the next refresh.
  const [listed] = await Promise.all([listLogFiles(store, fromVersion + 1), store.commitCoordinator?.recover?.(store)]);
  if (listed.length === 0) return null;
  const files = listed
    .filter((f): f is CommitFile => f.kind === 'commit' && (toVersion === undefined || f.version <= toVersion))
    .sort((a, b) => a.version - b.version);
  if (files.length === 0) return undefined;
  for (let i = 0; i < files.length; i++) {
    if (files[i]!.version !== fromVersion + 1 + i) {
      return undefined; // not contiguous from our version: load from scratch
    }
  }
  return { files, actions: await mapLimit(files, LOG_READ_CONCURRENCY, (c) => readCommit(store, c)) };
}

/** A commit as a snapshot remembers it (file time and commitInfo). */
export function loadedCommit(file: CommitFile, actions: readonly Action[]): LoadedCommit {
  return { version: file.version, lastModified: file.lastModified, commitInfo: commitInfoOf(actions) };
}

/**
 * Bring a state forward: list only after its version and apply the new commits (null: the
 * base is current; undefined: load from scratch, see readIncrement).
 */
export async function loadIncrement(
  store: ObjectStore,
  base: TableState,
  toVersion?: number,
): Promise<{ state: TableState; commits: LoadedCommit[] } | null | undefined> {
  const inc = await readIncrement(store, base.version, toVersion);
  if (!inc) return inc;
  const state = base.clone();
  const commits: LoadedCommit[] = [];
  inc.files.forEach((c, i) => {
    state.apply(c.version, inc.actions[i]!);
    commits.push(loadedCommit(c, inc.actions[i]!));
  });
  finish(state, store.root);
  return { state, commits };
}

function finish(state: TableState, uri: string): void {
  if (!state.protocol)
    throw new CorruptLogError(`the log of ${uri} has no protocol action up to version ${state.version}`);
  assertReadable(state.protocol);
  if (!state.metadata)
    throw new TableNotFoundError(uri, `the log has no metaData action up to version ${state.version}`);
}
