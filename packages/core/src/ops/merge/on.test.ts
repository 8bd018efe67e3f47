import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../errors.js';
import { bind, mayMatch, toSql } from '../../expr/index.js';
import type { StructType } from '../../protocol/schema.js';
import { fileStatsLookup } from '../../read/file-stats.js';
import { keyRangeFilter, splitOn } from './on.js';

const spec = (on: string) => ({ on, sourceAlias: 's', targetAlias: 't' });

describe('splitOn', () => {
  it('sorts conjuncts into keys, target-only, source-only and mixed', () => {
    const parts = splitOn(
      spec("t.id = s.id AND s.region_code = t.region AND t.day >= DATE '2024-01-01' AND s.op <> 'X' AND t.v < s.v"),
    );
    expect(parts.keys).toEqual([
      { target: 'id', source: 'id' },
      { target: 'region', source: 'region_code' },
    ]);
    expect(parts.targetOnly.map(toSql)).toEqual([expect.stringMatching(/t\.day.*>=.*2024-01-01/)]);
    expect(parts.sourceOnly.map(toSql)).toEqual([expect.stringMatching(/s\.op.*(<>|!=).*'X'/)]);
    expect(parts.mixed.map(toSql)).toEqual([expect.stringMatching(/t\.v.*<.*s\.v/)]);
  });

  it('needs every column qualified by an alias', () => {
    expect(() => splitOn(spec('id = s.id'))).toThrow(ExpressionError);
    expect(() => splitOn(spec('id = s.id'))).toThrow(/write t\.id \(the target\) or s\.id \(the source\)/);
    expect(() => splitOn(spec('x.id = s.id'))).toThrow(ExpressionError);
  });

  it('does not take OR, nested fields or same-side equalities as keys', () => {
    expect(splitOn(spec('t.id = s.id OR t.k = s.k')).keys).toEqual([]);
    expect(splitOn(spec('t.a.b = s.b')).keys).toEqual([]);
    expect(splitOn(spec('t.a = t.b')).targetOnly).toHaveLength(1);
  });
});

describe('keyRangeFilter', () => {
  it('bounds each key by the source range; a key with no source value matches nothing', () => {
    const keys = [
      { target: 'id', source: 'sid' },
      { target: 'day', source: 'day' },
    ];
    const f = keyRangeFilter(keys, [
      { min: 3, max: 90 },
      { min: 'a', max: 'm' },
    ]);
    expect(toSql(f!)).toMatch(/id.*BETWEEN 3 AND 90.*AND.*day.*BETWEEN 'a' AND 'm'/);
    expect(keyRangeFilter(keys, [{ min: 1, max: 2 }, 'empty'])).toBeNull();
    expect(toSql(keyRangeFilter(keys, ['unbounded', { min: 'a', max: 'b' }])!)).not.toMatch(/id/);
  });
});

describe('keyRangeFilter prunes target files by their statistics', () => {
  it('keeps exactly the files whose key range overlaps the source keys', () => {
    const schema: StructType = {
      type: 'struct',
      fields: [
        { name: 'id', type: { type: 'long' }, nullable: true, metadata: {} },
        { name: 'v', type: { type: 'string' }, nullable: true, metadata: {} },
      ],
    };
    const cols = { schema, mode: 'none' as const, partitionColumns: new Set<string>() };
    const filter = bind(keyRangeFilter([{ target: 'id', source: 'id' }], [{ min: 150n, max: 260n }])!, schema);
    const files = [
      [0, 99],
      [100, 199],
      [200, 299],
      [300, 399],
    ];
    const kept = files.filter(([min, max]) =>
      mayMatch(
        filter,
        fileStatsLookup(cols, new Map(), {
          numRecords: 100,
          minValues: { id: min },
          maxValues: { id: max },
          nullCount: { id: 0 },
        }),
      ),
    );
    expect(kept).toEqual([
      [100, 199],
      [200, 299],
    ]);
  });
});
