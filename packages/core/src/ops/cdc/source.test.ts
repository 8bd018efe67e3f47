import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { batchToObjects } from '../../arrow/json-values.js';
import { InvalidArgumentError } from '../../errors.js';
import { MergeBuilder } from '../merge/builder.js';
import { changeSource } from './source.js';
import { addCdcClauses, cdcOn } from './statement.js';

const changes = (rows: Array<[number | null, string, string, number]>) =>
  new arrow.RecordBatch({
    id: arrow.vectorFromArray(
      rows.map((r) => r[0]),
      new arrow.Int32(),
    ).data[0]!,
    v: arrow.vectorFromArray(
      rows.map((r) => r[1]),
      new arrow.Utf8(),
    ).data[0]!,
    _cdc_op: arrow.vectorFromArray(
      rows.map((r) => r[2]),
      new arrow.Utf8(),
    ).data[0]!,
    seq: arrow.vectorFromArray(
      rows.map((r) => BigInt(r[3])),
      new arrow.Int64(),
    ).data[0]!,
  });

describe('changeSource', () => {
  it('keeps the change with the highest sequence per key, ties by position', () => {
    const b = changes([
      [1, 'a', 'I', 5],
      [2, 'b', 'I', 1],
      [1, 'old', 'U', 3],
      [2, 'gone', 'D', 2],
      [3, 'x', 'I', 7],
      [3, 'y', 'U', 7],
    ]);
    const s = changeSource('f', [b], { keys: ['id'], sequence: 'seq' });
    expect(s.changes).toBe(6);
    expect(batchToObjects(s.batch)).toEqual([
      { id: 1, v: 'a', _cdc_op: 'I', seq: 5 },
      { id: 2, v: 'gone', _cdc_op: 'D', seq: 2 },
      { id: 3, v: 'y', _cdc_op: 'U', seq: 7 },
    ]);
    const t = changeSource('f', [b], { keys: ['id'], sequence: 'seq', deletes: 'tombstone' });
    expect(batchToObjects(t.batch).map((r) => r['_cdc_deleted'])).toEqual([false, true, false]);
  });

  it('refuses a change without a key value and names unknown columns', () => {
    expect(() => changeSource('f', [changes([[null, 'a', 'I', 1]])], { keys: ['id'] })).toThrow(
      /change 1 has no value for the key column id/,
    );
    expect(() => changeSource('f', [changes([[1, 'a', 'I', 1]])], { keys: ['nope'] })).toThrow(InvalidArgumentError);
    expect(() => changeSource('f', [changes([[1, 'a', 'I', 1]])], { keys: ['id'], sequence: 'lsn' })).toThrow(
      /no sequence column lsn/,
    );
  });
});

describe('the change MERGE', () => {
  const spec = (opts: Parameters<typeof addCdcClauses>[1], keys = ['id']) =>
    addCdcClauses(new MergeBuilder(cdcOn(keys), async () => undefined), opts).spec();

  it('is conditional on the sequence, and deletes or marks', () => {
    expect(spec({ sequence: 'seq' }, ['id', 'my key'])).toMatchObject({
      on: 't.id = s.id AND t.`my key` = s.`my key`',
      clauses: [
        { kind: 'matched', action: 'delete', condition: "s._cdc_op = 'D' AND (t.seq IS NULL OR s.seq >= t.seq)" },
        {
          kind: 'matched',
          action: 'update',
          assignments: 'all',
          condition: "s._cdc_op <> 'D' AND (t.seq IS NULL OR s.seq > t.seq)",
        },
        { kind: 'notMatched', action: 'insert', assignments: 'all', condition: "s._cdc_op <> 'D'" },
      ],
    });
    expect(spec({}).clauses.map((c) => c.condition)).toEqual([
      "s._cdc_op = 'D'",
      "s._cdc_op <> 'D'",
      "s._cdc_op <> 'D'",
    ]);
    expect(spec({ sequence: 'seq', deletes: 'tombstone' }).clauses).toEqual([
      {
        kind: 'matched',
        action: 'update',
        assignments: 'all',
        condition: "(t.seq IS NULL OR s.seq > t.seq OR (s.seq = t.seq AND s._cdc_op = 'D'))",
      },
      { kind: 'notMatched', action: 'insert', assignments: 'all' },
    ]);
    expect(() => spec({ deletes: 'tombstone' })).toThrow(/need a sequence/);
  });
});
