/**
 * Tokenizer for the SQL-like expression syntax. Keywords are recognised by the parser
 * (case-insensitively) from plain identifiers, so `date` can still be a column name.
 */
import { ExpressionError } from '../errors.js';

export type TokenKind = 'ident' | 'qident' | 'string' | 'number' | 'binary' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** ident/qident: the name; string: the unescaped content; number: its text; binary: hex digits; op: the symbol. */
  readonly text: string;
  /** 0-based offset of the first character in the source. */
  readonly pos: number;
}

/** Reserved words: a column with one of these names must be written in backticks. */
export const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'TRUE',
  'FALSE',
  'BETWEEN',
  'LIKE',
  'ESCAPE',
  'DATE',
  'TIMESTAMP',
  'TIMESTAMP_NTZ',
]);

const OPS = ['<=>', '<=', '>=', '<>', '!=', '==', '=', '<', '>', '(', ')', ',', '.', '+', '-', '*', '/', '%'];

/** An ExpressionError that quotes the source and points at the offending position. */
export function syntaxError(source: string, pos: number, message: string): ExpressionError {
  const line = source.replace(/[\r\n\t]/g, ' ');
  return new ExpressionError(
    `cannot parse expression: ${message} at position ${pos + 1}\n  ${line}\n  ${' '.repeat(Math.min(pos, line.length))}^`,
  );
}

/** Split source text into tokens (the last one is always `eof`). */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if ((c === 'X' || c === 'x') && src[i + 1] === "'") {
      const [text, next] = readQuoted(src, i + 1, "'", 'binary literal');
      if (!/^([0-9a-fA-F]{2})*$/.test(text))
        throw syntaxError(src, start, `binary literal X'${text}' must have an even number of hex digits`);
      out.push({ kind: 'binary', text, pos: start });
      i = next;
    } else if (/[\p{L}_]/u.test(c)) {
      while (i < src.length && /[\p{L}\p{N}_]/u.test(src[i])) i++;
      out.push({ kind: 'ident', text: src.slice(start, i), pos: start });
    } else if (c === '`') {
      const [text, next] = readQuoted(src, i, '`', 'quoted identifier');
      if (text === '') throw syntaxError(src, start, 'empty quoted identifier');
      out.push({ kind: 'qident', text, pos: start });
      i = next;
    } else if (c === "'") {
      const [text, next] = readQuoted(src, i, "'", 'string literal');
      out.push({ kind: 'string', text, pos: start });
      i = next;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      i += m[0].length;
      if (/[A-Za-z_]/.test(src[i] ?? '')) throw syntaxError(src, i, `unexpected '${src[i]}' after number ${m[0]}`);
      out.push({ kind: 'number', text: m[0], pos: start });
    } else {
      const op = OPS.find((o) => src.startsWith(o, i));
      if (!op) throw syntaxError(src, i, `unexpected character '${c}'`);
      out.push({ kind: 'op', text: op, pos: start });
      i += op.length;
    }
  }
  out.push({ kind: 'eof', text: '', pos: src.length });
  return out;
}

// Reads a quoted run starting at the opening quote; a doubled quote stands for one.
function readQuoted(src: string, open: number, q: string, what: string): [string, number] {
  let text = '';
  let i = open + 1;
  while (true) {
    const j = src.indexOf(q, i);
    if (j < 0) throw syntaxError(src, open, `unterminated ${what} (missing closing ${q})`);
    text += src.slice(i, j);
    if (src[j + 1] === q) {
      text += q;
      i = j + 2;
    } else return [text, j + 1];
  }
}
