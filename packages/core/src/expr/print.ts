/**
 * Print an expression back as SQL text that parse() reads again (for commitInfo
 * operationParameters and error messages). Bound trees print too; their casts show as
 * CAST(x AS type), which is for humans only.
 */
import { formatDate, formatDecimal, formatTimestampMicros } from '../protocol/scalar.js';
import type { Scalar } from '../protocol/scalar.js';
import type { DataType } from '../protocol/schema.js';
import { formatDataType } from '../protocol/schema.js';
import type { BoundExpr } from './bound.js';
import { KEYWORDS } from './lexer.js';
import type { ExprNode } from './nodes.js';

type AnyExpr = ExprNode | BoundExpr;

// Binding strength, loosest first: OR < AND < NOT < predicate < + - < * / % < primary.
const PREC = { or: 1, and: 2, not: 3, pred: 4, add: 5, mul: 6, primary: 7 } as const;

/** SQL text of an expression, e.g. `id > 3 AND country = 'NZ'`. */
export function toSql(expr: AnyExpr): string {
  return print(expr, 0);
}

function print(e: AnyExpr, minPrec: number): string {
  const [text, prec] = render(e);
  return prec < minPrec ? `(${text})` : text;
}

function render(e: AnyExpr): [string, number] {
  switch (e.kind) {
    case 'column':
      return [formatPath(e.path), PREC.primary];
    case 'literal':
      return [formatLiteral(e.value, e.type), PREC.primary];
    case 'cast':
      return [`CAST(${print(e.arg, 0)} AS ${formatDataType(e.type).toUpperCase()})`, PREC.primary];
    case 'arith': {
      const mul = e.op === '*' || e.op === '/' || e.op === '%';
      const p = mul ? PREC.mul : PREC.add;
      return [`${print(e.left, p)} ${e.op} ${print(e.right, p + 1)}`, p];
    }
    case 'compare':
      return [
        `${print(e.left, PREC.add)} ${'spelling' in e && e.spelling ? e.spelling : e.op} ${print(e.right, PREC.add)}`,
        PREC.pred,
      ];
    case 'and':
      return [e.args.map((a) => print(a, PREC.and)).join(' AND '), PREC.and];
    case 'or':
      return [e.args.map((a) => print(a, PREC.or)).join(' OR '), PREC.or];
    case 'not': {
      const a = e.arg;
      if (a.kind === 'isNull') return [`${print(a.arg, PREC.add)} IS NOT NULL`, PREC.pred];
      if (a.kind === 'in' || a.kind === 'like' || a.kind === 'between') return [renderPredicate(a, 'NOT '), PREC.pred];
      return [`NOT ${print(a, PREC.primary)}`, PREC.not];
    }
    case 'isNull':
      return [`${print(e.arg, PREC.add)} IS NULL`, PREC.pred];
    case 'in':
    case 'between':
    case 'like':
      return [renderPredicate(e, ''), PREC.pred];
  }
}

type Negatable = Extract<AnyExpr, { kind: 'in' | 'between' | 'like' }>;

function renderPredicate(e: Negatable, not: string): string {
  const arg = print(e.arg, PREC.add);
  switch (e.kind) {
    case 'in': {
      const items =
        'list' in e
          ? e.list.map((l) => formatLiteral(l.value, l.type))
          : [...e.values.map((v) => formatLiteral(v, e.arg.type)), ...(e.hasNull ? ['NULL'] : [])];
      return `${arg} ${not}IN (${items.join(', ')})`;
    }
    case 'between':
      return `${arg} ${not}BETWEEN ${print(e.low, PREC.add)} AND ${print(e.high, PREC.add)}`;
    case 'like': {
      const esc = e.escape === '\\' ? '' : ` ESCAPE ${quote(e.escape)}`;
      return `${arg} ${not}LIKE ${quote(e.pattern)}${esc}`;
    }
  }
}

/** `a.b`, with backticks around names that are not plain identifiers or are keywords. */
export function formatPath(path: readonly string[]): string {
  return path
    .map((p) =>
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) && !KEYWORDS.has(p.toUpperCase()) ? p : `\`${p.replace(/`/g, '``')}\``,
    )
    .join('.');
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "'NaN'"; // parses back against a float/double column
  if (!Number.isFinite(n)) return n > 0 ? "'Infinity'" : "'-Infinity'";
  return Object.is(n, -0) ? '-0.0' : String(n);
}

/** A literal as SQL: typed literals keep their type (DATE '...', X'..', 12.50). */
export function formatLiteral(v: Scalar, type?: DataType): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return quote(v);
  if (v instanceof Uint8Array) return `X'${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}'`;
  switch (type?.type) {
    case 'date':
      return `DATE '${formatDate(Number(v))}'`;
    case 'timestamp':
      return `TIMESTAMP '${trimMicros(formatTimestampMicros(BigInt(v), true, ' '))}'`;
    case 'timestamp_ntz':
      return `TIMESTAMP_NTZ '${trimMicros(formatTimestampMicros(BigInt(v), false, ' '))}'`;
    case 'decimal':
      // Always print a decimal point so it parses back as a decimal, not an integer.
      return type.scale > 0 ? formatDecimal(BigInt(v), type.scale) : `${formatDecimal(BigInt(v), 0)}.0`;
    default:
      return typeof v === 'bigint' ? v.toString() : formatNumber(v);
  }
}

function trimMicros(s: string): string {
  return s.replace(/\.000000(Z?)$/, '$1');
}
