import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../errors.js';
import { parseDate } from '../protocol/scalar.js';
import type { DataType, StructType } from '../protocol/schema.js';
import { bind } from './bind.js';
import type { BoundExpr } from './bound.js';
import { col, lit } from './builder.js';
import { parseExpression } from './parse.js';

const t = (type: string): DataType => ({ type }) as DataType;
const dec = (precision: number, scale: number): DataType => ({ type: 'decimal', precision, scale });

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: t('long'), nullable: false, metadata: {} },
    { name: 'n', type: t('integer'), nullable: true, metadata: {} },
    { name: 'b8', type: t('byte'), nullable: true, metadata: {} },
    { name: 'x', type: t('double'), nullable: true, metadata: {} },
    { name: 'f', type: t('float'), nullable: true, metadata: {} },
    { name: 'price', type: dec(10, 2), nullable: true, metadata: {} },
    { name: 'country', type: t('string'), nullable: true, metadata: {} },
    { name: 'd', type: t('date'), nullable: true, metadata: {} },
    { name: 'ts', type: t('timestamp'), nullable: true, metadata: {} },
    { name: 'ntz', type: t('timestamp_ntz'), nullable: true, metadata: {} },
    { name: 'flag', type: t('boolean'), nullable: true, metadata: {} },
    { name: 'bin', type: t('binary'), nullable: true, metadata: {} },
    {
      name: 'Addr',
      type: {
        type: 'struct',
        fields: [{ name: 'City', type: t('string'), nullable: true, metadata: {} }],
      },
      nullable: true,
      metadata: {},
    },
    {
      name: 'tags',
      type: { type: 'array', elementType: t('string'), containsNull: true },
      nullable: true,
      metadata: {},
    },
  ],
};

const b = (text: string): BoundExpr => bind(parseExpression(text), schema);

function bindError(text: string): string {
  try {
    b(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return (err as Error).message;
  }
  throw new Error(`expected "${text}" to fail`);
}

/** The literal on the right of a bound comparison. */
function rhs(e: BoundExpr): { value: unknown; type: DataType; left: BoundExpr } {
  if (e.kind !== 'compare' || e.right.kind !== 'literal') throw new Error(`not a comparison with a literal: ${e.kind}`);
  return { value: e.right.value, type: e.right.type, left: e.left };
}

describe('bind', () => {
  it('resolves columns with their type, exact schema path and nullability', () => {
    const e = b("addr.city = 'x'");
    expect(rhs(e).left).toEqual({ kind: 'column', path: ['Addr', 'City'], type: t('string'), nullable: true });
    expect(rhs(b('id = 1')).left).toMatchObject({ path: ['id'], nullable: false });
  });

  it('coerces literals to the column type', () => {
    expect(rhs(b('id > 3'))).toMatchObject({ value: 3n, type: t('long') });
    expect(rhs(b('n = 7'))).toMatchObject({ value: 7, type: t('integer') });
    expect(rhs(b("d = '2024-01-01'"))).toMatchObject({ value: parseDate('2024-01-01'), type: t('date') });
    expect(rhs(b("ts >= '2024-01-01 10:00:00'"))).toMatchObject({ value: 1704103200000000n, type: t('timestamp') });
    expect(rhs(b("ntz < '2024-01-01T10:00:00.000001'"))).toMatchObject({
      value: 1704103200000001n,
      type: t('timestamp_ntz'),
    });
    expect(rhs(b('price = 12.5'))).toMatchObject({ value: 1250n, type: dec(10, 2) });
    expect(rhs(b("price = '-0.07'"))).toMatchObject({ value: -7n, type: dec(10, 2) });
    expect(rhs(b('x > 3'))).toMatchObject({ value: 3, type: t('double') });
    expect(rhs(b("x = 'NaN'")).value).toBeNaN();
    expect(rhs(b('flag = true'))).toMatchObject({ value: true, type: t('boolean') });
    expect(rhs(b("bin = X'01'"))).toMatchObject({ value: Uint8Array.of(1), type: t('binary') });
    expect(rhs(b('id = 9007199254740993'))).toMatchObject({ value: 9007199254740993n });
    // Builder values: JS numbers against decimals use their shortest text.
    expect(rhs(bind(col('price').eq(0.1), schema))).toMatchObject({ value: 10n });
    expect(rhs(bind(col('ts').gt(new Date('2024-01-01T00:00:00.001Z')), schema))).toMatchObject({
      value: 1704067200001000n,
    });
  });

  it('widens instead of truncating when the literal does not fit the column type', () => {
    // int vs 3.5 -> decimal(11,1), the column is cast
    const e = rhs(b('n > 3.5'));
    expect(e).toMatchObject({ value: 35n, type: dec(11, 1) });
    expect(e.left).toMatchObject({ kind: 'cast', type: dec(11, 1), arg: { kind: 'column', path: ['n'] } });
    // byte vs 1000 -> integer
    expect(rhs(b('b8 < 1000'))).toMatchObject({ value: 1000, type: t('integer'), left: { kind: 'cast' } });
    // decimal(10,2) vs 1.005 -> decimal with scale 3
    expect(rhs(b('price >= 1.005'))).toMatchObject({ value: 1005n, type: dec(11, 3) });
    // long vs 2.5 as a JS number -> double
    expect(rhs(bind(col('id').gt(2.5), schema))).toMatchObject({ value: 2.5, type: t('double') });
    // date vs timestamp literal -> timestamp
    expect(rhs(b("d < TIMESTAMP '2024-01-01 12:00:00'"))).toMatchObject({
      type: t('timestamp'),
      left: { kind: 'cast' },
    });
    // float vs double
    expect(rhs(b('f > 1e0'))).toMatchObject({ value: 1, type: t('float') });
    expect(rhs(b('f > 0.1'))).toMatchObject({ value: 0.1, type: t('double'), left: { kind: 'cast' } });
  });

  it('puts the literal on the right, flipping the operator', () => {
    const e = b('3 < id');
    expect(e).toMatchObject({ kind: 'compare', op: '>', left: { kind: 'column' }, right: { value: 3n } });
  });

  it('compares columns of different numeric types through a common type', () => {
    const e = b('n < x');
    expect(e).toMatchObject({
      kind: 'compare',
      left: { kind: 'cast', type: t('double') },
      right: { kind: 'column', path: ['x'] },
    });
  });

  it('desugars BETWEEN and rewrites <=> NULL', () => {
    expect(b('n BETWEEN 1 AND 5')).toMatchObject({
      kind: 'and',
      args: [
        { kind: 'compare', op: '>=', right: { value: 1 } },
        { kind: 'compare', op: '<=', right: { value: 5 } },
      ],
    });
    expect(b('n <=> NULL')).toMatchObject({ kind: 'isNull', arg: { kind: 'column', path: ['n'] } });
  });

  it('binds IN lists to one domain and records NULL members', () => {
    expect(b("country IN ('a', NULL, 'b')")).toMatchObject({ kind: 'in', values: ['a', 'b'], hasNull: true });
    expect(b('id IN (1, 2)')).toMatchObject({ values: [1n, 2n], hasNull: false });
    expect(b('n IN (1, 2.5)')).toMatchObject({ values: [10n, 25n], arg: { kind: 'cast', type: dec(11, 1) } });
  });

  it('folds comparisons between literals', () => {
    expect(b('1 = 1')).toEqual({ kind: 'literal', value: true, type: t('boolean') });
    expect(b("'a' > 'b'")).toEqual({ kind: 'literal', value: false, type: t('boolean') });
    expect(b('NULL = 1')).toEqual({ kind: 'literal', value: null, type: t('boolean') });
    expect(b('NULL <=> NULL')).toEqual({ kind: 'literal', value: true, type: t('boolean') });
  });

  it('types arithmetic: integral stays long, the rest is double', () => {
    expect(b('id + n > 0')).toMatchObject({ left: { kind: 'arith', type: t('long') }, right: { value: 0n } });
    expect(b('price * n > 0')).toMatchObject({ left: { kind: 'arith', type: t('double') }, right: { value: 0 } });
    expect(b('n / 2 > 1')).toMatchObject({ left: { kind: 'arith', type: t('double') } });
  });

  it('accepts boolean columns and literals as predicates', () => {
    expect(b('flag')).toMatchObject({ kind: 'column', type: t('boolean') });
    expect(b('flag AND NOT TRUE')).toMatchObject({ kind: 'and' });
    expect(bind(lit(null), schema)).toMatchObject({ kind: 'literal', value: null, type: t('boolean') });
  });

  it('names the unknown column and lists the available ones', () => {
    const msg = bindError('nope = 1');
    expect(msg).toContain('column nope does not exist');
    expect(msg).toContain(
      'available columns: id, n, b8, x, f, price, country, d, ts, ntz, flag, bin, Addr, Addr.City, tags',
    );
    expect(bindError('addr.zip = 1')).toContain('no field "zip" in struct Addr');
    expect(bindError('id.x = 1')).toContain('column id is long, not a struct');
  });

  it('names both types when a comparison is impossible', () => {
    expect(bindError('d = 3')).toMatch(/cannot compare `d` \(date\) with `3` \(integer\)/);
    expect(bindError('country > 1')).toMatch(/\(string\) with `1` \(integer\)/);
    expect(bindError('ts = ntz')).toMatch(/`ts` \(timestamp\) with `ntz` \(timestamp_ntz\)/);
    expect(bindError("d = 'yesterday'")).toMatch(/'yesterday' is not a valid date literal/);
    expect(bindError('flag = 1')).toMatch(/\(boolean\) with `1` \(integer\)/);
    expect(bindError('tags = 1')).toMatch(/cannot compare `tags` of type array<string>/);
    expect(bindError('addr = 1')).toMatch(/cannot compare `addr` of type struct<City:string>/);
  });

  it('rejects non-boolean predicates and misuse of operators', () => {
    expect(bindError('id')).toMatch(/expected a predicate .* `id` is of type long/);
    expect(bindError('id + 1')).toMatch(/is of type long/);
    expect(bindError("n LIKE 'a%'")).toMatch(/LIKE needs a string operand/);
    expect(bindError("country LIKE 'a\\b'")).toMatch(/escape character/);
    expect(bindError('country + 1 > 2')).toMatch(/arithmetic needs numeric operands/);
    expect(bindError('(n > 1) = TRUE')).toMatch(/expected a value .* got the predicate/);
    expect(bindError('id AND n > 1')).toMatch(/expected a predicate/);
  });

  it('resolves names case-insensitively but refuses ambiguity', () => {
    const s2: StructType = {
      type: 'struct',
      fields: [
        { name: 'A', type: t('long'), nullable: true, metadata: {} },
        { name: 'a', type: t('long'), nullable: true, metadata: {} },
        { name: 'Bee', type: t('long'), nullable: true, metadata: {} },
      ],
    };
    expect(rhs(bind(parseExpression('BEE = 1'), s2)).left).toMatchObject({ path: ['Bee'] });
    expect(rhs(bind(parseExpression('a = 1'), s2)).left).toMatchObject({ path: ['a'] });
    expect(() => bind(parseExpression('bEe = 1 AND aA = 1'), s2)).toThrow(/aA does not exist/);
    const s3: StructType = {
      type: 'struct',
      fields: [
        { name: 'Ab', type: t('long'), nullable: true, metadata: {} },
        { name: 'aB', type: t('long'), nullable: true, metadata: {} },
      ],
    };
    expect(() => bind(parseExpression('ab = 1'), s3)).toThrow(/column ab is ambiguous: "ab" matches "Ab" and "aB"/);
  });
});
