/** ADD CONSTRAINT / DROP CONSTRAINT: options, plans and results. */
import type { Metadata, Protocol } from '../../protocol/actions.js';
import type { CommitOptions, CommitOutcome, PostCommitResult } from '../../transaction/index.js';

export type AddConstraintOptions = CommitOptions;

export interface DropConstraintOptions extends CommitOptions {
  /** Succeed without a commit when the table has no such constraint (DROP CONSTRAINT IF EXISTS). */
  ifExists?: boolean;
}

/** What ADD CONSTRAINT commits (JSON), once the existing rows are checked. */
export interface AddConstraintPlan {
  kind: 'add';
  /** The version of the table the plan was made on (and whose rows are checked). */
  readVersion: number;
  /** The constraint's name as stored (lower case, as Delta Spark stores it). */
  name: string;
  /** The CHECK expression, as given (trimmed). */
  expression: string;
  /** Top-level columns the expression reads: all the check needs to scan. */
  columns: string[];
  metadata: Metadata;
  /** The upgraded protocol (the checkConstraints feature), when the table lacks it. */
  protocol?: Protocol;
}

/** What DROP CONSTRAINT commits (JSON). */
export interface DropConstraintPlan {
  kind: 'drop';
  readVersion: number;
  name: string;
  /** The dropped expression; absent when `ifExists` found nothing to drop. */
  expression?: string;
  /** The metadata without the constraint; absent when there is nothing to commit. */
  metadata?: Metadata;
}

export type ConstraintPlan = AddConstraintPlan | DropConstraintPlan;

/** Rows of the table that the new constraint is false or NULL on. */
export interface ConstraintCheck {
  violations: number;
  /** The first violating row (the columns the expression reads). */
  example?: Record<string, unknown>;
  filesRead: number;
  filesSkipped: number;
}

export interface ConstraintResult extends CommitOutcome {
  name: string;
  /** The constraint's expression (the dropped one for DROP). */
  expression?: string;
  /** False when DROP ... IF EXISTS found no such constraint (nothing committed). */
  changed: boolean;
  /** The check of the existing rows (ADD only). */
  check?: ConstraintCheck;
  postCommit?: PostCommitResult;
}
