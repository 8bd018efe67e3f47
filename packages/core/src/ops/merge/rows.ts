/**
 * MERGE's row batches: the combined row (`{ t: struct, s: struct }`) that conditions and
 * values are evaluated over, and the new rows of an update or insert clause (every target
 * column, converted as Spark's store assignment, NOT NULL and CHECK constraints enforced).
 */
import * as arrow from 'apache-arrow';
import { constantData, nullData } from '../../arrow/constant.js';
import { batchOf } from '../../arrow/data-utils.js';
import { scalarsToData } from '../../arrow/from-scalars.js';
import { takeBatch } from '../../arrow/take.js';
import { ConstraintViolationError } from '../../errors.js';
import { evaluatePredicate, evaluateValues, type BoundExpression } from '../../expr/index.js';
import { typesEqual } from '../../expr/scalar-ops.js';
import { deltaFieldToArrow, deltaTypeToArrow } from '../../protocol/arrow-schema.js';
import { isPrimitive, type StructField } from '../../protocol/schema.js';
import { checkConstraints, type Constraint } from '../../write/constraints.js';
import { convertScalar } from '../dml/store-assignment.js';
import { clauseLabel, type CompiledClause, type CompiledMerge } from './compile.js';

/** A struct column holding `batch`'s columns (the batch's own struct data). */
function structOf(batch: arrow.RecordBatch): arrow.Data {
  return batch.data;
}

/** The combined batch: target rows (a batch of some target columns, or none) beside source rows. */
export function combine(
  m: Pick<CompiledMerge, 'spec'>,
  target: arrow.RecordBatch | undefined,
  source: arrow.RecordBatch,
): arrow.RecordBatch {
  const n = source.numRows;
  const t = target
    ? structOf(target)
    : arrow.makeData({ type: new arrow.Struct([]), length: n, nullCount: 0, children: [] });
  const s = structOf(source);
  const fields = [new arrow.Field(m.spec.targetAlias, t.type, true), new arrow.Field(m.spec.sourceAlias, s.type, true)];
  return batchOf(new arrow.Schema(fields), [t, s], n);
}

/** Source rows at `indexes` (a negative index gives a NULL row). */
export function sourceRows(source: arrow.RecordBatch, indexes: Int32Array): arrow.RecordBatch {
  return takeBatch(source, indexes);
}

/** Each condition's TRUE mask over the combined batch, indexed like the clauses (undefined: no condition). */
export function conditionMasks(
  clauses: readonly CompiledClause[],
  batch: arrow.RecordBatch,
  use: (c: CompiledClause) => boolean,
): (Uint8Array | undefined)[] {
  return clauses.map((c) => (c.condition && use(c) ? evaluatePredicate(c.condition, batch) : undefined));
}

/** A mask as the clause decisions' three-valued input (NULL and FALSE both "not TRUE"). */
export function truths(masks: readonly (Uint8Array | undefined)[]): (ArrayLike<boolean> | undefined)[] {
  return masks.map((m) => (m ? Array.from(m, (b) => b === 1) : undefined));
}

function columnData(batch: arrow.RecordBatch, path: readonly string[]): arrow.Data {
  let data: arrow.Data = batch.getChild(path[0]!)!.data[0]!;
  for (const name of path.slice(1)) {
    const names = (data.type as arrow.Struct).children.map((f) => f.name);
    data = data.children[names.indexOf(name)]!;
  }
  return data;
}

/** The new value of `field` for every row of the combined batch. */
function valueData(b: BoundExpression, field: StructField, batch: arrow.RecordBatch): arrow.Data {
  const n = batch.numRows;
  const target = field.type;
  const arrowType = deltaTypeToArrow(target);
  if (b.kind === 'literal' && b.value === null) return nullData(arrowType, n);
  if (b.kind === 'literal' && typesEqual(b.type, target)) return constantData(arrowType, b.value, n);
  if (b.kind === 'column' && (typesEqual(b.type, target) || !isPrimitive(target))) {
    const d = columnData(batch, b.path);
    if (arrow.util.compareTypes(d.type, arrowType)) return d;
  }
  const ev = evaluateValues(b, batch);
  const values = ev.values.map((v, i) => (ev.valid[i] ? convertScalar(v, ev.type, target, field.name) : null));
  return scalarsToData(values, ev.valid, target);
}

/** The rows a clause writes: every target column in schema order, constraints checked. */
export function clauseOutput(
  m: CompiledMerge,
  clause: CompiledClause,
  combined: arrow.RecordBatch,
  constraints: readonly Constraint[],
): arrow.RecordBatch {
  const fields = m.target.fields;
  const children = fields.map((f, i) => valueData(clause.values![i]!, f, combined));
  const schema = new arrow.Schema(fields.map((f) => deltaFieldToArrow(f)));
  const out = batchOf(schema, children, combined.numRows);
  fields.forEach((f, i) => {
    if (!f.nullable && children[i]!.nullCount !== 0)
      throw new ConstraintViolationError(
        'NOT NULL',
        (say) =>
          `merge: ${clauseLabel(clause.clause, say)} writes NULL into NOT NULL column ${f.name}; nothing was committed`,
      );
  });
  checkConstraints(out, constraints, m.target);
  return out;
}
