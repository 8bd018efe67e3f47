/**
 * Parser for the SQL-like filter syntax (a Spark SQL subset):
 *
 *   expr      := or
 *   or        := and (OR and)*
 *   and       := not (AND not)*
 *   not       := NOT not | predicate
 *   predicate := sum [ cmp sum | IS [NOT] NULL | [NOT] IN (literal, ...)
 *                    | [NOT] BETWEEN sum AND sum | [NOT] LIKE 'pattern' [ESCAPE 'c'] ]
 *   sum       := product (('+' | '-') product)*
 *   product   := unary (('*' | '/' | '%') unary)*
 *   unary     := '-' unary | primary
 *   primary   := literal | column | '(' expr ')' | startswith(sum, 'prefix')
 *
 * Literals: 'text' ('' escapes a quote), 12 / -3 (integers), 1.50 (decimal, exact),
 * 1e3 (double), TRUE/FALSE/NULL, DATE '…', TIMESTAMP '…' (UTC unless it names a zone),
 * TIMESTAMP_NTZ '…', X'0a0b'. Columns: a, a.b, `my col`.x (backticks, `` for a backtick).
 */
import type { ExpressionError } from '../errors.js';
import type { DataType } from '../protocol/schema.js';
import {
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
} from './ast.js';
import type { CompareOp, Expr } from './ast.js';
import { exactLiteral } from './coerce.js';
import { isNumeric } from './scalar-ops.js';
import { KEYWORDS, syntaxError, tokenize } from './lexer.js';
import type { Token } from './lexer.js';

const COMPARE_OPS: Record<string, CompareOp> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '<=>': '<=>',
};

/** Parse SQL-like text (e.g. `id > 3 AND country = 'NZ'`) into an expression. */
export function parseExpression(text: string): Expr {
  const p = new Parser(text);
  const e = p.parseOr();
  p.expectEnd();
  return e;
}

class Parser {
  private readonly toks: Token[];
  private i = 0;

  constructor(private readonly src: string) {
    this.toks = tokenize(src);
    if (this.toks.length === 1) throw syntaxError(src, 0, 'expected an expression but the text is empty');
  }

  private peek(offset = 0): Token {
    return this.toks[Math.min(this.i + offset, this.toks.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isKw(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private acceptKw(word: string): boolean {
    if (!this.isKw(word)) return false;
    this.i++;
    return true;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === op;
  }

  private fail(what: string, t: Token = this.peek()): ExpressionError {
    return syntaxError(this.src, t.pos, `expected ${what}, found ${describe(t)}`);
  }

  private expectOp(op: string, context: string): void {
    if (!this.isOp(op)) throw this.fail(`'${op}' ${context}`);
    this.i++;
  }

  expectEnd(): void {
    if (this.peek().kind !== 'eof') throw this.fail('AND, OR or the end of the expression');
  }

  parseOr(): Expr {
    const args = [this.parseAnd()];
    while (this.acceptKw('OR')) args.push(this.parseAnd());
    return args.length === 1 ? args[0] : new OrExpr(args);
  }

  private parseAnd(): Expr {
    const args = [this.parseNot()];
    while (this.acceptKw('AND')) args.push(this.parseNot());
    return args.length === 1 ? args[0] : new AndExpr(args);
  }

  private parseNot(): Expr {
    if (this.acceptKw('NOT')) return new NotExpr(this.parseNot());
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    const left = this.parseSum();
    const t = this.peek();
    if (t.kind === 'op' && COMPARE_OPS[t.text]) {
      this.i++;
      return new CompareExpr(COMPARE_OPS[t.text], left, this.parseSum(), t.text === '<>' ? '<>' : undefined);
    }
    if (this.acceptKw('IS')) {
      const negated = this.acceptKw('NOT');
      if (!this.acceptKw('NULL')) throw this.fail(negated ? "NULL after 'IS NOT'" : "NULL or NOT NULL after 'IS'");
      return negated ? new NotExpr(new IsNullExpr(left)) : new IsNullExpr(left);
    }
    const negated = this.isKw('NOT') && (this.isKw('IN', 1) || this.isKw('BETWEEN', 1) || this.isKw('LIKE', 1));
    if (negated) this.i++;
    let e: Expr | undefined;
    if (this.acceptKw('IN')) e = this.parseInList(left);
    else if (this.acceptKw('BETWEEN')) {
      const low = this.parseSum();
      if (!this.acceptKw('AND')) throw this.fail('AND between the BETWEEN bounds');
      e = new BetweenExpr(left, low, this.parseSum());
    } else if (this.acceptKw('LIKE')) e = this.parseLike(left);
    if (!e) return left;
    return negated ? new NotExpr(e) : e;
  }

  private parseInList(arg: Expr): InExpr {
    this.expectOp('(', 'after IN');
    const list: LiteralExpr[] = [];
    do {
      const t = this.peek();
      const item = this.parseUnary();
      if (item.kind !== 'literal') throw syntaxError(this.src, t.pos, 'IN list items must be literals');
      list.push(item);
    } while (this.isOp(',') && this.next());
    this.expectOp(')', 'to close the IN list');
    return new InExpr(arg, list);
  }

  private parseLike(arg: Expr): LikeExpr {
    const pat = this.next();
    if (pat.kind !== 'string') throw this.fail("a quoted pattern after LIKE (e.g. 'abc%')", pat);
    let escape = '\\';
    if (this.acceptKw('ESCAPE')) {
      const esc = this.next();
      if (esc.kind !== 'string' || [...esc.text].length !== 1)
        throw this.fail("a single quoted character after ESCAPE (e.g. '!')", esc);
      escape = esc.text;
    }
    return new LikeExpr(arg, pat.text, escape);
  }

  private parseSum(): Expr {
    let e = this.parseProduct();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text as '+' | '-';
      e = new ArithExpr(op, e, this.parseProduct());
    }
    return e;
  }

  private parseProduct(): Expr {
    let e = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().text as '*' | '/' | '%';
      e = new ArithExpr(op, e, this.parseUnary());
    }
    return e;
  }

  private parseUnary(): Expr {
    if (this.isOp('+')) {
      this.i++;
      return this.parseUnary();
    }
    if (this.isOp('-')) {
      const minus = this.next();
      const arg = this.parseUnary();
      if (arg.kind === 'literal') {
        const v = arg.value;
        if ((typeof v === 'number' || typeof v === 'bigint') && (!arg.type || isNumeric(arg.type)))
          return new LiteralExpr(-v, arg.type);
        throw syntaxError(
          this.src,
          minus.pos,
          `cannot negate the non-numeric literal ${describe(this.toks[this.i - 1])}`,
        );
      }
      return new ArithExpr('-', new LiteralExpr(0), arg);
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'op':
        if (t.text === '(') {
          this.i++;
          const e = this.parseOr();
          this.expectOp(')', 'to close the parenthesis');
          return e;
        }
        break;
      case 'number':
        this.i++;
        return numberLiteral(t.text);
      case 'string':
        this.i++;
        return new LiteralExpr(t.text);
      case 'binary':
        this.i++;
        return new LiteralExpr(hexToBytes(t.text), { type: 'binary' });
      case 'qident':
        return this.parseColumn();
      case 'ident': {
        const kw = t.text.toUpperCase();
        if (kw === 'TRUE' || kw === 'FALSE') {
          this.i++;
          return new LiteralExpr(kw === 'TRUE', { type: 'boolean' });
        }
        if (kw === 'NULL') {
          this.i++;
          return new LiteralExpr(null);
        }
        if ((kw === 'DATE' || kw === 'TIMESTAMP' || kw === 'TIMESTAMP_NTZ') && this.peek(1).kind === 'string')
          return this.parseTypedLiteral(kw.toLowerCase() as 'date' | 'timestamp' | 'timestamp_ntz');
        if (this.peek(1).kind === 'op' && this.peek(1).text === '(') return this.parseFunction();
        if (KEYWORDS.has(kw) && kw !== 'DATE' && kw !== 'TIMESTAMP' && kw !== 'TIMESTAMP_NTZ') break;
        return this.parseColumn();
      }
      default:
        break;
    }
    throw this.fail('a value (column, literal or parenthesised expression)');
  }

  private parseTypedLiteral(type: 'date' | 'timestamp' | 'timestamp_ntz'): LiteralExpr {
    this.i++;
    const s = this.next();
    const dt: DataType = { type };
    try {
      return new LiteralExpr(exactLiteral(s.text, dt) ?? null, dt);
    } catch (err) {
      throw syntaxError(this.src, s.pos, (err as Error).message);
    }
  }

  private parseFunction(): Expr {
    const name = this.next();
    if (name.text.toLowerCase() !== 'startswith')
      throw syntaxError(this.src, name.pos, `unknown function ${name.text} (supported: startswith(column, 'prefix'))`);
    this.expectOp('(', 'after startswith');
    const arg = this.parseSum();
    this.expectOp(',', 'between the startswith arguments');
    const prefix = this.next();
    if (prefix.kind !== 'string') throw this.fail('a quoted prefix string', prefix);
    this.expectOp(')', 'to close startswith(');
    return arg.kind === 'column'
      ? arg.startsWith(prefix.text)
      : new LikeExpr(arg, `${prefix.text.replace(/[\\%_]/g, '\\$&')}%`);
  }

  private parseColumn(): ColumnExpr {
    const path = [this.next().text];
    while (this.isOp('.')) {
      this.i++;
      const part = this.next();
      if (part.kind !== 'ident' && part.kind !== 'qident') throw this.fail("a field name after '.'", part);
      path.push(part.text);
    }
    return new ColumnExpr(path);
  }
}

/** 12 -> integer-valued number, 2^63 -> bigint, 1.50 -> exact decimal(3,2), 1e3 -> double. */
function numberLiteral(text: string): LiteralExpr {
  if (/[eE]/.test(text)) return new LiteralExpr(Number(text));
  const dot = text.indexOf('.');
  if (dot < 0) {
    const b = BigInt(text);
    if (b <= BigInt(Number.MAX_SAFE_INTEGER)) return new LiteralExpr(Number(b));
    return b.toString().length <= 38 ? new LiteralExpr(b) : new LiteralExpr(Number(text));
  }
  const frac = text.slice(dot + 1);
  const unscaled = BigInt(`${text.slice(0, dot)}${frac}` || '0');
  const precision = Math.max(unscaled.toString().length, frac.length, 1);
  if (precision > 38) return new LiteralExpr(Number(text));
  return new LiteralExpr(unscaled, { type: 'decimal', precision, scale: frac.length });
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return `'${t.text}'`;
    case 'qident':
      return `\`${t.text}\``;
    case 'binary':
      return `X'${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}
