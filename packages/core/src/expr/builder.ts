/**
 * Builder entry points: `col('id').gt(3).and(col('country').eq('NZ'))`. The fluent
 * methods (gt, in, between, like, ...) live on the nodes themselves (ast.ts).
 */
import { ExpressionError } from '../errors.js';
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';
import { AndExpr, ColumnExpr, LiteralExpr, NotExpr, OrExpr, toLiteral } from './ast.js';
import type { Expr, LiteralInput } from './ast.js';

/**
 * A column reference. A string is a dotted path (`'a.b'` is field `b` of struct `a`);
 * pass an array for names that contain dots (`['my.col']`).
 */
export function col(path: string | readonly string[]): ColumnExpr {
  const parts = typeof path === 'string' ? path.split('.') : [...path];
  if (parts.length === 0 || parts.some((p) => p === ''))
    throw new ExpressionError(`invalid column path ${JSON.stringify(path)}: names must not be empty`);
  return new ColumnExpr(parts);
}

/** A literal; give `type` to fix its Delta type instead of taking it from the other operand. */
export function lit(value: LiteralInput, type?: DataType): LiteralExpr {
  if (type === undefined) return toLiteral(value);
  if (value instanceof Date) {
    const ms = value.getTime();
    return new LiteralExpr(type.type === 'date' ? Math.floor(ms / 86_400_000) : BigInt(ms) * 1000n, type);
  }
  return new LiteralExpr(value as Scalar, type);
}

/** Conjunction of all arguments (a single argument is returned as is). */
export function and(...args: Expr[]): Expr {
  if (args.length === 0) return new LiteralExpr(true, { type: 'boolean' });
  return args.length === 1 ? args[0] : new AndExpr(args);
}

/** Disjunction of all arguments (a single argument is returned as is). */
export function or(...args: Expr[]): Expr {
  if (args.length === 0) return new LiteralExpr(false, { type: 'boolean' });
  return args.length === 1 ? args[0] : new OrExpr(args);
}

/** Logical negation (three-valued: NOT NULL is NULL). */
export function not(arg: Expr): NotExpr {
  return new NotExpr(arg);
}
