import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { arrowBytes, checkSourceSize, indexSource, sourceKeyRanges } from './source.js';

const source = () =>
  arrow.tableFromArrays({
    id: BigInt64Array.from([5n, 2n, 9n, 2n]),
    name: ['e', 'b', 'z', 'b2'],
    f: Float64Array.from([1.5, NaN, 0, 2]),
  });

describe('merge source', () => {
  it('indexes rows by key and finds each key range', () => {
    const t = source();
    const index = indexSource(t, [{ target: 'id', source: 'id' }]);
    expect(index.lookup([2])).toEqual([1, 3]);
    expect(index.lookup([9n])).toEqual([2]);
    expect(
      sourceKeyRanges(t, [
        { target: 'id', source: 'id' },
        { target: 'n', source: 'name' },
        { target: 'f', source: 'f' },
      ]),
    ).toEqual([{ min: 2n, max: 9n }, { min: 'b', max: 'z' }, 'unbounded']);
  });

  it('reports an all-NULL key as empty', () => {
    const t = new arrow.Table({ k: arrow.vectorFromArray([null, null], new arrow.Int32()) });
    expect(sourceKeyRanges(t, [{ target: 'k', source: 'k' }])).toEqual(['empty']);
  });

  it('names a key column the source lacks', () => {
    expect(() => indexSource(source(), [{ target: 'id', source: 'key' }])).toThrow(
      /the source has no column key used in on \(its columns: id, name, f\)/,
    );
  });

  it('bounds the source size', () => {
    const t = source();
    expect(arrowBytes(t)).toBeGreaterThanOrEqual(4 * 8 * 2);
    expect(() => checkSourceSize(t, 10)).toThrow(InvalidArgumentError);
    expect(() => checkSourceSize(t, 10)).toThrow(/over maxSourceBytes \(10\)/);
    expect(() => checkSourceSize(t)).not.toThrow();
  });
});
