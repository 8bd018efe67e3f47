/** RESTORE's options, plan and result. */
import type { AddFile, Metadata, Protocol } from '../../protocol/actions.js';
import type { CommitOptions, CommitOutcome, PostCommitResult } from '../../transaction/index.js';

export interface RestoreMetrics {
  numRestoredFiles: number;
  numRemovedFiles: number;
  restoredFilesSize: number;
  removedFilesSize: number;
  tableSizeAfterRestore: number;
  numOfFilesAfterRestore: number;
}

export interface RestoreOptions extends CommitOptions {
  /** The timestamp the caller asked for (recorded in commitInfo), when it restored by time. */
  timestamp?: string;
}

/** What RESTORE will commit (JSON): files to bring back and to remove, and layout changes. */
export interface RestorePlan {
  /** The version of the table the plan was made on. */
  readVersion: number;
  restoredVersion: number;
  /** Files of the restored version the latest does not have (re-added by their old paths). */
  add: AddFile[];
  /** Files of the latest version the restored one does not have. */
  remove: AddFile[];
  /** The restored version's metadata, when it differs from the latest's. */
  metadata?: Metadata;
  /** A protocol upgrade both versions need (a protocol never goes down). */
  protocol?: Protocol;
  metrics: RestoreMetrics;
}

export interface RestoreResult extends CommitOutcome {
  metrics: RestoreMetrics;
  restoredVersion: number;
  /** Manifest update and checkpoint after the commit (transaction/post-commit.ts). */
  postCommit?: PostCommitResult;
}
