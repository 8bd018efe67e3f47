/**
 * MERGE's row-level decisions, pure (no I/O, no expression engine): which clause acts on each
 * target row and each unmatched source row, given the join's matches and each clause's
 * condition already evaluated (TRUE / FALSE / NULL per row). As Delta's MergeIntoCommand:
 * within a kind, clauses are tried in the order given and the first whose condition is TRUE
 * acts (NULL is not TRUE); none: the row is left alone. Two source rows matching one target
 * row fail the statement, unless the only matched clause is one unconditional delete.
 */
import { MergeMultipleMatchError } from './errors.js';
import type { MergeClause, MergeClauseKind, MergeSpec } from './types.js';

/** A condition's value on one row: SQL's three-valued logic. */
export type Truth = boolean | null;

/**
 * Each clause's condition over the rows being decided, indexed like `spec.clauses`; an entry
 * may be undefined for clauses without a condition or of another kind.
 */
export type ClauseConditions = ReadonlyArray<ArrayLike<Truth> | undefined>;

/** No clause acts on the row: target rows are kept as they are, source rows are dropped. */
export const NO_CLAUSE = -1;

/** Indexes into `spec.clauses` of the clauses of one kind, in order. */
export function clausesOf(spec: Pick<MergeSpec, 'clauses'>, kind: MergeClauseKind): number[] {
  const out: number[] = [];
  spec.clauses.forEach((c, i) => {
    if (c.kind === kind) out.push(i);
  });
  return out;
}

function firstTrue(
  clauses: readonly MergeClause[],
  order: readonly number[],
  conds: ClauseConditions,
  row: number,
): number {
  for (const i of order) {
    if (clauses[i]!.condition === undefined) return i;
    if (conds[i]?.[row] === true) return i;
  }
  return NO_CLAUSE;
}

/**
 * Whether duplicate matches are allowed, as Delta: an insert-only merge never looks for them
 * (its separate path joins anti), and the only matched clause being one unconditional delete
 * makes them unambiguous. Any other merge with a matched or not-matched-by-source clause
 * fails on them (Delta counts the join's matches before any clause condition).
 */
export function allowsMultipleMatches(spec: Pick<MergeSpec, 'clauses'>): boolean {
  if (spec.clauses.every((c) => c.kind === 'notMatched')) return true;
  const matched = spec.clauses.filter((c) => c.kind === 'matched');
  return matched.length === 1 && matched[0]!.action === 'delete' && !matched[0]!.condition;
}

/**
 * Fail when a target row matched several source rows and a matched clause could change it.
 * `matchCounts[i]` is how many source rows matched target row `i`; `keyOf(i)` names the row.
 */
export function checkSingleMatch(
  spec: Pick<MergeSpec, 'clauses'>,
  matchCounts: ArrayLike<number>,
  keyOf: (targetRow: number) => Readonly<Record<string, unknown>>,
): void {
  if (allowsMultipleMatches(spec)) return;
  for (let i = 0; i < matchCounts.length; i++)
    if (matchCounts[i]! > 1) throw new MergeMultipleMatchError(keyOf(i), matchCounts[i]!);
}

/**
 * The clause (index into `spec.clauses`, or NO_CLAUSE) acting on each target row:
 * `matched[i]` is the source row that matched target row `i` (any one of them when
 * duplicates are allowed), or -1. Matched rows go through the matched clauses, the others
 * through the not-matched-by-source clauses; `conds` are evaluated per target row (over the
 * target row and its matched source row).
 */
export function decideTargetRows(
  spec: Pick<MergeSpec, 'clauses'>,
  matched: ArrayLike<number>,
  conds: ClauseConditions,
): Int32Array {
  const onMatch = clausesOf(spec, 'matched');
  const bySource = clausesOf(spec, 'notMatchedBySource');
  const out = new Int32Array(matched.length);
  for (let i = 0; i < matched.length; i++)
    out[i] = firstTrue(spec.clauses, matched[i]! >= 0 ? onMatch : bySource, conds, i);
  return out;
}

/**
 * The insert clause (index into `spec.clauses`, or NO_CLAUSE) for each source row no target
 * row matched (`matchedAny[i]` non-zero: source row `i` matched some target row: no clause).
 */
export function decideSourceRows(
  spec: Pick<MergeSpec, 'clauses'>,
  matchedAny: ArrayLike<number>,
  conds: ClauseConditions,
): Int32Array {
  const notMatched = clausesOf(spec, 'notMatched');
  const out = new Int32Array(matchedAny.length);
  for (let i = 0; i < matchedAny.length; i++)
    out[i] = matchedAny[i] ? NO_CLAUSE : firstTrue(spec.clauses, notMatched, conds, i);
  return out;
}
