/** Column paths an expression reads (e.g. to add filter columns to a projection). */
import type { Expr } from './ast.js';
import type { BoundExpr } from './bound.js';

/** Distinct column paths referenced by `expr`, in first-seen order. */
export function columnsOf(expr: Expr | BoundExpr): string[][] {
  const seen = new Map<string, string[]>();
  const visit = (e: Expr | BoundExpr): void => {
    switch (e.kind) {
      case 'column': {
        const key = e.path.join('\u0000');
        if (!seen.has(key)) seen.set(key, [...e.path]);
        return;
      }
      case 'literal':
        return;
      case 'and':
      case 'or':
        e.args.forEach(visit);
        return;
      case 'not':
      case 'isNull':
      case 'cast':
      case 'in':
      case 'like':
        visit(e.arg);
        return;
      case 'between':
        visit(e.arg);
        visit(e.low);
        visit(e.high);
        return;
      case 'compare':
      case 'arith':
        visit(e.left);
        visit(e.right);
        return;
    }
  };
  visit(expr);
  return [...seen.values()];
}
