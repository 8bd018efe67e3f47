/**
 * MERGE's join condition taken apart (pure): its top-level conjuncts sorted into equality keys
 * (`t.a = s.b`, the hash join's keys and the target's key-range pruning), target-only
 * conjuncts (prune target files, as Delta's getTargetOnlyPredicates), source-only conjuncts
 * and the rest (evaluated per candidate pair). Without any key the join is a nested loop
 * (join.ts) and the source-only conjuncts filter the source once. Every column must be
 * qualified by an alias (`t.id`, `s.id`); a nested field is `t.addr.city`.
 */
import { ExpressionError } from '../../errors.js';
import { and, col, columnsOf, or, parseExpression, type Expression, type LiteralInput } from '../../expr/index.js';
import type { MergeSpec } from './types.js';

/** One equality key: a top-level target column equal to a top-level source column. */
export interface MergeKey {
  target: string;
  source: string;
}

export interface OnParts {
  keys: MergeKey[];
  targetOnly: Expression[];
  sourceOnly: Expression[];
  /** Conjuncts over both sides that are not simple key equalities. */
  mixed: Expression[];
}

type Side = 'target' | 'source';

function conjuncts(e: Expression): Expression[] {
  return e.kind === 'and' ? e.args.flatMap(conjuncts) : [e];
}

function sidesOf(e: Expression, spec: Pick<MergeSpec, 'on' | 'sourceAlias' | 'targetAlias'>): Set<Side> {
  const sides = new Set<Side>();
  for (const path of columnsOf(e)) {
    const [alias] = path;
    if (path.length >= 2 && alias === spec.targetAlias) sides.add('target');
    else if (path.length >= 2 && alias === spec.sourceAlias) sides.add('source');
    else
      throw new ExpressionError(
        `merge: column ${path.join('.')} in on '${spec.on}' needs its table: write ${spec.targetAlias}.${path.join('.')} (the target) or ${spec.sourceAlias}.${path.join('.')} (the source)`,
      );
  }
  return sides;
}

/** A key equality `t.x = s.y` (either order), or undefined. */
function keyOf(e: Expression, spec: Pick<MergeSpec, 'sourceAlias' | 'targetAlias'>): MergeKey | undefined {
  if (e.kind !== 'compare' || e.op !== '=' || e.left.kind !== 'column' || e.right.kind !== 'column') return undefined;
  const [l, r] = [e.left.path, e.right.path];
  if (l.length !== 2 || r.length !== 2) return undefined;
  if (l[0] === spec.targetAlias && r[0] === spec.sourceAlias) return { target: l[1]!, source: r[1]! };
  if (l[0] === spec.sourceAlias && r[0] === spec.targetAlias) return { target: r[1]!, source: l[1]! };
  return undefined;
}

/** Split `spec.on` into keys, one-sided conjuncts and the rest. */
export function splitOn(spec: Pick<MergeSpec, 'on' | 'sourceAlias' | 'targetAlias'>): OnParts {
  const parts: OnParts = { keys: [], targetOnly: [], sourceOnly: [], mixed: [] };
  for (const c of conjuncts(parseExpression(spec.on))) {
    const sides = sidesOf(c, spec);
    const key = keyOf(c, spec);
    if (key) parts.keys.push(key);
    else if (sides.size === 2) parts.mixed.push(c);
    else if (sides.has('source')) parts.sourceOnly.push(c);
    else parts.targetOnly.push(c);
  }
  return parts;
}

/** Whether `e` reads only the target (a conjunct reading no column at all counts, as in Delta). */
function targetOnly(e: Expression, spec: Pick<MergeSpec, 'targetAlias'>): boolean {
  return columnsOf(e).every((p) => p.length >= 2 && p[0] === spec.targetAlias);
}

/**
 * Delta's extra pruning for a merge with only WHEN MATCHED clauses (getTargetOnlyPredicates):
 * a target row no matched clause can act on needs no reading, so the files where, for every
 * clause, the target-only conjuncts of its condition cannot be TRUE are skipped. The filter is
 * the OR over the clauses of the AND of those conjuncts; undefined when some clause has none
 * (it may act on any matched row) or the merge has another kind of clause.
 */
export function matchedOnlyTargetFilter(spec: Pick<MergeSpec, 'clauses' | 'targetAlias'>): Expression | undefined {
  if (spec.clauses.length === 0 || spec.clauses.some((c) => c.kind !== 'matched')) return undefined;
  const perClause: Expression[] = [];
  for (const c of spec.clauses) {
    const parts =
      c.condition === undefined ? [] : conjuncts(parseExpression(c.condition)).filter((e) => targetOnly(e, spec));
    if (parts.length === 0) return undefined;
    perClause.push(and(...parts));
  }
  return or(...perClause);
}

/**
 * The source's values of one key: their smallest and largest non-null value, `'empty'` when
 * every value is NULL (no target row can match), `'unbounded'` when the key's type is not
 * range-pruned (only numbers, bigints and strings are).
 */
export type KeyRange = { min: LiteralInput; max: LiteralInput } | 'empty' | 'unbounded';

/**
 * A filter over the target's own columns that every target row a source row can match
 * satisfies: each key within the source's range. `null` when some key has no non-null source
 * value (no target row can match). Used with the file's partition values and statistics.
 */
export function keyRangeFilter(keys: readonly MergeKey[], ranges: readonly KeyRange[]): Expression | null {
  const parts: Expression[] = [];
  for (let i = 0; i < keys.length; i++) {
    const range = ranges[i] ?? 'unbounded';
    if (range === 'empty') return null;
    if (range !== 'unbounded') parts.push(col([keys[i]!.target]).between(range.min, range.max));
  }
  return and(...parts);
}
