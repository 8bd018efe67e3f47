import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ConstraintViolationError, ExpressionError, SchemaMismatchError } from '../../errors.js';
import type { StructType } from '../../protocol/schema.js';
import { applyAssignments, checkAssignedNotNull, compileAssignments } from './assign.js';
import { convertScalar } from './store-assignment.js';

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: { type: 'long' }, nullable: false, metadata: {} },
    { name: 'n', type: { type: 'integer' }, nullable: true, metadata: {} },
    { name: 'price', type: { type: 'decimal', precision: 6, scale: 2 }, nullable: true, metadata: {} },
    { name: 'day', type: { type: 'date' }, nullable: true, metadata: {} },
    { name: 'at', type: { type: 'timestamp' }, nullable: true, metadata: {} },
    { name: 'name', type: { type: 'string' }, nullable: true, metadata: {} },
  ],
};

function batch(): arrow.RecordBatch {
  const t = new arrow.Table({
    id: arrow.vectorFromArray([1n, 2n], new arrow.Int64()),
    n: arrow.vectorFromArray([10, null], new arrow.Int32()),
    price: arrow.vectorFromArray([null, null], new arrow.Decimal(2, 6, 128)),
    day: arrow.makeVector(
      arrow.makeData({ type: new arrow.DateDay(), length: 2, data: Int32Array.from([19000, 19001]) }),
    ),
    at: arrow.vectorFromArray([null, null], new arrow.TimestampMicrosecond('UTC')),
    name: arrow.vectorFromArray(['a', 'b'], new arrow.Utf8()),
  });
  return t.batches[0]!;
}

describe('UPDATE SET assignment', () => {
  it('converts values as ANSI store assignment', () => {
    const out = applyAssignments(
      batch(),
      compileAssignments(schema, { n: 'id * 1000', price: 'n / 3', at: 'day', name: "'x'" }),
    );
    expect([...out.getChild('n')!]).toEqual([1000, 2000]);
    expect(out.getChild('price')!.get(0)?.toString()).toBe('333'); // 3.333... rounds to 3.33 (unscaled 333)
    expect(out.getChild('price')!.get(1)).toBeNull();
    expect(out.getChild('at')!.data[0]!.values[0]).toBe(19000n * 86_400_000_000n);
    expect([...out.getChild('name')!]).toEqual(['x', 'x']);
  });

  it('refuses types that cannot be stored, before any data', () => {
    expect(() => compileAssignments(schema, { n: "'text'" })).toThrow(ExpressionError);
    expect(() => compileAssignments(schema, { day: 'at' })).toThrow(ExpressionError);
    expect(() => compileAssignments(schema, { nope: '1' })).toThrow(/no such column/);
    expect(() => compileAssignments(schema, { n: '1', N: '2' })).toThrow(/twice/);
  });

  it('fails on overflow and on NULL in a NOT NULL column', () => {
    expect(() => applyAssignments(batch(), compileAssignments(schema, { n: 'id * 3000000000' }))).toThrow(
      SchemaMismatchError,
    );
    expect(() => convertScalar(10000.5, { type: 'double' }, { type: 'decimal', precision: 6, scale: 2 }, 'p')).toThrow(
      SchemaMismatchError,
    );
    expect(convertScalar(-2.7, { type: 'double' }, { type: 'integer' }, 'n')).toBe(-2);
    expect(
      convertScalar(
        -155n,
        { type: 'decimal', precision: 5, scale: 2 },
        { type: 'decimal', precision: 5, scale: 1 },
        'p',
      ),
    ).toBe(-16n);
    const asg = compileAssignments(schema, { id: 'NULL' });
    expect(() => checkAssignedNotNull(applyAssignments(batch(), asg), asg)).toThrow(ConstraintViolationError);
  });
});
