/** Transactions: what the operations above use to commit. */
export { commitTransaction, Transaction } from './transaction.js';
export type { CommitOptions, CommitOutcome, CommitRequest, ReadSet, TxnKey } from './types.js';
export { TableCreatedConcurrentlyError, TxnsAlreadyAppliedError } from './errors.js';
export { PutIfAbsentCoordinator, defaultCoordinator } from './coordinator.js';
export { runPostCommitHooks, checkpointInterval, type PostCommitResult } from './post-commit.js';
export type { RetryPolicy } from './backoff.js';
export type { IsolationLevel } from './conflicts.js';
export { ENGINE_INFO } from './engine-info.js';
