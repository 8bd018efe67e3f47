/**
 * The duplicate-match rule, hand-derived from Delta's MergeIntoCommand (DuckDB's MERGE does not
 * raise it, so test/merge/clauses-oracle.test.ts cannot check it): a target row matched by two
 * or more source rows fails the merge unless the only matched clause is one unconditional
 * delete or the merge is insert-only; the join decides, not the clause conditions (as
 * MergeIntoCommandBase.throwErrorOnMultipleMatches and ClassicMergeExecutor.findTouchedFiles
 * in delta-io/delta).
 */
import { describe, expect, it } from 'vitest';
import { allowsMultipleMatches, checkSingleMatch, decideSourceRows, decideTargetRows, NO_CLAUSE } from './clauses.js';
import { MergeMultipleMatchError } from './errors.js';
import { keyOf, SourceKeyIndex } from './keys.js';
import type { MergeClause } from './types.js';

const spec = (...clauses: MergeClause[]) => ({ clauses });
const del: MergeClause = { kind: 'matched', action: 'delete' };
const upd: MergeClause = { kind: 'matched', action: 'update', assignments: 'all' };
const ins: MergeClause = { kind: 'notMatched', action: 'insert', assignments: 'all' };
const bySrcDel: MergeClause = { kind: 'notMatchedBySource', action: 'delete' };

describe('checkSingleMatch', () => {
  const keys = (i: number) => ({ id: [7, 8n, 'a'][i], region: 'eu' });

  it('names the key of the first target row matched twice', () => {
    let err: unknown;
    try {
      checkSingleMatch(spec(upd), [1, 2, 0], keys);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MergeMultipleMatchError);
    const e = err as MergeMultipleMatchError;
    expect(e.key).toEqual({ id: 8n, region: 'eu' });
    expect(e.sourceRows).toBe(2);
    expect(e.message).toContain('2 source rows matched the same target row (id = 8, region = "eu")');
    expect(e.message).toContain('Deduplicate the source on the merge keys');
  });

  it('allows duplicates only for one unconditional matched delete, or an insert-only merge', () => {
    expect(allowsMultipleMatches(spec(del, ins))).toBe(true);
    expect(allowsMultipleMatches(spec(del, bySrcDel))).toBe(true);
    expect(allowsMultipleMatches(spec(ins))).toBe(true);
    // not-matched-by-source clauses need the join's counts: Delta fails on duplicates there too
    expect(allowsMultipleMatches(spec(ins, bySrcDel))).toBe(false);
    expect(allowsMultipleMatches(spec({ ...del, condition: 's.x > 1' }))).toBe(false);
    expect(allowsMultipleMatches(spec({ ...del, condition: 's.x > 1' }, del))).toBe(false);
    expect(allowsMultipleMatches(spec(upd))).toBe(false);
    expect(() => checkSingleMatch(spec(del), [3], keys)).not.toThrow();
    // a condition that no pair satisfies still fails: the join decides, as Delta
    expect(() => checkSingleMatch(spec({ ...upd, condition: 'false' }), [2], keys)).toThrow(MergeMultipleMatchError);
  });
});

describe('decideTargetRows / decideSourceRows', () => {
  it('tries clauses of the row kind in order; NULL is not TRUE; none: NO_CLAUSE', () => {
    const s = spec({ ...del, condition: 'c0' }, ins, { ...upd, condition: 'c2' }, { ...bySrcDel, condition: 'c3' });
    const conds = [[true, null, false, null], undefined, [true, true, null, null], [null, null, null, true]];
    // rows 0-2 matched (source 5), row 3 not matched by source
    expect(Array.from(decideTargetRows(s, [5, 5, 5, -1], conds))).toEqual([0, 2, NO_CLAUSE, 3]);
    expect(Array.from(decideSourceRows(s, [1, 0], []))).toEqual([NO_CLAUSE, 1]);
  });
});

describe('SourceKeyIndex', () => {
  it('matches as SQL equality across key widths and types; NULL keys match nothing', () => {
    const rows: unknown[][] = [
      [1, 'a'],
      [2n, 'b'],
      [null, 'c'],
      [1n, 'a'],
      [-0, 'z'],
      [NaN, 'n'],
    ];
    const index = new SourceKeyIndex(rows.length, (i) => rows[i]!);
    expect(index.lookup([1n, 'a'])).toEqual([0, 3]);
    expect(index.lookup([2, 'b'])).toEqual([1]);
    expect(index.lookup([null, 'c'])).toEqual([]);
    expect(index.lookup([0, 'z'])).toEqual([4]);
    expect(index.lookup([NaN, 'n'])).toEqual([5]);
    expect(index.lookup([1, 'b'])).toEqual([]);
    expect(index.distinctKeys).toBe(4);
    // composite keys cannot collide by concatenation
    expect(keyOf(['ab', 'c'])).not.toBe(keyOf(['a', 'bc']));
    expect(keyOf([1])).not.toBe(keyOf(['1']));
    expect(keyOf([new Uint8Array([1, 2])])).toBe(keyOf([new Uint8Array([1, 2])]));
    expect(keyOf([new Date(5)])).toBe(keyOf([new Date(5)]));
  });
});
