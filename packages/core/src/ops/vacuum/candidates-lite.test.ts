import { describe, expect, it } from 'vitest';
import { TableState } from '../../log/replay.js';
import type { Action, DeletionVectorDescriptor } from '../../protocol/actions.js';
import { deletionVectorRelativePath, uuidToZ85 } from '../../protocol/deletion-vectors/index.js';
import { liteCandidates } from './candidates-lite.js';
import { retainedFiles } from './retained-files.js';

const ROOT = 'file:///data/t';
const CUTOFF = 1_000_000;
const OLD = CUTOFF - 1;
const YOUNG = CUTOFF + 1;

const dv = (uuid: string, offset: number, prefix = ''): DeletionVectorDescriptor => ({
  storageType: 'u',
  pathOrInlineDv: prefix + uuidToZ85(uuid),
  offset,
  sizeInBytes: 30,
  cardinality: 1,
});
const U1 = '11111111-1111-1111-1111-111111111111';
const U2 = '22222222-2222-2222-2222-222222222222';
const U3 = '33333333-3333-3333-3333-333333333333';
const add = (path: string, d?: DeletionVectorDescriptor): Action => ({
  add: { path, partitionValues: {}, size: 10, modificationTime: 0, dataChange: true, deletionVector: d },
});
const remove = (path: string, ts: number, d?: DeletionVectorDescriptor, size = 10): Action => ({
  remove: { path, deletionTimestamp: ts, dataChange: true, size, deletionVector: d },
});

function candidates(actions: Action[]): Record<string, number> {
  const state = new TableState();
  state.apply(0, actions);
  const out = liteCandidates(state, ROOT, CUTOFF, retainedFiles(state, ROOT, CUTOFF));
  return Object.fromEntries(out.map((f) => [f.path, f.size]));
}

describe('liteCandidates', () => {
  it('takes expired tombstones that nothing retained uses, with sizes from the log', () => {
    expect(candidates([add('live.parquet'), remove('gone.parquet', OLD, undefined, 123)])).toEqual({
      'gone.parquet': 123,
    });
  });

  it('keeps tombstones removed at or after the cutoff, and their DV files', () => {
    expect(candidates([remove('young.parquet', YOUNG, dv(U1, 1)), remove('edge.parquet', CUTOFF)])).toEqual({});
  });

  it('keeps a data file that is live with another DV, and deletes the old DV file only when unused', () => {
    const got = candidates([
      remove('a.parquet', OLD, dv(U1, 1)),
      add('a.parquet', dv(U2, 1)),
      // b's old DV shares U2's file with a's live DV: kept; U3 is used by nothing retained.
      remove('b.parquet', OLD, dv(U2, 45)),
      remove('c.parquet', OLD, dv(U3, 1, 'ab')),
    ]);
    expect(got).toEqual({
      [deletionVectorRelativePath(dv(U1, 1))!]: 1 + 8 + 30,
      'b.parquet': 10,
      'c.parquet': 10,
      [deletionVectorRelativePath(dv(U3, 1, 'ab'))!]: 39,
    });
    expect(Object.keys(got)).toContain(`ab/deletion_vector_${U3}.bin`);
  });

  it('never deletes files outside the table root, log files or inline DVs', () => {
    const inline: DeletionVectorDescriptor = {
      storageType: 'i',
      pathOrInlineDv: 'abcde',
      sizeInBytes: 4,
      cardinality: 1,
    };
    const absoluteDv: DeletionVectorDescriptor = {
      storageType: 'p',
      pathOrInlineDv: 'file:///elsewhere/dv.bin',
      offset: 1,
      sizeInBytes: 4,
      cardinality: 1,
    };
    const insideDv: DeletionVectorDescriptor = { ...absoluteDv, pathOrInlineDv: 'file:///data/t/dvs/x.bin' };
    expect(
      candidates([
        remove('s3://other-bucket/t/part-0.parquet', OLD),
        remove('file:///elsewhere/part-1.parquet', OLD, absoluteDv),
        remove('file:///data/t/x=1/part-2.parquet', OLD, insideDv),
        remove('part-3.parquet', OLD, inline),
        remove('_delta_log/00000000000000000000.json', OLD),
      ]),
    ).toEqual({ 'x=1/part-2.parquet': 10, 'dvs/x.bin': 13, 'part-3.parquet': 10 });
  });

  it('matches URI-encoded and absolute spellings of the same live file', () => {
    expect(candidates([add('x=a%20b/part-0.parquet'), remove('file:///data/t/x=a b/part-0.parquet', OLD)])).toEqual({});
  });
});
