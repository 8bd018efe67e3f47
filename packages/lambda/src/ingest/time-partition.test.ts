import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { addTimePartition } from './time-partition.js';

describe('addTimePartition', () => {
  test('day (DATE) and hour (string) from timestamps and ISO strings, nulls kept', () => {
    const ms = [Date.UTC(2024, 0, 31, 23, 59), Date.UTC(2024, 1, 1, 0, 1)];
    const ts = arrow.vectorFromArray([...ms, null], new arrow.TimestampMicrosecond('UTC'));
    const batch = new arrow.Table({ ts }).batches[0]!;
    const day = addTimePartition(batch, { column: 'date', from: 'ts', granularity: 'day' });
    expect(day.schema.fields.map((f) => f.name)).toEqual(['ts', 'date']);
    expect(arrow.DataType.isDate(day.getChild('date')!.type)).toBe(true);
    expect(
      [...day.getChild('date')!].map((d) => (d === null ? null : new Date(d as number).toISOString().slice(0, 10))),
    ).toEqual(['2024-01-31', '2024-02-01', null]);
    const strings = new arrow.Table({ t: arrow.vectorFromArray(['2024-05-06T07:08:09Z', null], new arrow.Utf8()) })
      .batches[0]!;
    const hour = addTimePartition(strings, { column: 'hour', from: 't', granularity: 'hour' });
    expect([...hour.getChild('hour')!]).toEqual(['2024-05-06-07', null]);
    expect(() => addTimePartition(strings, { column: 'h', from: 'nope', granularity: 'hour' })).toThrow(
      /not in the data/,
    );
  });
});
