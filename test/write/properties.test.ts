/**
 * ALTER TABLE SET / UNSET TBLPROPERTIES through the SDK: protocol upgrades where a property
 * needs a feature, validation of known delta.* values, refusal of unknown delta.* keys, and
 * unset as Delta Spark does it (IF EXISTS, constraints through DROP CONSTRAINT, the protocol
 * never going down). Every table written goes through the independent validator.
 */
import { describe, expect, test } from 'vitest';
import { DeltaTable, InvalidArgumentError, WriteNotAllowedError, writeDeltaTable } from '@delta-serverless/core';
import { batch, build, commitInfo, expectError, tempDirs, validate } from './helpers.js';

const newDir = tempDirs('properties');
const rows = (ids: number[]) => batch({ id: build.long(ids.map(BigInt)) });

async function table(): Promise<{ dir: string; table: DeltaTable }> {
  const dir = newDir();
  await writeDeltaTable(dir, rows([1, 2]));
  return { dir, table: await DeltaTable.open(dir) };
}

describe('set', () => {
  test('delta.enableDeletionVectors upgrades the protocol to table features', async () => {
    const { dir, table: t } = await table();
    const snap = await t.setProperties({ 'delta.enableDeletionVectors': 'true', 'team.owner': 'data' });
    expect(snap.version).toBe(1);
    expect(snap.protocol).toMatchObject({ minReaderVersion: 3, minWriterVersion: 7 });
    expect(snap.protocol.readerFeatures).toContain('deletionVectors');
    expect(snap.protocol.writerFeatures).toEqual(
      expect.arrayContaining(['deletionVectors', 'appendOnly', 'invariants']),
    );
    expect(snap.properties).toMatchObject({ 'delta.enableDeletionVectors': 'true', 'team.owner': 'data' });
    expect(commitInfo(dir, 1)).toMatchObject({ operation: 'SET TBLPROPERTIES' });
    await validate(dir);
  });

  test('delta.enableChangeDataFeed adds the changeDataFeed feature', async () => {
    const { dir, table: t } = await table();
    const snap = await t.setProperties({ 'delta.enableChangeDataFeed': 'true' });
    expect(snap.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 4 }); // legacy writer 4 implies it
    expect(snap.properties['delta.enableChangeDataFeed']).toBe('true');
    await validate(dir);
  });

  test('delta.minWriterVersion / delta.minReaderVersion upgrade the protocol, never lower it, and are not kept', async () => {
    const { dir, table: t } = await table();
    let snap = await t.setProperties({ 'delta.minWriterVersion': '4' });
    expect(snap.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 4 });
    expect(snap.properties['delta.minWriterVersion']).toBeUndefined();
    snap = await t.setProperties({ 'delta.minWriterVersion': '3', 'team.owner': 'data' });
    expect(snap.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 4 }); // never lowered
    snap = await t.setProperties({ 'delta.minWriterVersion': '7' });
    expect(snap.protocol.minWriterVersion).toBe(7);
    expect([...snap.protocol.writerFeatures!].sort()).toEqual(
      ['appendOnly', 'changeDataFeed', 'checkConstraints', 'generatedColumns', 'invariants'].sort(),
    );
    snap = await t.setProperties({ 'delta.minReaderVersion': '3' });
    expect(snap.protocol).toMatchObject({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [] });
    await t.append(rows([3]));
    expect((await t.toArrow()).numRows).toBe(3);
    await expectError(() => t.setProperties({ 'delta.minReaderVersion': '4' }), InvalidArgumentError);
    await validate(dir);
  });

  test('a CHECK constraint cannot be set as a property: it names addConstraint', async () => {
    const { table: t } = await table();
    await expectError(
      () => t.setProperties({ 'delta.constraints.pos': 'id > 0' }),
      InvalidArgumentError,
      "addConstraint('pos', 'id > 0')",
    );
  });

  test('bad values of known keys and unknown delta.* keys are refused; nothing is committed', async () => {
    const { table: t } = await table();
    await expectError(() => t.setProperties({ 'delta.appendOnly': 'yes' }), InvalidArgumentError, 'true or false');
    await expectError(() => t.setProperties({ 'delta.logRetentionDuration': 'soon' }), InvalidArgumentError);
    await expectError(
      () => t.setProperties({ 'delta.appendOnyl': 'true' }),
      InvalidArgumentError,
      'unknown table property',
    );
    expect((await t.refresh()).version).toBe(0);
  });
});

describe('unset', () => {
  test('delta.appendOnly: set refuses overwrites naming unset; unset allows them again', async () => {
    const { dir, table: t } = await table();
    await t.setProperties({ 'delta.appendOnly': 'true' });
    const err = await expectError(() => t.overwrite(rows([3])), WriteNotAllowedError, 'append-only');
    expect(err.message).toContain("unsetProperties(['delta.appendOnly'])");
    const r = await t.unsetProperties(['delta.appendOnly']);
    expect(r).toMatchObject({ version: 2, removed: ['delta.appendOnly'] });
    expect(commitInfo(dir, 2)).toMatchObject({
      operation: 'UNSET TBLPROPERTIES',
      operationParameters: { properties: '["delta.appendOnly"]', ifExists: 'false' },
    });
    expect(t.snapshot.properties['delta.appendOnly']).toBeUndefined();
    expect(t.snapshot.protocol.minWriterVersion).toBe(2); // a protocol never goes down
    await t.overwrite(rows([3]));
    await validate(dir);
  });

  test('missing keys are refused unless ifExists; constraints and fixed keys are refused', async () => {
    const { table: t } = await table();
    await t.setProperties({ 'team.owner': 'data' });
    await expectError(() => t.unsetProperties(['nope']), InvalidArgumentError, 'has no property nope', 'team.owner');
    expect(await t.unsetProperties(['nope'], { ifExists: true })).toMatchObject({ removed: [], version: 1 });
    await t.addConstraint('c', 'id > 0');
    await expectError(() => t.unsetProperties(['delta.constraints.c']), InvalidArgumentError, "dropConstraint('c')");
    await expectError(() => t.unsetProperties([]), InvalidArgumentError, 'at least one');
    expect(t.version).toBe(2);
  });
});
