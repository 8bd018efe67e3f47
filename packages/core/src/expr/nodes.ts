/**
 * The shape of every unbound expression node, as plain interfaces: what the printer reads.
 * The builder's classes (ast.ts) implement them; bound trees (bound.ts) reuse the operators.
 */
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '<=>';
/** `%` is SQL's remainder (sign of the dividend, NULL for a zero divisor as Spark without ANSI mode). */
export type ArithOp = '+' | '-' | '*' | '/' | '%';

export type ExprNode =
  | ColumnNode
  | LiteralNode
  | CompareNode
  | AndNode
  | OrNode
  | NotNode
  | IsNullNode
  | InNode
  | BetweenNode
  | LikeNode
  | ArithNode;

export interface ColumnNode {
  readonly kind: 'column';
  readonly path: readonly string[];
}
export interface LiteralNode {
  readonly kind: 'literal';
  readonly value: Scalar;
  readonly type?: DataType;
}
export interface CompareNode {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: ExprNode;
  readonly right: ExprNode;
  /** How the text spelled `!=` (`<>` and `!=` mean the same); kept so printing gives the text back. */
  readonly spelling?: '<>';
}
export interface AndNode {
  readonly kind: 'and';
  readonly args: readonly ExprNode[];
}
export interface OrNode {
  readonly kind: 'or';
  readonly args: readonly ExprNode[];
}
export interface NotNode {
  readonly kind: 'not';
  readonly arg: ExprNode;
}
export interface IsNullNode {
  readonly kind: 'isNull';
  readonly arg: ExprNode;
}
export interface InNode {
  readonly kind: 'in';
  readonly arg: ExprNode;
  readonly list: readonly LiteralNode[];
}
export interface BetweenNode {
  readonly kind: 'between';
  readonly arg: ExprNode;
  readonly low: ExprNode;
  readonly high: ExprNode;
}
export interface LikeNode {
  readonly kind: 'like';
  readonly arg: ExprNode;
  readonly pattern: string;
  readonly escape: string;
}
export interface ArithNode {
  readonly kind: 'arith';
  readonly op: ArithOp;
  readonly left: ExprNode;
  readonly right: ExprNode;
}
