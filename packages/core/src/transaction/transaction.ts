/**
 * Optimistic transactions: commit at readVersion + 1; when another writer got there first,
 * read the winning commits, check for logical conflicts (conflicts.ts) and for our own txn
 * having been applied, then retry at the next version with jittered backoff until a
 * deadline. Returns the new snapshot so callers never re-read the log after a commit.
 *
 * A `Transaction` is the three steps, each a method: `attempt` (one put-if-absent of the
 * next version), `rebase` (read the winners, check them, move on top of them) and the
 * retry loop in `commit` (backoff, deadline).
 */
import { CommitFailedError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { serializeActions } from '../log/commit-file.js';
import type { Metadata, Txn } from '../protocol/actions.js';
import { columnMappingMode, inCommitTimestampsEnabled } from '../protocol/features.js';
import { canonicalLogPath } from '../protocol/paths.js';
import { parseSchemaString } from '../protocol/schema.js';
import { assertRemovesAllowed } from '../protocol/writer-features.js';
import { advanceSnapshot, advanceSnapshotOver } from '../snapshot/advance.js';
import { refreshSnapshot } from '../snapshot/load.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { CommitCoordinator } from '../storage/object-store.js';
import { stopwatch } from '../util/clock.js';
import { backoffDelay, DEFAULT_RETRY, sleep, type RetryPolicy } from './backoff.js';
import { writeChecksumAfterCommit } from './checksum.js';
import { buildCommitInfo, orderActions } from './commit-info.js';
import { checkConflict, type ConflictContext } from './conflicts.js';
import { defaultCoordinator } from './coordinator.js';
import { TableCreatedConcurrentlyError, TxnsAlreadyAppliedError } from './errors.js';
import { putCommit } from './put-commit.js';
import type { CommitOptions, CommitOutcome, CommitRequest, TxnKey } from './types.js';
import { readCommitsFrom, type Winner } from './winners.js';

/**
 * Commit `req` on top of `base` (undefined when creating the table at version 0) through
 * `engine` (the table's store, clock and ids).
 */
export async function commitTransaction(
  engine: Engine,
  base: Snapshot | undefined,
  req: CommitRequest,
  opts: CommitOptions = {},
): Promise<CommitOutcome> {
  const skipped = alreadyApplied(base, req);
  if (skipped) return skipped;
  return new Transaction(engine, base, req, opts).commit();
}

/** The base already has our txn (skip), or some of our txns (TxnsAlreadyAppliedError). */
function alreadyApplied(base: Snapshot | undefined, req: CommitRequest): CommitOutcome | undefined {
  if (!base) return undefined;
  const txn = req.txn;
  const applied = txn && base.txn(txn.appId);
  if (txn && applied && applied.version >= txn.version)
    return { version: base.version, skipped: true, conflictsRetried: 0, snapshot: base };
  const appliedIds = appliedTxns(req.txns ?? [], (id) => base.txn(id));
  if (appliedIds.length > 0) throw new TxnsAlreadyAppliedError(appliedIds, base);
  return undefined;
}

export class Transaction {
  private readonly coordinator: CommitCoordinator;
  private readonly policy: RetryPolicy;
  private readonly elapsed = stopwatch();
  private readonly readVersion: number;
  private readonly metadata: Metadata | undefined;
  private readonly conflictContext: ConflictContext | undefined;
  private readonly txns: readonly TxnKey[];
  private readonly txnActions: Txn[];
  /** One id for every attempt: it lets us recognise our own commit if a store reports a landed put as "exists". */
  private readonly txnId: string;
  /**
   * The table as of `version - 1`: the base, then moved over the winning commits as they are
   * read (its head only, when the base was loaded without its file list).
   */
  private state: Snapshot | undefined;
  private version: number;
  private conflicts = 0;

  constructor(
    private readonly engine: Engine,
    private readonly base: Snapshot | undefined,
    private readonly req: CommitRequest,
    private readonly opts: CommitOptions = {},
  ) {
    this.coordinator = opts.coordinator ?? engine.store.commitCoordinator ?? defaultCoordinator;
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    // Removing data from an append-only table is refused whatever the operation, as Delta Spark does.
    if (base) assertRemovesAllowed(base.protocol, base.metadata, req.actions, req.operation);
    this.readVersion = base ? base.version : -1;
    this.txns = req.txns ?? [];
    const newMetadata = req.actions.find((a) => a.metaData)?.metaData;
    this.metadata = newMetadata ?? base?.metadata;
    this.conflictContext = this.metadata && conflictContext(req, this.metadata, !!newMetadata, this.txns);
    const lastUpdated = engine.clock.now();
    this.txnActions = [...(req.txn ? [req.txn] : []), ...this.txns].map((t) => ({
      appId: t.appId,
      version: t.version,
      lastUpdated,
    }));
    this.txnId = engine.ids.uuid();
    this.state = base;
    this.version = this.readVersion + 1;
  }

  /** Commit, retrying on lost races until the retry deadline (the caller checked the base's txns). */
  async commit(): Promise<CommitOutcome> {
    for (let attempt = 0; ; attempt++) {
      const landed = await this.attempt();
      if (landed) return landed;
      this.lostRace();
      // Back off before reading what won, then retry at once: sleeping after the read made every
      // retry stale under sustained contention (writers starved for seconds).
      await sleep(backoffDelay(attempt, this.policy));
      const settled = await this.rebase();
      if (settled) return settled;
      this.checkDeadline();
    }
  }

  /** One put-if-absent of `version`; the outcome when it landed, undefined when another writer has it. */
  async attempt(): Promise<CommitOutcome | undefined> {
    const now = this.engine.clock.now();
    const ictOn = !!this.metadata && inCommitTimestampsEnabled(this.metadata);
    // PROTOCOL.md (In-Commit Timestamps): later than the commit we land on, whoever wrote it
    // and whatever its clock said; the state is the one being committed on (winners included).
    const prevIct = ictOn ? this.state?.inCommitTimestamp : undefined;
    const ict = ictOn ? Math.max(now, (prevIct ?? 0) + 1) : undefined;
    const commitInfo = buildCommitInfo(this.req, this.readVersion, now, ict, this.txnId);
    const actions = orderActions(commitInfo, this.req.actions, this.txnActions);
    const store = this.engine.store;
    const result = await putCommit(this.coordinator, store, this.version, serializeActions(actions));
    if (result !== 'committed') return undefined;
    const lastCommit = { version: this.version, lastModified: now, commitInfo };
    const snapshot = advanceSnapshot(this.engine, this.state, this.version, actions, lastCommit, true);
    // Best effort, as Delta Spark: a checksum that cannot be written leaves the commit as it is.
    await writeChecksumAfterCommit(this.state, snapshot, actions, this.txnId);
    return { version: this.version, skipped: false, conflictsRetried: this.conflicts, snapshot };
  }

  /** Count a lost race; creating a table can only lose to another creator. */
  private lostRace(): void {
    this.conflicts++;
    this.opts.onConflict?.(this.version);
    if (this.version === 0 || !this.conflictContext || !this.state) {
      throw new TableCreatedConcurrentlyError(
        'TableCreated',
        0,
        `another writer created the table at ${this.engine.store.root} concurrently`,
      );
    }
  }

  /**
   * Read the commits that won and move on top of them, or settle: one of them is ours (it
   * landed after all), or it applied our txn (skip). Throws when a winner conflicts.
   */
  async rebase(): Promise<CommitOutcome | undefined> {
    let state = this.state!;
    const winners = await readCommitsFrom(this.engine.store, this.version);
    for (const w of winners) {
      const settled = await this.settledBy(state, w, winners);
      if (settled) return settled;
      // A commit with only commitInfo (VACUUM START/END) reads and changes nothing: no conflict.
      if (this.req.actions.length > 0 || this.req.txn || this.txns.length > 0 || this.req.readTxns?.length)
        checkConflict(this.conflictContext!, { version: w.version, actions: w.actions });
      state = advanceSnapshot(this.engine, state, w.version, w.actions, undefined, false);
    }
    this.state = state;
    this.version = state.version + 1;
    return undefined;
  }

  /** The outcome when winner `w` is our own commit or already applied our txn(s). */
  private async settledBy(state: Snapshot, w: Winner, winners: readonly Winner[]): Promise<CommitOutcome | undefined> {
    const winnerInfo = w.actions.find((a) => a.commitInfo)?.commitInfo;
    if (winnerInfo?.txnId === this.txnId) {
      const lastCommit = { version: w.version, lastModified: this.engine.clock.now(), commitInfo: winnerInfo };
      const snapshot = advanceSnapshot(this.engine, state, w.version, w.actions, lastCommit, true);
      return { version: w.version, skipped: false, conflictsRetried: this.conflicts - 1, snapshot };
    }
    const txn = this.req.txn;
    if (txn && w.actions.some((a) => a.txn?.appId === txn.appId && a.txn.version >= txn.version)) {
      // Our own earlier attempt (or a duplicate writer) already applied this txn.
      const snap = await refreshSnapshot(state);
      return { version: snap.version, skipped: true, conflictsRetried: this.conflicts, snapshot: snap };
    }
    if (this.txns.length > 0) {
      const inWinner = new Map(w.actions.filter((a) => a.txn).map((a) => [a.txn!.appId, a.txn!]));
      if (appliedTxns(this.txns, (id) => inWinner.get(id)).length > 0) throw this.txnsApplied(state, winners);
    }
    return undefined;
  }

  /**
   * Concurrent ingest of the same source objects: hand back the state after every winner read
   * and all of our ids it has, so the caller drops exactly those and retries the rest.
   */
  private txnsApplied(state: Snapshot, winners: readonly Winner[]): TxnsAlreadyAppliedError {
    const last = winners[winners.length - 1]!;
    const commitInfo = last.actions.find((a) => a.commitInfo)?.commitInfo;
    const lastCommit = { version: last.version, lastModified: this.engine.clock.now(), commitInfo };
    const newer = winners.filter((w) => w.version > state.version);
    const snapshot = newer.length > 0 ? advanceSnapshotOver(this.engine, state, newer, lastCommit, false) : state;
    return new TxnsAlreadyAppliedError(
      appliedTxns(this.txns, (id) => snapshot.txn(id)),
      snapshot,
    );
  }

  private checkDeadline(): void {
    const { deadlineMs } = this.policy;
    if (this.elapsed() <= deadlineMs) return;
    const root = this.engine.store.root;
    const [conflicts, last] = [this.conflicts, this.version - 1];
    throw new CommitFailedError(
      (say) =>
        `could not commit to ${root} within ${deadlineMs} ms: lost ${conflicts} races to concurrent writers ` +
        `(last at version ${last}). Nothing was committed; retry later${say({ option: 'retryDeadline' })}.`,
    );
  }
}

/** What the conflict rules need to know about this transaction. */
function conflictContext(
  req: CommitRequest,
  metadata: Metadata,
  metadataChanged: boolean,
  txns: readonly TxnKey[],
): ConflictContext {
  return {
    isolation: req.isolation ?? 'WriteSerializable',
    readWholeTable: !!req.read?.wholeTable,
    readPredicates: req.read?.predicates ?? [],
    readFiles: new Set((req.read?.files ?? []).map(canonicalLogPath)),
    removedFiles: new Set(req.actions.filter((a) => a.remove).map((a) => canonicalLogPath(a.remove!.path))),
    metadataChanged,
    appIds: new Set([...(req.txn ? [req.txn.appId] : []), ...txns.map((t) => t.appId), ...(req.readTxns ?? [])]),
    columns: {
      schema: parseSchemaString(metadata.schemaString),
      mode: columnMappingMode(metadata),
      partitionColumns: new Set(metadata.partitionColumns),
    },
  };
}

/** The requested txns that `lookup` already has at >= their version. */
function appliedTxns(txns: readonly TxnKey[], lookup: (appId: string) => Txn | undefined): string[] {
  return txns.filter((t) => (lookup(t.appId)?.version ?? -Infinity) >= t.version).map((t) => t.appId);
}
