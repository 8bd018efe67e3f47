/** Public surface of the expression engine (filters, partition pruning, stats skipping). */
export {
  AndExpr,
  ArithExpr,
  BetweenExpr,
  ColumnExpr,
  CompareExpr,
  InExpr,
  IsNullExpr,
  LikeExpr,
  LiteralExpr,
  NotExpr,
  OrExpr,
  isExpr,
} from './ast.js';
export type { ArithOp, CompareOp, Expr, Expr as Expression, LiteralInput, Operand } from './ast.js';
export { and, col, lit, not, or } from './builder.js';
export { parseExpression } from './parse.js';
export { bind, bindValue } from './bind.js';
export { evaluateValues } from './eval-column.js';
export type { EvaluatedValues } from './eval-column.js';
export type { BoundExpr, BoundExpr as BoundExpression, BoundColumn, BoundLiteral } from './bound.js';
export { evaluatePredicate } from './eval-arrow.js';
export type { ArrowInput } from './arrow-access.js';
export { mayMatch, STRING_STATS_PREFIX } from './eval-stats.js';
export type { StatsLookup } from './eval-stats.js';
export { columnsOf } from './columns.js';
export { toSql } from './print.js';
