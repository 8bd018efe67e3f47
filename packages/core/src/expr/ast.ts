/**
 * Unbound expression tree: what the parser and the builder produce, before columns are
 * resolved against a schema (see bind.ts). Nodes are immutable class instances so that
 * builder calls chain (`col('a').gt(1).and(...)`); match on `kind`, not on the class.
 */
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';
import type { ArithOp, CompareOp } from './nodes.js';
import { toSql } from './print.js';

export type { ArithOp, CompareOp } from './nodes.js';

/** A JS value accepted where a literal is expected (`Date` becomes a timestamp literal). */
export type LiteralInput = Scalar | Date;
/** An expression or a plain value (which becomes a literal). */
export type Operand = Expr | LiteralInput;

export type Expr =
  | ColumnExpr
  | LiteralExpr
  | CompareExpr
  | AndExpr
  | OrExpr
  | NotExpr
  | IsNullExpr
  | InExpr
  | BetweenExpr
  | LikeExpr
  | ArithExpr;

abstract class ExprBase {
  abstract readonly kind: Expr['kind'];

  eq(v: Operand): CompareExpr {
    return new CompareExpr('=', this as unknown as Expr, toExpr(v));
  }
  ne(v: Operand): CompareExpr {
    return new CompareExpr('!=', this as unknown as Expr, toExpr(v));
  }
  lt(v: Operand): CompareExpr {
    return new CompareExpr('<', this as unknown as Expr, toExpr(v));
  }
  le(v: Operand): CompareExpr {
    return new CompareExpr('<=', this as unknown as Expr, toExpr(v));
  }
  gt(v: Operand): CompareExpr {
    return new CompareExpr('>', this as unknown as Expr, toExpr(v));
  }
  ge(v: Operand): CompareExpr {
    return new CompareExpr('>=', this as unknown as Expr, toExpr(v));
  }
  /** Null-safe equality `<=>`: NULL <=> NULL is true, never NULL itself. */
  eqNullSafe(v: Operand): CompareExpr {
    return new CompareExpr('<=>', this as unknown as Expr, toExpr(v));
  }
  and(...others: Expr[]): AndExpr {
    return new AndExpr([this as unknown as Expr, ...others]);
  }
  or(...others: Expr[]): OrExpr {
    return new OrExpr([this as unknown as Expr, ...others]);
  }
  not(): NotExpr {
    return new NotExpr(this as unknown as Expr);
  }
  isNull(): IsNullExpr {
    return new IsNullExpr(this as unknown as Expr);
  }
  isNotNull(): NotExpr {
    return new NotExpr(new IsNullExpr(this as unknown as Expr));
  }
  in(values: readonly (LiteralInput | LiteralExpr)[]): InExpr {
    return new InExpr(this as unknown as Expr, values.map(toLiteral));
  }
  notIn(values: readonly (LiteralInput | LiteralExpr)[]): NotExpr {
    return new NotExpr(this.in(values));
  }
  between(low: Operand, high: Operand): BetweenExpr {
    return new BetweenExpr(this as unknown as Expr, toExpr(low), toExpr(high));
  }
  notBetween(low: Operand, high: Operand): NotExpr {
    return new NotExpr(this.between(low, high));
  }
  /** SQL LIKE: `%` any sequence, `_` one character, `escape` (default `\`) quotes the next one. */
  like(pattern: string, escape?: string): LikeExpr {
    return new LikeExpr(this as unknown as Expr, pattern, escape ?? '\\');
  }
  notLike(pattern: string, escape?: string): NotExpr {
    return new NotExpr(this.like(pattern, escape));
  }
  /** Prefix match; expressed as LIKE '<escaped prefix>%'. */
  startsWith(prefix: string): LikeExpr {
    return new LikeExpr(this as unknown as Expr, `${prefix.replace(/[\\%_]/g, '\\$&')}%`, '\\');
  }
  plus(v: Operand): ArithExpr {
    return new ArithExpr('+', this as unknown as Expr, toExpr(v));
  }
  minus(v: Operand): ArithExpr {
    return new ArithExpr('-', this as unknown as Expr, toExpr(v));
  }
  times(v: Operand): ArithExpr {
    return new ArithExpr('*', this as unknown as Expr, toExpr(v));
  }
  div(v: Operand): ArithExpr {
    return new ArithExpr('/', this as unknown as Expr, toExpr(v));
  }
  /** SQL remainder `%`: the sign of the dividend; NULL when the divisor is 0. */
  mod(v: Operand): ArithExpr {
    return new ArithExpr('%', this as unknown as Expr, toExpr(v));
  }
  toString(): string {
    return toSql(this as unknown as Expr);
  }
}

/** A column by logical name path: `['a', 'b']` is the nested field `a.b`. */
export class ColumnExpr extends ExprBase {
  readonly kind = 'column' as const;
  constructor(readonly path: readonly string[]) {
    super();
  }
}

/** A constant. Without `type` the binder picks the type from the other operand. */
export class LiteralExpr extends ExprBase {
  readonly kind = 'literal' as const;
  constructor(
    readonly value: Scalar,
    readonly type?: DataType,
  ) {
    super();
  }
}

export class CompareExpr extends ExprBase {
  readonly kind = 'compare' as const;
  /** `<>` when the text spelled `!=` so (printing gives it back); absent otherwise. */
  readonly spelling?: '<>';
  constructor(
    readonly op: CompareOp,
    readonly left: Expr,
    readonly right: Expr,
    spelling?: '<>',
  ) {
    super();
    if (spelling !== undefined && op === '!=') this.spelling = spelling;
  }
}

export class AndExpr extends ExprBase {
  readonly kind = 'and' as const;
  constructor(readonly args: readonly Expr[]) {
    super();
  }
}

export class OrExpr extends ExprBase {
  readonly kind = 'or' as const;
  constructor(readonly args: readonly Expr[]) {
    super();
  }
}

export class NotExpr extends ExprBase {
  readonly kind = 'not' as const;
  constructor(readonly arg: Expr) {
    super();
  }
}

export class IsNullExpr extends ExprBase {
  readonly kind = 'isNull' as const;
  constructor(readonly arg: Expr) {
    super();
  }
}

/** `arg IN (list)`; NOT IN is `NotExpr(InExpr)` (same three-valued result). */
export class InExpr extends ExprBase {
  readonly kind = 'in' as const;
  constructor(
    readonly arg: Expr,
    readonly list: readonly LiteralExpr[],
  ) {
    super();
  }
}

/** `arg BETWEEN low AND high` (inclusive). */
export class BetweenExpr extends ExprBase {
  readonly kind = 'between' as const;
  constructor(
    readonly arg: Expr,
    readonly low: Expr,
    readonly high: Expr,
  ) {
    super();
  }
}

export class LikeExpr extends ExprBase {
  readonly kind = 'like' as const;
  constructor(
    readonly arg: Expr,
    readonly pattern: string,
    readonly escape: string = '\\',
  ) {
    super();
  }
}

export class ArithExpr extends ExprBase {
  readonly kind = 'arith' as const;
  constructor(
    readonly op: ArithOp,
    readonly left: Expr,
    readonly right: Expr,
  ) {
    super();
  }
}

const TIMESTAMP: DataType = { type: 'timestamp' };

/** True for nodes of this module (as opposed to plain JS values). */
export function isExpr(v: unknown): v is Expr {
  return v instanceof ExprBase;
}

/** Wrap a plain value as a literal; expressions pass through. */
export function toExpr(v: Operand): Expr {
  return isExpr(v) ? v : toLiteral(v);
}

/** Plain value -> literal (a `Date` becomes a timestamp literal in microseconds). */
export function toLiteral(v: LiteralInput | LiteralExpr): LiteralExpr {
  if (v instanceof LiteralExpr) return v;
  if (v instanceof Date) return new LiteralExpr(BigInt(v.getTime()) * 1000n, TIMESTAMP);
  return new LiteralExpr(v);
}
