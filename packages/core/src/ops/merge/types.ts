/**
 * MERGE's statement as data: the join condition, the aliases and the ordered clauses. Plain
 * JSON (conditions and assignments as SQL text), so a plan can travel to worker Lambdas like
 * DELETE/UPDATE plans do.
 */
import type { Expression, LiteralInput } from '../../expr/index.js';

/** How the source joins the target: `on` over the aliases (default `t` for the target, `s` for the source). */
export interface MergeOn {
  on: Expression | string;
  sourceAlias?: string;
  targetAlias?: string;
}

/** An assignment list (`set` / `values`): column -> builder expression, SQL text, or a plain value. */
export type MergeAssignments = Readonly<Record<string, Expression | LiteralInput>>;

/** Every column from the source column of the same name (Spark's `updateAll` / `insertAll`). */
export type AllColumns = 'all';

export type MergeClauseKind = 'matched' | 'notMatched' | 'notMatchedBySource';
export type MergeActionType = 'update' | 'delete' | 'insert';

/** One WHEN clause, normalized: SQL text for the condition and each assigned value. */
export interface MergeClause {
  kind: MergeClauseKind;
  action: MergeActionType;
  /** SQL text; absent: always. */
  condition?: string;
  /** update / insert: column -> SQL text, or 'all'. */
  assignments?: Record<string, string> | AllColumns;
}

/** The whole statement as JSON. */
export interface MergeSpec {
  on: string;
  sourceAlias: string;
  targetAlias: string;
  clauses: MergeClause[];
  /** Add source columns missing from the target (Delta's withSchemaEvolution). */
  schemaEvolution: boolean;
}

/** Rows each kind of clause acted on (summed over the groups of an execution). */
export interface MergeRowCounts {
  inserted: number;
  matchedUpdated: number;
  matchedDeleted: number;
  notMatchedBySourceUpdated: number;
  notMatchedBySourceDeleted: number;
}

export function emptyRowCounts(): MergeRowCounts {
  return {
    inserted: 0,
    matchedUpdated: 0,
    matchedDeleted: 0,
    notMatchedBySourceUpdated: 0,
    notMatchedBySourceDeleted: 0,
  };
}
