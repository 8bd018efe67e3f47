import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../errors.js';
import { parseDate } from '../protocol/scalar.js';
import type { Expr } from './ast.js';
import { col, lit } from './builder.js';
import { columnsOf } from './columns.js';
import { parseExpression } from './parse.js';
import { toSql } from './print.js';

/** Plain structural view of a tree (drops class identity) for readable expectations. */
function shape(e: Expr): unknown {
  return JSON.parse(
    JSON.stringify(e, (_k, v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `bytes:${Array.from(v).join(',')}` : v,
    ),
  );
}

function parseError(text: string): ExpressionError {
  try {
    parseExpression(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return err as ExpressionError;
  }
  throw new Error(`expected "${text}" to fail`);
}

describe('parseExpression', () => {
  it('parses comparisons joined by AND/OR with SQL precedence', () => {
    const e = parseExpression("id > 3 AND country = 'NZ' OR x <= 1");
    expect(e.kind).toBe('or');
    expect(shape(e)).toEqual(shape(col('id').gt(3).and(col('country').eq('NZ')).or(col('x').le(1))));
  });

  it('accepts every comparison operator spelling', () => {
    const ops = {
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
    for (const [text, op] of Object.entries(ops)) {
      const e = parseExpression(`a ${text} 1`);
      expect(e.kind === 'compare' && e.op).toBe(op);
    }
  });

  it('is case-insensitive for keywords', () => {
    expect(shape(parseExpression('a is not null and B in (1) or not c between 1 and 2'))).toEqual(
      shape(parseExpression('a IS NOT NULL AND B IN (1) OR NOT c BETWEEN 1 AND 2')),
    );
  });

  it('parses IN / NOT IN lists of literals, including negative numbers and NULL', () => {
    expect(shape(parseExpression('x IN (1, -2, NULL)'))).toEqual(shape(col('x').in([1, -2, null])));
    expect(shape(parseExpression("x NOT IN ('a')"))).toEqual(shape(col('x').notIn(['a'])));
  });

  it('parses IS [NOT] NULL, BETWEEN, NOT BETWEEN and NOT (...)', () => {
    expect(shape(parseExpression('x IS NULL'))).toEqual(shape(col('x').isNull()));
    expect(shape(parseExpression('x IS NOT NULL'))).toEqual(shape(col('x').isNotNull()));
    expect(shape(parseExpression('a BETWEEN 1 AND 10'))).toEqual(shape(col('a').between(1, 10)));
    expect(shape(parseExpression('a NOT BETWEEN 1 AND 10'))).toEqual(shape(col('a').notBetween(1, 10)));
    expect(shape(parseExpression('NOT (a = 1 OR b = 2)'))).toEqual(shape(col('a').eq(1).or(col('b').eq(2)).not()));
  });

  it('binds NOT looser than comparisons and AND tighter than OR', () => {
    const e = parseExpression('NOT a = 1 AND b = 2');
    expect(e.kind).toBe('and');
    expect(e.kind === 'and' && e.args[0].kind).toBe('not');
    const p = parseExpression('a = 1 OR (b = 2 OR c = 3) AND d = 4');
    expect(toSql(p)).toBe('a = 1 OR (b = 2 OR c = 3) AND d = 4');
  });

  it('parses LIKE, NOT LIKE, ESCAPE and startswith()', () => {
    expect(shape(parseExpression("name LIKE 'ab%_'"))).toEqual(shape(col('name').like('ab%_')));
    expect(shape(parseExpression("name NOT LIKE '%x'"))).toEqual(shape(col('name').notLike('%x')));
    expect(shape(parseExpression("name LIKE 'a!%%' ESCAPE '!'"))).toEqual(shape(col('name').like('a!%%', '!')));
    expect(shape(parseExpression("startswith(name, 'a_b')"))).toEqual(shape(col('name').like('a\\_b%')));
  });

  it('reads string literals with doubled quotes and keeps backslashes', () => {
    const e = parseExpression("s = 'it''s a\\b'");
    expect(e.kind === 'compare' && e.right.kind === 'literal' && e.right.value).toBe("it's a\\b");
  });

  it('reads numbers: ints, big ints, exact decimals, exponents, negatives', () => {
    const value = (text: string) => {
      const e = parseExpression(`x = ${text}`);
      if (e.kind !== 'compare' || e.right.kind !== 'literal') throw new Error('not a literal');
      return { value: e.right.value, type: e.right.type };
    };
    expect(value('42')).toEqual({ value: 42, type: undefined });
    expect(value('-42')).toEqual({ value: -42, type: undefined });
    expect(value('9223372036854775807')).toEqual({ value: 9223372036854775807n, type: undefined });
    expect(value('-9223372036854775808')).toEqual({ value: -9223372036854775808n, type: undefined });
    expect(value('12.50')).toEqual({ value: 1250n, type: { type: 'decimal', precision: 4, scale: 2 } });
    expect(value('-0.001')).toEqual({ value: -1n, type: { type: 'decimal', precision: 3, scale: 3 } });
    expect(value('.5')).toEqual({ value: 5n, type: { type: 'decimal', precision: 1, scale: 1 } });
    expect(value('1.5e3')).toEqual({ value: 1500, type: undefined });
    expect(value('2E-2')).toEqual({ value: 0.02, type: undefined });
  });

  it('reads TRUE/FALSE/NULL and typed literals', () => {
    const lit0 = (text: string) => {
      const e = parseExpression(`x = ${text}`);
      if (e.kind !== 'compare' || e.right.kind !== 'literal') throw new Error('not a literal');
      return { value: e.right.value, type: e.right.type?.type };
    };
    expect(lit0('TRUE')).toEqual({ value: true, type: 'boolean' });
    expect(lit0('false')).toEqual({ value: false, type: 'boolean' });
    expect(lit0('NULL')).toEqual({ value: null, type: undefined });
    expect(lit0("DATE '2024-01-01'")).toEqual({ value: parseDate('2024-01-01'), type: 'date' });
    expect(lit0("TIMESTAMP '2024-01-01 10:00:00'")).toEqual({ value: 1704103200000000n, type: 'timestamp' });
    expect(lit0("TIMESTAMP '2024-01-01T10:00:00.5+02:00'")).toEqual({ value: 1704096000500000n, type: 'timestamp' });
    expect(lit0("timestamp_ntz '2024-01-01 10:00:00.123456'")).toEqual({
      value: 1704103200123456n,
      type: 'timestamp_ntz',
    });
    expect(lit0("X'0a0B'")).toEqual({ value: Uint8Array.of(10, 11), type: 'binary' });
  });

  it('reads backtick identifiers, dotted nested names and keyword-named columns', () => {
    expect(columnsOf(parseExpression('`my col`.x = 1 AND a.b.c > 2 AND `we``ird` = 3'))).toEqual([
      ['my col', 'x'],
      ['a', 'b', 'c'],
      ['we`ird'],
    ]);
    // `date` is a column unless a string follows.
    expect(columnsOf(parseExpression("date = DATE '2024-01-01'"))).toEqual([['date']]);
    expect(columnsOf(parseExpression('`and` = 1'))).toEqual([['and']]);
    expect(columnsOf(parseExpression('café_2 = 1'))).toEqual([['café_2']]);
  });

  it('parses arithmetic with precedence and unary minus', () => {
    const e = parseExpression('price * qty - 1 > -x / 2');
    expect(toSql(e)).toBe('price * qty - 1 > (0 - x) / 2');
    expect(e.kind === 'compare' && e.left.kind === 'arith' && e.left.op).toBe('-');
  });

  it('reports the position and what was expected', () => {
    const err = parseError('id > AND x = 1');
    expect(err.message).toContain('expected a value');
    expect(err.message).toContain("found 'AND'");
    expect(err.message).toContain('at position 6');
    expect(err.message).toContain('\n  id > AND x = 1\n       ^');
    expect(parseError('x IN (1, 2').message).toMatch(
      /expected '\)' to close the IN list, found end of input at position 11/,
    );
    expect(parseError('a = 1 b = 2').message).toMatch(
      /expected AND, OR or the end of the expression, found 'b' at position 7/,
    );
    expect(parseError("s = 'abc").message).toMatch(/unterminated string literal .* at position 5/);
    expect(parseError('x IN (y)').message).toMatch(/IN list items must be literals at position 7/);
    expect(parseError('x IS 3').message).toMatch(/expected NULL or NOT NULL after 'IS'/);
    expect(parseError('a BETWEEN 1 OR 2').message).toMatch(/expected AND between the BETWEEN bounds, found 'OR'/);
    expect(parseError("d = DATE '2024-13-45x'").message).toMatch(/not a valid date literal .* at position 10/);
    expect(parseError("b = X'abc'").message).toMatch(/even number of hex digits/);
    expect(parseError('a = 1 ; drop').message).toMatch(/unexpected character ';' at position 7/);
    expect(parseError('foo(a) = 1').message).toMatch(/unknown function foo/);
    expect(parseError('').message).toMatch(/text is empty/);
    expect(parseError('x LIKE y').message).toMatch(/quoted pattern after LIKE/);
    expect(parseError('a. = 1').message).toMatch(/field name after '\.'/);
    expect(parseError('3abc = 1').message).toMatch(/after number 3/);
  });
});

describe('toSql', () => {
  it('round-trips through the parser', () => {
    const cases = [
      "id > 3 AND country = 'NZ'",
      "x IN (1, 2) OR x NOT IN ('a', 'b''c')",
      'x IS NULL AND y IS NOT NULL',
      "a BETWEEN 1 AND 10 AND NOT (b = 1 OR c LIKE 'x%')",
      "d = DATE '2024-01-01' AND ts < TIMESTAMP '2024-01-01 10:00:00.000001Z'",
      "ntz >= TIMESTAMP_NTZ '2024-01-01 10:00:00' AND bin = X'0aff'",
      '`my col`.x = 12.50 AND `and` <=> -3',
      "price * qty + 1 > 0 AND name LIKE 'a!%' ESCAPE '!'",
    ];
    for (const text of cases) {
      const once = toSql(parseExpression(text));
      expect(toSql(parseExpression(once))).toBe(once);
      expect(shape(parseExpression(once))).toEqual(shape(parseExpression(text)));
    }
  });

  it('prints builder expressions, including dates and special floats', () => {
    expect(col('ts').ge(new Date('2024-01-01T00:00:00Z')).toString()).toBe("ts >= TIMESTAMP '2024-01-01 00:00:00Z'");
    expect(toSql(col('x').eq(NaN))).toBe("x = 'NaN'");
    expect(toSql(col('a.b').in([1n, 'z', null]))).toBe("a.b IN (1, 'z', NULL)");
    expect(toSql(lit(5).lt(col('x')))).toBe('5 < x');
    expect(toSql(col(['a.b']).eq(1))).toBe('`a.b` = 1');
  });
});
