/**
 * Bound expression tree: the output of bind(). Every node carries its Delta type,
 * columns carry their exact schema path, and both sides of a comparison have the same
 * type (casts are explicit nodes). Evaluators (eval-arrow, eval-stats) only see this form.
 */
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';
import type { ArithOp, CompareOp } from './nodes.js';

export type BoundExpr =
  | BoundColumn
  | BoundLiteral
  | BoundCast
  | BoundArith
  | BoundCompare
  | BoundAnd
  | BoundOr
  | BoundNot
  | BoundIsNull
  | BoundIn
  | BoundLike;

export interface BoundColumn {
  readonly kind: 'column';
  /** Exact (schema-cased) logical names from the top-level field down. */
  readonly path: readonly string[];
  readonly type: DataType;
  readonly nullable: boolean;
}

export interface BoundLiteral {
  readonly kind: 'literal';
  /** Already converted to `type`'s Scalar representation (see protocol/scalar.ts). */
  readonly value: Scalar;
  readonly type: DataType;
}

/** Widening conversion inserted by bind (numeric widening, date -> timestamp). */
export interface BoundCast {
  readonly kind: 'cast';
  readonly arg: BoundExpr;
  readonly type: DataType;
}

/** Integral + - * give long, everything else (and `/`) gives double. x / 0 is NULL. */
export interface BoundArith {
  readonly kind: 'arith';
  readonly op: ArithOp;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
  readonly type: DataType;
}

/** Both operands have the same type; if one side is a literal it is `right`. */
export interface BoundCompare {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
  readonly type: DataType;
}

export interface BoundAnd {
  readonly kind: 'and';
  readonly args: readonly BoundExpr[];
  readonly type: DataType;
}

export interface BoundOr {
  readonly kind: 'or';
  readonly args: readonly BoundExpr[];
  readonly type: DataType;
}

export interface BoundNot {
  readonly kind: 'not';
  readonly arg: BoundExpr;
  readonly type: DataType;
}

export interface BoundIsNull {
  readonly kind: 'isNull';
  readonly arg: BoundExpr;
  readonly type: DataType;
}

/** `arg IN (values)`: values are non-null and of `arg.type`; `hasNull` if the list had a NULL. */
export interface BoundIn {
  readonly kind: 'in';
  readonly arg: BoundExpr;
  readonly values: readonly Scalar[];
  readonly hasNull: boolean;
  readonly type: DataType;
}

export interface BoundLike {
  readonly kind: 'like';
  readonly arg: BoundExpr;
  readonly pattern: string;
  readonly escape: string;
  readonly type: DataType;
}

export const BOOLEAN_TYPE: DataType = { type: 'boolean' };
