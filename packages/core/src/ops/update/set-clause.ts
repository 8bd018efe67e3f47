/**
 * UPDATE's SET clause as text: the SDK's `set` values turned into SQL (expressions print,
 * strings are SQL already, other values become literals), and the CLI's `--set 'col = expr'`
 * split at its assignment.
 */
import { InvalidArgumentError } from '../../errors.js';
import { toLiteral } from '../../expr/ast.js';
import { isExpr, toSql } from '../../expr/index.js';
import type { UpdateSpec } from './types.js';

/** SQL text of each SET value: expressions print, strings are SQL already, other values become literals. */
export function setClauses(set: UpdateSpec['set']): Record<string, string> {
  if (!set || typeof set !== 'object' || Object.keys(set).length === 0)
    throw new InvalidArgumentError('update needs set: { column: value, ... } with at least one column');
  const out: Record<string, string> = {};
  for (const [column, value] of Object.entries(set)) {
    if (isExpr(value)) out[column] = toSql(value);
    else if (typeof value === 'string') out[column] = value;
    else out[column] = toSql(toLiteral(value));
  }
  return out;
}

/** Split `col = expr` (the CLI's --set) at its first assignment `=`. */
export function parseSetClause(text: string): { column: string; expression: string } {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '`' || c === '"') quote = c;
    else if (c === '=' && !'<>!'.includes(text[i - 1] ?? '') && text[i + 1] !== '>') {
      const column = text
        .slice(0, i)
        .trim()
        .replace(/^`(.*)`$/, '$1');
      const expression = text.slice(i + 1).trim();
      if (column && expression) return { column, expression };
      break;
    }
  }
  throw new InvalidArgumentError(`expected an assignment like "price = price * 1.1", got ${JSON.stringify(text)}`);
}
