import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { DataType, StructField, StructType } from '../protocol/schema.js';
import {
  parseColumnList,
  selectStatsSchema,
  statsColumnsFromProperties,
  validateStatsColumns,
} from './stats-columns.js';

const f = (name: string, type: DataType | string): StructField => ({
  name,
  type: typeof type === 'string' ? ({ type } as DataType) : type,
  nullable: true,
  metadata: {},
});
const struct = (...fields: StructField[]): StructType => ({ type: 'struct', fields });

/** Leaf paths of a schema, in order. */
function leaves(s: StructType, prefix = ''): string[] {
  return s.fields.flatMap((x) =>
    x.type.type === 'struct' ? leaves(x.type, `${prefix}${x.name}.`) : [`${prefix}${x.name}`],
  );
}

describe('statsColumnsFromProperties', () => {
  it('reads both properties', () => {
    expect(statsColumnsFromProperties({})).toEqual({});
    expect(statsColumnsFromProperties({ 'delta.dataSkippingNumIndexedCols': '5' })).toEqual({ numIndexedCols: 5 });
    expect(statsColumnsFromProperties({ 'delta.dataSkippingNumIndexedCols': '-1' })).toEqual({ numIndexedCols: -1 });
    expect(
      statsColumnsFromProperties({
        'delta.dataSkippingStatsColumns': 'a, b.c ,`odd name`.`x.y`,`back``tick`, Ünï_1',
        'other.key': 'x',
      }),
    ).toEqual({ statsColumns: [['a'], ['b', 'c'], ['odd name', 'x.y'], ['back`tick'], ['Ünï_1']] });
    expect(statsColumnsFromProperties({ 'delta.dataSkippingStatsColumns': '  ' })).toEqual({ statsColumns: [] });
  });

  it.each(['abc', '-2', '1.5', '', '99999999999'])('rejects numIndexedCols "%s" naming the property', (v) => {
    const run = () => statsColumnsFromProperties({ 'delta.dataSkippingNumIndexedCols': v });
    expect(run).toThrow(InvalidArgumentError);
    expect(run).toThrow(/delta\.dataSkippingNumIndexedCols/);
  });

  it.each(['a,', ',a', 'a..b', 'a.', '`unterminated', 'a b', 'a;b', 'a-b'])(
    'rejects statsColumns "%s" naming the property',
    (v) => {
      const run = () => statsColumnsFromProperties({ 'delta.dataSkippingStatsColumns': v });
      expect(run).toThrow(InvalidArgumentError);
      expect(run).toThrow(/delta\.dataSkippingStatsColumns/);
    },
  );

  it('parses column references used as options too', () => {
    expect(parseColumnList('`a`.b')).toEqual([['a', 'b']]);
  });
});

describe('selectStatsSchema', () => {
  const schema = struct(
    f('a', 'integer'),
    f('s', struct(f('x', 'long'), f('y', struct(f('p', 'string'), f('q', 'double'))), f('z', 'boolean'))),
    f('arr', { type: 'array', elementType: { type: 'integer' }, containsNull: true }),
    f('b', 'string'),
    f('part', 'date'),
  );

  it('takes the first N leaves in schema order, counting arrays as leaves', () => {
    expect(leaves(selectStatsSchema(schema, {}))).toEqual(['a', 's.x', 's.y.p', 's.y.q', 's.z', 'arr', 'b', 'part']);
    expect(leaves(selectStatsSchema(schema, { numIndexedCols: 3 }))).toEqual(['a', 's.x', 's.y.p']);
    expect(leaves(selectStatsSchema(schema, { numIndexedCols: 6 }))).toEqual([
      'a',
      's.x',
      's.y.p',
      's.y.q',
      's.z',
      'arr',
    ]);
    expect(leaves(selectStatsSchema(schema, { numIndexedCols: 0 }))).toEqual([]);
    expect(leaves(selectStatsSchema(schema, { numIndexedCols: -1 }))).toHaveLength(8);
  });

  it('drops partition columns before counting', () => {
    const s = struct(f('part', 'date'), f('a', 'integer'), f('b', 'integer'));
    expect(leaves(selectStatsSchema(s, { numIndexedCols: 1 }, ['part']))).toEqual(['a']);
  });

  it('selects named columns case-insensitively, in schema order, structs whole', () => {
    const sel = selectStatsSchema(schema, { statsColumns: ['B', 's.Y.q', ['a']] });
    expect(leaves(sel)).toEqual(['a', 's.y.q', 'b']);
    expect(leaves(selectStatsSchema(schema, { statsColumns: ['s.y'] }))).toEqual(['s.y.p', 's.y.q']);
    // Unknown names are ignored at write time (validateStatsColumns rejects them up front).
    expect(leaves(selectStatsSchema(schema, { statsColumns: ['nope', 'a.b'] }))).toEqual([]);
    // statsColumns takes precedence over numIndexedCols.
    expect(leaves(selectStatsSchema(schema, { statsColumns: ['b'], numIndexedCols: 1 }))).toEqual(['b']);
  });

  it('refuses numIndexedCols below -1', () => {
    expect(() => selectStatsSchema(schema, { numIndexedCols: -5 })).toThrow(InvalidArgumentError);
  });
});

describe('validateStatsColumns', () => {
  const schema = struct(
    f('a', 'integer'),
    f('s', struct(f('x', 'long'), f('flag', 'boolean'))),
    f('t', struct(f('x', 'long'), f('y', 'string'))),
    f('bin', 'binary'),
    f('part', 'string'),
  );
  const check = (cols: string[]) => () => validateStatsColumns(schema, ['part'], cols);

  it('accepts existing columns of min/max types', () => {
    expect(check(['a', 's.x', 't'])).not.toThrow();
    expect(check(['A', 't'])).not.toThrow();
  });

  it.each([
    [['part'], /partition column/],
    [['nope'], /does not exist/],
    [['a.b'], /does not exist/],
    [['bin'], /binary/],
    [['s'], /s\.flag has type boolean/],
    [['t.x', 't'], /t\.x is listed more than once/],
    [['a', 'A'], /listed more than once/],
  ])('rejects %j', (cols, msg) => {
    expect(check(cols)).toThrow(InvalidArgumentError);
    expect(check(cols)).toThrow(msg);
    expect(check(cols)).toThrow(/delta\.dataSkippingStatsColumns/);
  });
});
