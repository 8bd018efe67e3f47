/**
 * Evaluate a bound value expression (column, literal, cast, arithmetic, or a predicate used as
 * a boolean value) for every row of a batch: the right-hand side of UPDATE SET. Values come
 * back in Delta Scalar form (protocol/scalar.ts) with a validity array; predicates keep SQL's
 * three values (TRUE, FALSE, NULL).
 */
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';
import type { ArrowInput } from './arrow-access.js';
import { pathKey, resolveColumn, segments, type ColumnSlice } from './arrow-access.js';
import type { BoundExpr } from './bound.js';
import { BOOLEAN_TYPE } from './bound.js';
import { columnsOf } from './columns.js';
import { evaluatePredicate } from './eval-arrow.js';
import { isPresent, materialize, valueAt } from './eval-values.js';

export interface EvaluatedValues {
  /** One Scalar per row (null where `valid` is 0). */
  values: Scalar[];
  /** 1 where the row has a value. */
  valid: Uint8Array;
  type: DataType;
}

const VALUE_KINDS = new Set(['column', 'literal', 'cast', 'arith']);

export function evaluateValues(bound: BoundExpr, batch: ArrowInput): EvaluatedValues {
  const n = batch.numRows;
  if (!VALUE_KINDS.has(bound.kind)) return predicateValues(bound, batch);
  const values = new Array<Scalar>(n).fill(null);
  const valid = new Uint8Array(n);
  const paths = columnsOf(bound);
  const keys = paths.map(pathKey);
  const chunks = paths.map((p) => resolveColumn(batch, p));
  for (const seg of segments(n, chunks)) {
    const slices = new Map<string, ColumnSlice>();
    keys.forEach((k, i) => slices.set(k, seg.slices[i]!));
    const vec = materialize(bound, { len: seg.length, slices });
    for (let i = 0; i < seg.length; i++) {
      if (!isPresent(vec, i)) continue;
      values[seg.start + i] = valueAt(vec, i);
      valid[seg.start + i] = 1;
    }
  }
  return { values, valid, type: bound.type };
}

/** TRUE where the predicate holds, FALSE where its negation holds, NULL otherwise. */
function predicateValues(bound: BoundExpr, batch: ArrowInput): EvaluatedValues {
  const n = batch.numRows;
  const isTrue = evaluatePredicate(bound, batch);
  const isFalse = evaluatePredicate({ kind: 'not', arg: bound, type: BOOLEAN_TYPE }, batch);
  const values = new Array<Scalar>(n).fill(null);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (isTrue[i]) values[i] = true;
    else if (isFalse[i]) values[i] = false;
    else continue;
    valid[i] = 1;
  }
  return { values, valid, type: BOOLEAN_TYPE };
}
