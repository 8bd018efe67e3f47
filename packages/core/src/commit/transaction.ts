/**
 * Optimistic transactions: commit at readVersion + 1; when another writer got there first,
 * read the winning commits, check for logical conflicts (commit/conflicts.ts) and for our
 * own txn having been applied, then retry at the next version with jittered backoff until
 * a deadline. Returns the new snapshot so callers never re-read the log after a commit.
 */
import { randomUUID } from 'node:crypto';
import {
  CommitConflictError,
  CommitFailedError,
  ConcurrentTransactionError,
  CommitOutcomeUnknownError,
  NotFoundError,
  ProtocolChangedError,
} from '../errors.js';
import type { BoundExpression } from '../expr/index.js';
import { commitPath } from '../log/file-names.js';
import { readCommit, loadIncrement } from '../log/load.js';
import { listLogFiles, type CommitFile } from '../log/segment.js';
import { TableState } from '../log/replay.js';
import type { Action, CommitInfo, Metadata, Txn } from '../protocol/actions.js';
import { columnMappingMode, inCommitTimestampsEnabled } from '../protocol/features.js';
import { canonicalLogPath } from '../protocol/paths.js';
import { parseSchemaString } from '../protocol/schema.js';
import { assertRemovesAllowed } from '../protocol/writer-features.js';
import { parseActions, serializeActions } from '../log/commit-file.js';
import type { ObjectStore } from '../storage/object-store.js';
import { Snapshot } from '../table/snapshot.js';
import { mapLimit } from '../util/concurrency.js';
import { backoffDelay, DEFAULT_RETRY, sleep, type RetryPolicy } from './backoff.js';
import { checkConflict, type ConflictContext, type IsolationLevel } from './conflicts.js';
import { defaultCoordinator, type CommitCoordinator, type CommitResult } from './coordinator.js';
import { ENGINE_INFO } from './engine-info.js';

export interface ReadSet {
  /** The transaction depends on the whole table (overwrite, restore). */
  wholeTable?: boolean;
  /** Predicates over the data the transaction read (replaceWhere, partition overwrite). */
  predicates?: BoundExpression[];
  /** Log paths of files the transaction read. */
  files?: readonly string[];
}

export interface CommitRequest {
  /** Data and metadata actions (no commitInfo: it is built here). */
  actions: Action[];
  operation: string;
  operationParameters?: Record<string, unknown>;
  operationMetrics?: Record<string, number | string>;
  /** Only adds, no reads: never conflicts with concurrent writers. */
  isBlindAppend: boolean;
  read?: ReadSet;
  /** Idempotency: skip the commit if the table already has this appId at >= this version. */
  txn?: { appId: string; version: number };
  /**
   * Several idempotency keys committed atomically with the actions (e.g. one per ingested
   * source object). If the table already has any of them at >= its version, nothing is
   * committed and TxnsAlreadyAppliedError names them, so the caller can drop their actions
   * and commit the rest on top of the error's snapshot.
   */
  txns?: readonly { appId: string; version: number }[];
  isolation?: IsolationLevel;
  /** Free-form `commitInfo.userMetadata`. */
  userMetadata?: string;
}

export interface CommitOptions {
  coordinator?: CommitCoordinator;
  retry?: Partial<RetryPolicy>;
  /** Called once per lost race, with the winning version (metrics, logging). */
  onConflict?: (winningVersion: number) => void;
}

export interface CommitOutcome {
  /** The committed version, or the version read when the commit was skipped. */
  version: number;
  /** True when the txn (appId, version) was already in the table: nothing was committed. */
  skipped: boolean;
  /** Lost races resolved by retrying at a later version. */
  conflictsRetried: number;
  /** The table right after this commit (or the latest known state when skipped). */
  snapshot: Snapshot;
}

/** Thrown when version 0 already exists while creating a table (another writer created it). */
export class TableCreatedConcurrentlyError extends ProtocolChangedError {}

/**
 * Some of `CommitRequest.txns` are already in the table (a concurrent writer or an earlier
 * delivery committed them). Nothing was committed. `appIds` lists them; `snapshot` is the
 * latest state read, to rebuild the commit on without the dropped actions.
 */
export class TxnsAlreadyAppliedError extends ConcurrentTransactionError {
  constructor(
    readonly appIds: readonly string[],
    readonly snapshot: Snapshot,
  ) {
    super(
      'ConcurrentTransaction',
      snapshot.version,
      `${appIds.length} of this commit's transaction ids are already in ${snapshot.uri} at version <= ${snapshot.version} ` +
        `(${appIds.slice(0, 3).join(', ')}${appIds.length > 3 ? ', ...' : ''}); nothing was committed. ` +
        'Drop the actions of those ids and commit the rest on the given snapshot.',
    );
  }
}

/** The requested txns that `lookup` already has at >= their version. */
function appliedTxns(
  txns: readonly { appId: string; version: number }[],
  lookup: (appId: string) => Txn | undefined,
): string[] {
  return txns.filter((t) => (lookup(t.appId)?.version ?? -Infinity) >= t.version).map((t) => t.appId);
}

function quoteParams(params: Record<string, unknown> | undefined): Record<string, string> {
  // Spark stores every operation parameter as a string (JSON for lists/objects).
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

function buildCommitInfo(
  req: CommitRequest,
  readVersion: number,
  timestamp: number,
  ict: number | undefined,
  txnId: string,
): CommitInfo {
  const info: CommitInfo = {
    timestamp,
    ...(ict !== undefined ? { inCommitTimestamp: ict } : {}),
    operation: req.operation,
    operationParameters: quoteParams(req.operationParameters),
    ...(readVersion >= 0 ? { readVersion } : {}),
    isolationLevel: req.isolation ?? 'WriteSerializable',
    isBlindAppend: req.isBlindAppend,
    operationMetrics: Object.fromEntries(Object.entries(req.operationMetrics ?? {}).map(([k, v]) => [k, String(v)])),
    engineInfo: ENGINE_INFO,
    txnId,
  };
  if (req.userMetadata !== undefined) info.userMetadata = req.userMetadata;
  return info;
}

function orderActions(commitInfo: CommitInfo, actions: Action[], txns: readonly Txn[]): Action[] {
  const rank = (a: Action) =>
    a.protocol ? 0 : a.metaData ? 1 : a.txn ? 2 : a.domainMetadata ? 3 : a.remove ? 4 : a.add ? 5 : 6;
  const sorted = [...actions].sort((x, y) => rank(x) - rank(y));
  return [{ commitInfo }, ...txns.map((txn) => ({ txn })), ...sorted];
}

/**
 * Commit `req` on top of `base` (undefined when creating the table at version 0).
 * `store` is the table's store.
 */
export async function commitTransaction(
  store: ObjectStore,
  base: Snapshot | undefined,
  req: CommitRequest,
  opts: CommitOptions = {},
): Promise<CommitOutcome> {
  const coordinator = opts.coordinator ?? store.commitCoordinator ?? defaultCoordinator;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const started = Date.now();
  const readVersion = base ? base.version : -1;

  if (req.txn && base) {
    const applied = base.txn(req.txn.appId);
    if (applied && applied.version >= req.txn.version)
      return { version: base.version, skipped: true, conflictsRetried: 0, snapshot: base };
  }
  const txns = req.txns ?? [];
  if (txns.length > 0 && base) {
    const applied = appliedTxns(txns, (id) => base.txn(id));
    if (applied.length > 0) throw new TxnsAlreadyAppliedError(applied, base);
  }

  if (base) assertRemovesAllowed(base.protocol, base.metadata, req.actions, req.operation);

  const newMetadata = req.actions.find((a) => a.metaData)?.metaData;
  const metadata: Metadata | undefined = newMetadata ?? base?.metadata;
  const removed = new Set(req.actions.filter((a) => a.remove).map((a) => canonicalLogPath(a.remove!.path)));
  const ctx: ConflictContext | undefined = metadata
    ? {
        isolation: req.isolation ?? 'WriteSerializable',
        readWholeTable: !!req.read?.wholeTable,
        readPredicates: req.read?.predicates ?? [],
        readFiles: new Set((req.read?.files ?? []).map(canonicalLogPath)),
        removedFiles: removed,
        metadataChanged: !!newMetadata,
        appIds: new Set([...(req.txn ? [req.txn.appId] : []), ...txns.map((t) => t.appId)]),
        columns: {
          schema: parseSchemaString(metadata.schemaString),
          mode: columnMappingMode(metadata),
          partitionColumns: new Set(metadata.partitionColumns),
        },
      }
    : undefined;

  // State known to be current as of `version - 1`; grows as winning commits are read.
  let state = base?.state;
  let version = readVersion + 1;
  let conflicts = 0;
  const lastUpdated = Date.now();
  const txnActions: Txn[] = [...(req.txn ? [req.txn] : []), ...txns].map((t) => ({
    appId: t.appId,
    version: t.version,
    lastUpdated,
  }));

  // One id for every attempt: it lets us recognise our own commit if a store reports a
  // landed conditional put as "exists" (e.g. the S3 SDK retrying a put whose response was lost).
  const txnId = randomUUID();
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    const prevIct = state && metadata && inCommitTimestampsEnabled(metadata) ? lastIct(state) : undefined;
    const ict = metadata && inCommitTimestampsEnabled(metadata) ? Math.max(now, (prevIct ?? 0) + 1) : undefined;
    const actions = orderActions(buildCommitInfo(req, readVersion, now, ict, txnId), req.actions, txnActions);
    const content = serializeActions(actions);
    const result = await attemptCommit(coordinator, store, version, content);
    if (result === 'committed') {
      const next = (state ?? new TableState()).clone();
      next.apply(version, actions);
      if (ict !== undefined) ictByState.set(next, ict);
      return {
        version,
        skipped: false,
        conflictsRetried: conflicts,
        snapshot: new Snapshot(store, next, { version, lastModified: now, commitInfo: actions[0]!.commitInfo }),
      };
    }

    // Lost the race for `version`.
    conflicts++;
    opts.onConflict?.(version);
    if (version === 0 || !ctx || !state) {
      throw new TableCreatedConcurrentlyError(
        'TableCreated',
        0,
        `another writer created the table at ${store.root} concurrently`,
      );
    }
    // Back off before reading what won, then retry at once: sleeping after the read made every
    // retry stale under sustained contention (writers starved for seconds).
    await sleep(backoffDelay(attempt, policy));
    const winners = await readCommitsFrom(store, version);
    for (const w of winners) {
      const winnerInfo = w.actions.find((a) => a.commitInfo)?.commitInfo;
      if (winnerInfo?.txnId === txnId) {
        const next = state.clone();
        next.apply(w.version, w.actions);
        return {
          version: w.version,
          skipped: false,
          conflictsRetried: conflicts - 1,
          snapshot: new Snapshot(store, next, { version: w.version, lastModified: Date.now(), commitInfo: winnerInfo }),
        };
      }
      if (req.txn && w.actions.some((a) => a.txn?.appId === req.txn!.appId && a.txn.version >= req.txn!.version)) {
        // Our own earlier attempt (or a duplicate writer) already applied this txn.
        const inc = await loadIncrement(store, state);
        const snap = inc
          ? new Snapshot(store, inc.state, inc.commits[inc.commits.length - 1])
          : new Snapshot(store, state, undefined);
        return { version: snap.version, skipped: true, conflictsRetried: conflicts, snapshot: snap };
      }
      if (txns.length > 0) {
        const inWinner = new Map(w.actions.filter((a) => a.txn).map((a) => [a.txn!.appId, a.txn!]));
        if (appliedTxns(txns, (id) => inWinner.get(id)).length > 0) throw txnsApplied(store, state, winners, txns);
      }
      // A commit with only commitInfo (VACUUM START/END) reads and changes nothing: no conflict.
      if (req.actions.length > 0 || req.txn || txns.length > 0)
        checkConflict(ctx, { version: w.version, actions: w.actions });
      const next = state.clone();
      next.apply(w.version, w.actions);
      state = next;
    }
    version = state.version + 1;
    const elapsed = Date.now() - started;
    if (elapsed > policy.deadlineMs) {
      throw new CommitFailedError(
        `could not commit to ${store.root} within ${policy.deadlineMs} ms: lost ${conflicts} races to concurrent writers (last at version ${version - 1}). ` +
          'Nothing was committed; retry later or raise the retry deadline.',
      );
    }
  }
}

/**
 * One put-if-absent. A failed put may still have landed (a lost response, a retried request):
 * look at the commit file before reporting, so callers never delete files a commit references.
 */
async function attemptCommit(
  coordinator: CommitCoordinator,
  store: ObjectStore,
  version: number,
  content: Uint8Array,
): Promise<CommitResult> {
  try {
    return await coordinator.commit(store, version, content);
  } catch (err) {
    if (err instanceof CommitConflictError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    let found: Uint8Array | undefined;
    try {
      // A coordinator with a recovery step (DynamoDB) may have recorded the commit without the file.
      if (coordinator.recover) await coordinator.recover(store);
      found = await store.get(commitPath(version));
    } catch (checkErr) {
      if (!(checkErr instanceof NotFoundError)) {
        throw new CommitOutcomeUnknownError(
          version,
          `writing commit ${version} of ${store.root} failed (${reason}) and checking whether it landed failed too ` +
            `(${checkErr instanceof Error ? checkErr.message : String(checkErr)}). Read the table before retrying, or retry with txn.`,
          { cause: err },
        );
      }
    }
    if (!found)
      throw new CommitFailedError(
        `writing commit ${version} of ${store.root} failed: ${reason}. Nothing was committed; retry the write.`,
        { cause: err },
      );
    return sameBytes(found, content) ? 'committed' : 'version-exists';
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Concurrent ingest of the same source objects: hand back the state after every winner read
 * and all of our ids it has, so the caller drops exactly those and retries the rest.
 */
function txnsApplied(
  store: ObjectStore,
  state: TableState,
  winners: readonly { version: number; actions: Action[] }[],
  txns: readonly { appId: string; version: number }[],
): TxnsAlreadyAppliedError {
  const latest = state.clone();
  for (const w of winners) if (w.version > latest.version) latest.apply(w.version, w.actions);
  const last = winners[winners.length - 1]!;
  const commitInfo = last.actions.find((a) => a.commitInfo)?.commitInfo;
  const snapshot = new Snapshot(store, latest, { version: last.version, lastModified: Date.now(), commitInfo });
  return new TxnsAlreadyAppliedError(
    appliedTxns(txns, (id) => latest.txns.get(id)),
    snapshot,
  );
}

const ictByState = new WeakMap<TableState, number>();

/** Winning commits read at once after a lost race. */
const WINNER_READ_CONCURRENCY = 16;

function lastIct(state: TableState): number | undefined {
  return ictByState.get(state);
}

/** Commits from `fromVersion` to the latest, in order. */
async function readCommitsFrom(
  store: ObjectStore,
  fromVersion: number,
): Promise<{ version: number; actions: Action[] }[]> {
  const files = (await listLogFiles(store, fromVersion))
    .filter((f): f is CommitFile => f.kind === 'commit')
    .sort((a, b) => a.version - b.version);
  // The contiguous run from `fromVersion` (stop at a gap: a commit still being written), read
  // in parallel: a writer that lost several races must catch up in one round trip, not one
  // per winner, or it falls further behind while it reads.
  let n = 0;
  while (n < files.length && files[n]!.version === fromVersion + n) n++;
  const out = await mapLimit(files.slice(0, n), WINNER_READ_CONCURRENCY, async (f) => ({
    version: f.version,
    actions: await readCommit(store, f),
  }));
  if (out.length === 0) {
    // Listing can lag a put-if-absent: read the file directly. A coordinator may also report a
    // commit another writer has not finished (DynamoDB protocol): none yet, back off and retry.
    try {
      out.push({
        version: fromVersion,
        actions: parseActions(await store.get(commitPath(fromVersion)), commitPath(fromVersion)),
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return out;
}
