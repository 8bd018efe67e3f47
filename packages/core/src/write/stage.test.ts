import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { SchemaMismatchError } from '../errors.js';
import { MemoryStore } from '../storage/memory-store.js';
import { listAll } from '../storage/object-store.js';
import type { StructType } from '../protocol/schema.js';
import { foldStagedSchema, layoutActions, stageDataFiles } from './stage.js';
import { createEngine } from '../engine/engine.js';

const table = (cols: Record<string, arrow.Vector>) => new arrow.Table(cols);
const ids = (n: number) =>
  arrow.vectorFromArray(
    Array.from({ length: n }, (_, i) => BigInt(i)),
    new arrow.Int64(),
  );
const schema = (...fields: [string, string][]): StructType => ({
  type: 'struct',
  fields: fields.map(([name, type]) => ({ name, type: { type } as never, nullable: true, metadata: {} })),
});

describe('stageDataFiles', () => {
  test('writes partitioned files and returns adds without committing', async () => {
    const store = new MemoryStore('memory://stage');
    const data = table({ id: ids(4), p: arrow.vectorFromArray(['a', 'b', 'a', 'b'], new arrow.Utf8()) });
    const staged = await stageDataFiles(createEngine(store), data, { partitionColumns: ['p'] });
    expect(staged.schemaChanged).toBe(true);
    expect(staged.schema?.fields.map((f) => f.name)).toEqual(['id', 'p']);
    expect(staged.numOutputRows).toBe(4);
    expect(
      staged.adds.map((a) => a.partitionValues).sort((x, y) => String(x['p']).localeCompare(String(y['p']))),
    ).toEqual([{ p: 'a' }, { p: 'b' }]);
    expect(JSON.parse(staged.adds[0]!.stats!).numRecords).toBe(2);
    const keys = (await listAll(store, '')).map((m) => m.path);
    expect(keys.every((k) => !k.startsWith('_delta_log'))).toBe(true);
    expect(keys).toHaveLength(2);
  });

  test('empty input stages nothing; strict mismatch throws and leaves no files', async () => {
    const store = new MemoryStore('memory://stage-empty');
    const empty = await stageDataFiles(createEngine(store), (async function* () {})(), {
      partitionColumns: [],
      schema: schema(['id', 'long']),
    });
    expect(empty.adds).toEqual([]);
    expect(empty.schema?.fields.map((f) => f.name)).toEqual(['id']);
    const wide = table({ id: ids(2), extra: ids(2) });
    await expect(
      stageDataFiles(createEngine(store), wide, { partitionColumns: [], schema: schema(['id', 'long']) }),
    ).rejects.toThrow(SchemaMismatchError);
    const merged = await stageDataFiles(createEngine(store), wide, {
      partitionColumns: [],
      schema: schema(['id', 'long']),
      schemaMode: 'merge',
    });
    expect(merged.schema?.fields.map((f) => f.name)).toEqual(['id', 'extra']);
    expect((await listAll(store, '')).length).toBe(1);
  });
});

describe('foldStagedSchema / layoutActions', () => {
  test('folds fitting schemas, unions under merge, refuses type changes', () => {
    const t = schema(['id', 'long'], ['name', 'string']);
    expect(foldStagedSchema(t, schema(['id', 'long']), false)).toBe(t);
    expect(() => foldStagedSchema(t, schema(['id', 'long'], ['x', 'integer']), false)).toThrow(/new column x/);
    expect(foldStagedSchema(t, schema(['id', 'long'], ['x', 'integer']), true).fields.map((f) => f.name)).toEqual([
      'id',
      'name',
      'x',
    ]);
    expect(() => foldStagedSchema(t, schema(['id', 'string']), true)).toThrow(/column id/);
  });

  test('creates a table layout with properties, and a metaData-only change for new columns', () => {
    const s = schema(['id', 'long']);
    const created = layoutActions(undefined, s, {
      partitionColumns: [],
      properties: { 'delta.setTransactionRetentionDuration': 'interval 30 days' },
    });
    expect(created.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(created.metaData?.configuration).toEqual({ 'delta.setTransactionRetentionDuration': 'interval 30 days' });
    const base = { protocol: created.protocol!, metadata: created.metaData! };
    expect(layoutActions(base, s)).toEqual({});
    const evolved = layoutActions(base, schema(['id', 'long'], ['x', 'string']));
    expect(evolved.protocol).toBeUndefined();
    expect(evolved.metaData?.id).toBe(created.metaData?.id);
    expect(JSON.parse(evolved.metaData!.schemaString).fields).toHaveLength(2);
  });
});
