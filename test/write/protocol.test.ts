/**
 * The protocol a write commits: a write changes the protocol only when it needs a feature the
 * table does not support (feature sets compared, preview names honoured), `delta.feature.*`
 * properties are checked, completed with the features they require and kept out of the
 * configuration, and a table this engine upgraded stays writable by it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeltaTable, InvalidArgumentError, UnsupportedFeatureError, writeDeltaTable } from '@delta-serverless/core';
import { actionsOf, batch, build, commitVersions, expectError, tempDirs, validate } from './helpers.js';

const newDir = tempDirs('protocol');

/** A one-commit table with `protocol` and an integer column `id`, as another engine would leave it. */
function handMadeTable(
  protocol: Record<string, unknown>,
  configuration: Record<string, string> = {},
  idMetadata: Record<string, unknown> = {},
): string {
  const dir = newDir();
  const schema = { type: 'struct', fields: [{ name: 'id', type: 'integer', nullable: true, metadata: idMetadata }] };
  const actions = [
    { commitInfo: { timestamp: 1700000000000, operation: 'CREATE TABLE' } },
    { protocol },
    {
      metaData: {
        id: '5d3c8a4e-0000-4000-8000-000000000001',
        format: { provider: 'parquet', options: {} },
        schemaString: JSON.stringify(schema),
        partitionColumns: [],
        configuration,
        createdTime: 1700000000000,
      },
    },
  ];
  fs.mkdirSync(path.join(dir, '_delta_log'));
  fs.writeFileSync(
    path.join(dir, '_delta_log', '00000000000000000000.json'),
    actions.map((a) => JSON.stringify(a)).join('\n') + '\n',
  );
  return dir;
}

describe('a write changes the protocol only when it needs to', () => {
  test('an append to a typeWidening-preview table adds no stable typeWidening (no protocol action)', async () => {
    const dir = handMadeTable(
      {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['typeWidening-preview'],
        writerFeatures: ['typeWidening-preview'],
      },
      { 'delta.enableTypeWidening': 'true' },
    );
    await writeDeltaTable(dir, batch({ id: build.int([1, 2]) }), { mode: 'append' });
    expect(actionsOf(dir, 1, 'protocol')).toEqual([]);
    // Widening on that table is served by the preview feature too.
    await writeDeltaTable(dir, batch({ id: build.long([3n]) }), { mode: 'append', schemaMode: 'merge' });
    expect(actionsOf(dir, 2, 'protocol')).toEqual([]);
    expect((await DeltaTable.open(dir)).snapshot.protocol.writerFeatures).toEqual(['typeWidening-preview']);
    await validate(dir);
  });

  test('an append to a variantType-preview table keeps the protocol', async () => {
    const dir = handMadeTable({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['variantType-preview'],
      writerFeatures: ['variantType-preview'],
    });
    await writeDeltaTable(dir, batch({ id: build.int([1]) }), { mode: 'append' });
    expect(actionsOf(dir, 1, 'protocol')).toEqual([]);
  });

  test('feature lists in another order are the same protocol', async () => {
    const dir = handMadeTable({
      minReaderVersion: 1,
      minWriterVersion: 7,
      writerFeatures: ['invariants', 'appendOnly'],
    });
    await writeDeltaTable(dir, batch({ id: build.int([1]) }), { mode: 'append' });
    await writeDeltaTable(dir, batch({ x: build.string(['a']) }), { mode: 'append', schemaMode: 'merge' });
    expect(actionsOf(dir, 1, 'protocol')).toEqual([]);
    expect(actionsOf(dir, 2, 'protocol')).toEqual([]);
    expect(actionsOf(dir, 2, 'metaData')).toHaveLength(1);
  });

  test('a needed feature is added to the lists as they are, in their order', async () => {
    const dir = handMadeTable({
      minReaderVersion: 1,
      minWriterVersion: 7,
      writerFeatures: ['invariants', 'appendOnly'],
    });
    await writeDeltaTable(dir, batch({ ts: build.timestampNtz([1n]) }), { mode: 'append', schemaMode: 'merge' });
    expect(actionsOf(dir, 1, 'protocol')).toEqual([
      {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['timestampNtz'],
        writerFeatures: ['invariants', 'appendOnly', 'timestampNtz'],
      },
    ]);
  });
});

describe('delta.feature.<name>=supported', () => {
  test('an unknown feature is refused, naming it', async () => {
    const dir = newDir();
    await expectError(
      () =>
        writeDeltaTable(dir, batch({ id: build.int([1]) }), {
          properties: { 'delta.feature.fancyStuff': 'supported' },
        }),
      InvalidArgumentError,
      'delta.feature.fancyStuff',
      'not a Delta table feature',
    );
    expect(fs.existsSync(path.join(dir, '_delta_log', '00000000000000000000.json'))).toBe(false);
  });

  test('a feature this engine cannot write, or one it requires, is refused', async () => {
    const dir = newDir();
    await expectError(
      () =>
        writeDeltaTable(dir, batch({ id: build.int([1]) }), {
          properties: { 'delta.feature.rowTracking': 'supported' },
        }),
      InvalidArgumentError,
      'rowTracking',
      'cannot write',
    );
    expect(fs.existsSync(path.join(dir, '_delta_log', '00000000000000000000.json'))).toBe(false);
  });

  test('required features are added, and the property is not kept in the configuration', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([1]) }), {
      properties: { 'delta.feature.icebergCompatV2': 'supported', 'delta.feature.domainMetadata': 'supported' },
    });
    const [protocol] = actionsOf<{ writerFeatures: string[]; readerFeatures?: string[] }>(dir, 0, 'protocol');
    expect(new Set(protocol!.writerFeatures)).toEqual(new Set(['columnMapping', 'domainMetadata', 'icebergCompatV2']));
    const [meta] = actionsOf<{ configuration: Record<string, string> }>(dir, 0, 'metaData');
    expect(Object.keys(meta!.configuration).filter((k) => k.startsWith('delta.feature.'))).toEqual([]);
    // The table stays writable (icebergCompatV2 is supported but not enabled).
    await writeDeltaTable(dir, batch({ id: build.int([2]) }), { mode: 'append' });
    await validate(dir);
  });

  test('delta.minWriterVersion / delta.minReaderVersion set the protocol and are not kept', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([1]) }), {
      properties: { 'delta.minWriterVersion': '4', 'delta.minReaderVersion': '1' },
    });
    expect(actionsOf(dir, 0, 'protocol')).toEqual([{ minReaderVersion: 1, minWriterVersion: 4 }]);
    const [meta] = actionsOf<{ configuration: Record<string, string> }>(dir, 0, 'metaData');
    expect(meta!.configuration).toEqual({});
  });
});

describe('a table this engine upgraded stays writable', () => {
  test('a column-mapping (2,5) table gaining timestamp_ntz moves to (3,7) and takes appends', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([1]) }), { properties: { 'delta.columnMapping.mode': 'name' } });
    expect(actionsOf(dir, 0, 'protocol')).toEqual([{ minReaderVersion: 2, minWriterVersion: 5 }]);
    await writeDeltaTable(dir, batch({ id: build.int([2]), ts: build.timestampNtz([5n]) }), {
      mode: 'append',
      schemaMode: 'merge',
    });
    const [p1] = actionsOf<{ writerFeatures: string[] }>(dir, 1, 'protocol');
    expect(p1!.writerFeatures).toEqual(expect.arrayContaining(['generatedColumns', 'columnMapping', 'timestampNtz']));
    await writeDeltaTable(dir, batch({ id: build.int([3]), ts: build.timestampNtz([6n]) }), { mode: 'append' });
    const t = await DeltaTable.open(dir);
    await t.optimize();
    expect(commitVersions(dir).length).toBeGreaterThanOrEqual(3);
    await validate(dir);
  });

  test('a supported feature the table uses and this engine cannot enforce still refuses the write', async () => {
    const legacy = handMadeTable(
      { minReaderVersion: 1, minWriterVersion: 4 },
      {},
      { 'delta.generationExpression': '1' },
    );
    await expectError(
      () => writeDeltaTable(legacy, batch({ id: build.int([1]) }), { mode: 'append' }),
      UnsupportedFeatureError,
      'generatedColumns',
      'uses it',
    );
    const listed = handMadeTable(
      { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['identityColumns'] },
      {},
      { 'delta.identity.start': 1, 'delta.identity.step': 1 },
    );
    await expectError(
      () => writeDeltaTable(listed, batch({ id: build.int([1]) }), { mode: 'append' }),
      UnsupportedFeatureError,
      'identityColumns',
    );
    const unused = handMadeTable({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['identityColumns'] });
    await writeDeltaTable(unused, batch({ id: build.int([1]) }), { mode: 'append' });
    expect(commitVersions(unused)).toEqual([0, 1]);
  });
});

describe('delta.feature.<name>=supported through setProperties', () => {
  test('unknown refused; required features added; the property not kept in the configuration', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([1]) }));
    const t = await DeltaTable.open(dir);
    await expectError(
      () => t.setProperties({ 'delta.feature.fancyStuff': 'supported' }),
      InvalidArgumentError,
      'not a Delta table feature',
    );
    await t.setProperties({ 'delta.feature.icebergCompatV2': 'supported' });
    const last = Math.max(...commitVersions(dir));
    const [protocol] = actionsOf<{ writerFeatures: string[] }>(dir, last, 'protocol');
    expect(protocol!.writerFeatures).toEqual(expect.arrayContaining(['icebergCompatV2', 'columnMapping']));
    const [meta] = actionsOf<{ configuration: Record<string, string> }>(dir, last, 'metaData');
    expect(Object.keys(meta!.configuration).filter((k) => k.startsWith('delta.feature.'))).toEqual([]);
    await writeDeltaTable(dir, batch({ id: build.int([2]) }), { mode: 'append' });
    await validate(dir);
  });
});
