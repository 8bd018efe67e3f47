/** What a transaction is asked to commit, how, and what it reports. */
import type { BoundExpression } from '../expr/index.js';
import type { Action } from '../protocol/actions.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { CommitCoordinator } from '../storage/object-store.js';
import type { RetryPolicy } from './backoff.js';
import type { IsolationLevel } from './conflicts.js';

export interface ReadSet {
  /** The transaction depends on the whole table (overwrite, restore). */
  wholeTable?: boolean;
  /** Predicates over the data the transaction read (replaceWhere, partition overwrite). */
  predicates?: BoundExpression[];
  /** Log paths of files the transaction read. */
  files?: readonly string[];
}

/** An idempotency key: the application `appId` has applied its transaction `version`. */
export interface TxnKey {
  appId: string;
  version: number;
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
  txn?: TxnKey;
  /**
   * Several idempotency keys committed atomically with the actions (e.g. one per ingested
   * source object). If the table already has any of them at >= its version, nothing is
   * committed and TxnsAlreadyAppliedError names them, so the caller can drop their actions
   * and commit the rest on top of the error's snapshot.
   */
  txns?: readonly TxnKey[];
  /**
   * Application ids whose txns this transaction depends on (Delta Spark's `readTxn`): a
   * concurrent commit that writes a txn for one of them is a ConcurrentTransactionError, so the
   * caller redoes its reads. (The change-stream apply reads remembered deletes and depends on
   * the mark every commit that remembers new ones carries.)
   */
  readTxns?: readonly string[];
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
