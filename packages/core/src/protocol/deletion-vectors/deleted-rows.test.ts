import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { DeletedRows } from './deleted-rows.js';

describe('DeletedRows', () => {
  const d = DeletedRows.from([9, 3, 4, 3, 2 ** 40, 100]);

  it('sorts, de-duplicates and answers has()', () => {
    expect(Array.from(d.rows)).toEqual([3, 4, 9, 100, 2 ** 40]);
    expect(d.cardinality).toBe(5);
    expect(d.has(3)).toBe(true);
    expect(d.has(2 ** 40)).toBe(true);
    expect(d.has(5)).toBe(false);
    expect(d.has(0)).toBe(false);
    expect(DeletedRows.EMPTY.has(0)).toBe(false);
  });

  it('builds keep-masks for consecutive batches', () => {
    expect(Array.from(d.keepMask(0, 5)!)).toEqual([1, 1, 1, 0, 0]);
    expect(Array.from(d.keepMask(5, 5)!)).toEqual([1, 1, 1, 1, 0]);
    expect(d.keepMask(10, 90)).toBeNull();
    expect(Array.from(d.keepMask(100, 1)!)).toEqual([0]);
    expect(d.keepMask(101, 1000)).toBeNull();
    expect(Array.from(d.keepMask(2 ** 40 - 1, 3)!)).toEqual([1, 0, 1]);
    expect(DeletedRows.EMPTY.keepMask(0, 10)).toBeNull();
  });

  it('keep-masks over many batches agree with has()', () => {
    const rows = DeletedRows.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 20000));
    let kept = 0;
    let mismatches = 0;
    for (let start = 0; start < 20000; start += 1024) {
      const len = Math.min(1024, 20000 - start);
      const mask = rows.keepMask(start, len);
      for (let i = 0; i < len; i++) {
        const keep = mask ? mask[i] === 1 : true;
        if (keep === rows.has(start + i)) mismatches++;
        if (keep) kept++;
      }
      expect(rows.countInRange(start, len)).toBe(mask ? mask.reduce((n, b) => n + (b ? 0 : 1), 0) : 0);
    }
    expect(mismatches).toBe(0);
    expect(rows.cardinality).toBe(3000);
    expect(kept).toBe(17000);
  });

  it('unions two vectors', () => {
    const u = d.union(DeletedRows.from([1, 4, 200]));
    expect(Array.from(u.rows)).toEqual([1, 3, 4, 9, 100, 200, 2 ** 40]);
    expect(d.union(DeletedRows.EMPTY)).toBe(d);
  });

  it('rejects invalid row indexes', () => {
    expect(() => DeletedRows.from([1, -1])).toThrow(InvalidArgumentError);
    expect(() => DeletedRows.from([1.5])).toThrow(InvalidArgumentError);
    expect(() => DeletedRows.from([2 ** 53])).toThrow(InvalidArgumentError);
  });
});
