import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { parseSetClause } from './set-clause.js';

describe('parseSetClause', () => {
  it('splits at the assignment, not at comparisons or quoted text', () => {
    expect(parseSetClause('price = price * 1.1')).toEqual({ column: 'price', expression: 'price * 1.1' });
    expect(parseSetClause("`my col` = 'a=b'")).toEqual({ column: 'my col', expression: "'a=b'" });
    expect(parseSetClause('flag = n >= 3')).toEqual({ column: 'flag', expression: 'n >= 3' });
    expect(() => parseSetClause('price')).toThrow(InvalidArgumentError);
  });
});
