import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../errors.js';
import type { StructType } from '../protocol/schema.js';
import { LiteralExpr } from './ast.js';
import { bind } from './bind.js';
import { and, col, lit, not, or } from './builder.js';
import { columnsOf } from './columns.js';
import { compileLike, likeMatches } from './like.js';
import { toSql } from './print.js';

describe('builder', () => {
  it('chains fluent calls into the same tree the parser builds', () => {
    const e = col('id').gt(3).and(col('country').eq('NZ'));
    expect(e.kind).toBe('and');
    expect(toSql(e)).toBe("id > 3 AND country = 'NZ'");
    expect(
      toSql(
        col('x')
          .isNull()
          .or(col('c').in(['a', 'b'])),
      ),
    ).toBe("x IS NULL OR c IN ('a', 'b')");
    expect(toSql(col('d').between(1, 5))).toBe('d BETWEEN 1 AND 5');
    expect(toSql(not(col('a').eq(col('b'))))).toBe('NOT (a = b)');
    expect(toSql(col('price').times(col('qty')).gt(0))).toBe('price * qty > 0');
    expect(toSql(col('a').plus(1).times(2).div(col('b').minus(1)).lt(9))).toBe('(a + 1) * 2 / (b - 1) < 9');
    expect(toSql(col('s').startsWith('50%_off'))).toBe("s LIKE '50\\%\\_off%'");
    expect(toSql(col('n').eqNullSafe(null))).toBe('n <=> NULL');
  });

  it('and/or/not helpers', () => {
    const a = col('a').eq(1);
    expect(and(a)).toBe(a);
    expect(or()).toEqual(new LiteralExpr(false, { type: 'boolean' }));
    expect(toSql(and(a, col('b').eq(2), or(col('c').eq(3), col('d').eq(4))))).toBe(
      'a = 1 AND b = 2 AND (c = 3 OR d = 4)',
    );
  });

  it('col() splits dotted paths; arrays keep dots inside names', () => {
    expect(col('a.b.c').path).toEqual(['a', 'b', 'c']);
    expect(col(['a.b', 'c']).path).toEqual(['a.b', 'c']);
    expect(() => col('a..b')).toThrow(ExpressionError);
  });

  it('lit() with an explicit type', () => {
    expect(lit(new Date('2024-01-02T12:00:00Z'), { type: 'date' }).value).toBe(19724);
    expect(lit(new Date('1970-01-01T00:00:01Z')).value).toBe(1_000_000n);
    const schema: StructType = {
      type: 'struct',
      fields: [{ name: 'id', type: { type: 'long' }, nullable: true, metadata: {} }],
    };
    expect(bind(col('id').eq(lit(3, { type: 'long' })), schema)).toMatchObject({ right: { value: 3n } });
    expect(() => bind(col('id').eq(lit('x', { type: 'long' })), schema)).toThrow(/'x' is not a valid long value/);
  });

  it('columnsOf lists each referenced path once, for unbound and bound trees', () => {
    const e = col('a.b')
      .gt(1)
      .and(col('c').in([1]), col('a.b').lt(5), col('d').plus(col('c')).gt(0));
    expect(columnsOf(e)).toEqual([['a', 'b'], ['c'], ['d']]);
    const schema: StructType = {
      type: 'struct',
      fields: [
        { name: 'X', type: { type: 'integer' }, nullable: true, metadata: {} },
        { name: 'y', type: { type: 'double' }, nullable: true, metadata: {} },
      ],
    };
    expect(columnsOf(bind(col('x').between(1, col('y')), schema))).toEqual([['X'], ['y']]);
  });
});

describe('LIKE patterns', () => {
  it('classifies shapes and honours escapes', () => {
    expect(compileLike('abc', '\\')).toMatchObject({ shape: 'exact', text: 'abc' });
    expect(compileLike('ab%', '\\')).toMatchObject({ shape: 'prefix', text: 'ab', leading: 'ab' });
    expect(compileLike('%%ab', '\\')).toMatchObject({ shape: 'suffix', text: 'ab', leading: '' });
    expect(compileLike('%a\\%b%', '\\')).toMatchObject({ shape: 'contains', text: 'a%b' });
    expect(compileLike('a_c%', '\\')).toMatchObject({ shape: 'regex', leading: 'a' });
    expect(compileLike('a!_%', '!')).toMatchObject({ shape: 'prefix', text: 'a_' });
    expect(() => compileLike('a\\x', '\\')).toThrow(/must be followed by %, _ or itself/);
  });

  it('matches with SQL semantics (% any run, _ one character, across newlines)', () => {
    const m = (p: string, s: string) => likeMatches(compileLike(p, '\\'), s);
    expect(m('a_c', 'abc')).toBe(true);
    expect(m('a_c', 'a😀c')).toBe(true);
    expect(m('a_c', 'ac')).toBe(false);
    expect(m('a%c', 'a\nb\nc')).toBe(true);
    expect(m('a.c', 'abc')).toBe(false);
    expect(m('(x)%', '(x)yz')).toBe(true);
    expect(m('%', '')).toBe(true);
    expect(m('_', '')).toBe(false);
    expect(m('A%', 'abc')).toBe(false);
  });
});
