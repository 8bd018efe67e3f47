/**
 * UPDATE's assignments: `column = expression` pairs, bound against the table schema and
 * converted to the column's type as Spark's ANSI store assignment does (numeric narrowing is
 * checked, not wrapped: a value that does not fit fails the statement; date widens to
 * timestamp; other types must match). Nested columns can be assigned a column of the same
 * type or NULL. Applied to batches of updated rows (all table columns, schema order).
 */
import * as arrow from 'apache-arrow';
import { scalarsToData } from '../../arrow/from-scalars.js';
import { constantData, nullData } from '../../arrow/constant.js';
import { ConstraintViolationError, ExpressionError, InvalidArgumentError } from '../../errors.js';
import { bindValue, evaluateValues, parseExpression, toSql, type BoundExpression } from '../../expr/index.js';
import type { Expr } from '../../expr/ast.js';
import { exactLiteral } from '../../expr/coerce.js';
import { isNumeric, typesEqual } from '../../expr/scalar-ops.js';
import { deltaTypeToArrow } from '../../protocol/arrow-schema.js';
import type { Scalar } from '../../protocol/scalar.js';
import {
  formatDataType,
  isPrimitive,
  type DataType,
  type StructField,
  type StructType,
} from '../../protocol/schema.js';
import { convertScalar } from './store-assignment.js';

export interface Assignment {
  /** Index of the column in the table schema (and in batches of all columns). */
  index: number;
  field: StructField;
  bound: BoundExpression;
  /** SQL text of the value, as given to workers and in error messages. */
  sql: string;
}

/** A type's shape: names, nullability and types, without field metadata (column mapping ids, comments). */
function shape(t: DataType): unknown {
  switch (t.type) {
    case 'struct':
      return t.fields.map((f) => [f.name, f.nullable, shape(f.type)]);
    case 'array':
      return { element: shape(t.elementType), containsNull: t.containsNull };
    case 'map':
      return { key: shape(t.keyType), value: shape(t.valueType), containsNull: t.valueContainsNull };
    default:
      return formatDataType(t);
  }
}

const sameShape = (a: DataType, b: DataType) => JSON.stringify(shape(a)) === JSON.stringify(shape(b));

function assignable(from: DataType, to: DataType): boolean {
  if (typesEqual(from, to)) return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  return from.type === 'date' && (to.type === 'timestamp' || to.type === 'timestamp_ntz');
}

/**
 * Bind the value assigned to `field`, checked as Spark's store assignment. `pathLength` is
 * the length of a plain column reference in `schema` (2 for MERGE's `t.col` / `s.col`).
 */
export function bindAssignment(expr: Expr, field: StructField, schema: StructType, pathLength = 1): BoundExpression {
  const target = field.type;
  if (expr.kind === 'literal' && expr.type === undefined) {
    let value: Scalar | undefined;
    try {
      value = exactLiteral(expr.value, target);
    } catch (err) {
      throw new ExpressionError(`SET ${field.name}: ${(err as Error).message}`);
    }
    if (value === undefined)
      throw new ExpressionError(
        `SET ${field.name}: ${toSql(expr)} is not a ${formatDataType(target)} value (column ${field.name} is ${formatDataType(target)})`,
      );
    return { kind: 'literal', value, type: target };
  }
  const bound = bindValue(expr, schema);
  const nested = !isPrimitive(target) || target.type === 'variant';
  if (nested) {
    const sameColumn = bound.kind === 'column' && bound.path.length === pathLength && sameShape(bound.type, target);
    if (!sameColumn)
      throw new ExpressionError(
        `SET ${field.name}: column ${field.name} is ${formatDataType(target)}; it can only be set to NULL or to another column of the same type`,
      );
    return bound;
  }
  if (!assignable(bound.type, target))
    throw new ExpressionError(
      `SET ${field.name}: ${toSql(expr)} is ${formatDataType(bound.type)}, which cannot be stored in column ${field.name} (${formatDataType(target)})`,
    );
  return bound;
}

/** Bind `set` (column -> SQL text) against `schema`. */
export function compileAssignments(schema: StructType, set: Readonly<Record<string, string>>): Assignment[] {
  const entries = Object.entries(set);
  if (entries.length === 0) throw new InvalidArgumentError('UPDATE needs at least one column to set');
  const seen = new Set<number>();
  return entries.map(([name, sql]) => {
    if (name.includes('.') && !schema.fields.some((f) => f.name === name))
      throw new InvalidArgumentError(
        `SET ${name}: only top-level columns can be assigned; set the whole struct instead`,
      );
    let index = schema.fields.findIndex((f) => f.name === name);
    if (index < 0) index = schema.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
    if (index < 0)
      throw new InvalidArgumentError(
        `SET ${name}: no such column; columns are ${schema.fields.map((f) => f.name).join(', ')}`,
      );
    if (seen.has(index)) throw new InvalidArgumentError(`SET names column ${schema.fields[index]!.name} twice`);
    seen.add(index);
    const field = schema.fields[index]!;
    const expr = parseExpression(sql);
    return { index, field, bound: bindAssignment(expr, field, schema), sql };
  });
}

/** The new value of one assigned column for every row of `batch` (all table columns, schema order). */
function assignedColumn(batch: arrow.RecordBatch, a: Assignment): arrow.Data {
  const n = batch.numRows;
  const target = a.field.type;
  const b = a.bound;
  if (b.kind === 'literal' && typesEqual(b.type, target)) return constantData(deltaTypeToArrow(target), b.value, n);
  if (b.kind === 'literal' && b.value === null) return nullData(deltaTypeToArrow(target), n);
  if (b.kind === 'column' && b.path.length === 1 && (typesEqual(b.type, target) || !isPrimitive(target))) {
    const i = batch.schema.fields.findIndex((f) => f.name === b.path[0]);
    return batch.data.children[i]!;
  }
  const ev = evaluateValues(b, batch);
  const values = ev.values.map((v, i) => (ev.valid[i] ? convertScalar(v, ev.type, target, a.field.name) : null));
  return scalarsToData(values, ev.valid, target);
}

/** `batch` with the assigned columns replaced (all rows are updated rows). */
export function applyAssignments(batch: arrow.RecordBatch, assignments: readonly Assignment[]): arrow.RecordBatch {
  const children = [...batch.data.children];
  for (const a of assignments) children[a.index] = assignedColumn(batch, a);
  const fields = batch.schema.fields.map((f, i) => new arrow.Field(f.name, children[i]!.type, f.nullable, f.metadata));
  return new arrow.RecordBatch(
    new arrow.Schema(fields, batch.schema.metadata),
    arrow.makeData({ type: new arrow.Struct(fields), length: batch.numRows, nullCount: 0, children }),
  );
}

/** Throws when an assignment stored a NULL in a NOT NULL column. */
export function checkAssignedNotNull(batch: arrow.RecordBatch, assignments: readonly Assignment[]): void {
  for (const a of assignments) {
    if (a.field.nullable) continue;
    const data = batch.data.children[a.index]!;
    if (data.nullCount !== 0)
      throw new ConstraintViolationError(
        'NOT NULL',
        `UPDATE sets NULL in NOT NULL column ${a.field.name} (SET ${a.field.name} = ${a.sql}); nothing was committed`,
      );
  }
}
