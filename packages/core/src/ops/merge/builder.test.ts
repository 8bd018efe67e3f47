import { describe, expect, it } from 'vitest';
import { ExpressionError, InvalidArgumentError } from '../../errors.js';
import { col, lit } from '../../expr/index.js';
import { MergeBuilder } from './builder.js';
import type { MergeSpec } from './types.js';

const builder = (on = 't.id = s.id') => new MergeBuilder<MergeSpec>({ on }, async (spec) => spec);

describe('MergeBuilder', () => {
  it('keeps the clauses in the order given, as JSON', async () => {
    const spec = await builder()
      .whenMatchedDelete("s.op = 'D'")
      .whenMatchedUpdate('all')
      .whenNotMatchedInsert({ values: { id: 's.id', note: lit('new'), qty: 0 } }, col('s.qty').gt(0))
      .whenNotMatchedBySourceUpdate({ set: { active: false } }, 't.active')
      .whenNotMatchedBySourceDelete()
      .withSchemaEvolution()
      .execute();
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    expect(spec).toEqual({
      on: 't.id = s.id',
      sourceAlias: 's',
      targetAlias: 't',
      schemaEvolution: true,
      clauses: [
        { kind: 'matched', action: 'delete', condition: "s.op = 'D'" },
        { kind: 'matched', action: 'update', assignments: 'all' },
        {
          kind: 'notMatched',
          action: 'insert',
          condition: spec.clauses[2]!.condition,
          assignments: { id: 's.id', note: "'new'", qty: '0' },
        },
        { kind: 'notMatchedBySource', action: 'update', condition: 't.active', assignments: { active: 'FALSE' } },
        { kind: 'notMatchedBySource', action: 'delete' },
      ],
    });
    expect(spec.clauses[2]!.condition).toMatch(/s\.qty.*>.*0/);
  });

  it('takes the aliases', () => {
    const spec = new MergeBuilder({ on: 'tgt.k = src.k', sourceAlias: 'src', targetAlias: 'tgt' }, async () => 0)
      .whenMatchedDelete()
      .spec();
    expect([spec.sourceAlias, spec.targetAlias]).toEqual(['src', 'tgt']);
    expect(() => new MergeBuilder({ on: 'a.k = a.k', sourceAlias: 'a', targetAlias: 'a' }, async () => 0)).toThrow(
      InvalidArgumentError,
    );
  });

  it('allows an unconditional clause only as the last of its kind (as Delta)', () => {
    expect(() => builder().whenMatchedUpdate('all').whenMatchedDelete("s.op = 'D'")).toThrow(
      /whenMatched clause without a condition must be the last whenMatched clause/,
    );
    expect(() => builder().whenNotMatchedBySourceDelete().whenNotMatchedBySourceDelete('t.x > 1')).toThrow(
      InvalidArgumentError,
    );
    // other kinds are independent
    expect(
      builder().whenMatchedUpdate('all').whenNotMatchedInsert('all').whenNotMatchedBySourceDelete().spec().clauses,
    ).toHaveLength(3);
  });

  it('rejects empty statements, empty assignments and bad SQL before running', async () => {
    await expect(builder().execute()).rejects.toThrow(/at least one clause/);
    expect(() => builder().whenMatchedUpdate({ set: {} })).toThrow(/whenMatchedUpdate needs at least one column/);
    expect(() => builder().whenMatchedDelete('s.x >')).toThrow(ExpressionError);
    expect(() => builder('t.id = ')).toThrow(ExpressionError);
    expect(() => builder().whenNotMatchedInsert({ values: { x: 's.x +' } })).toThrow(ExpressionError);
  });
});
