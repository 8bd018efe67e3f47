/**
 * A table whose protocol requires a writer feature this engine does not know is refused by
 * every writing operation (append, checkpoint, cleanup-logs, VACUUM, OPTIMIZE, RESTORE, DELETE,
 * UPDATE, SET TBLPROPERTIES), by the CLI and by the maintenance handler, before anything is
 * written; reads still work.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DeltaTable, LocalStore, UnsupportedFeatureError, writeDeltaTable } from '@delta-serverless/core';
import { commitPath, serializeActions, writeCheckpoint } from '@delta-serverless/core/internal';
import { runMaintenance } from '../../packages/lambda/src/maintenance/run.js';
import { runCli as cli } from '../support/cli.js';
import { tempDirs, validate } from './helpers.js';
import { validatedDirs } from '../support/validate-written.js';

// Every table these tests write goes through the independent validator after the test.
const dirs = validatedDirs(tempDirs('features'));
const newDir = dirs.dir;

/** Every file under `dir` with its size and mtime: any write shows. */
function snapshotFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .map((f) => `${path.relative(dir, f)} ${fs.statSync(f).size} ${fs.statSync(f).mtimeMs}`)
    .sort();
}

/** Four small appends, then a commit that requires writer feature someUnknownFeature. */
async function table(): Promise<string> {
  const dir = newDir();
  const properties = { 'delta.checkpointInterval': '2' }; // maintenance finds a checkpoint due
  for (let i = 0; i < 4; i++)
    await writeDeltaTable(
      dir,
      arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(i)]) }),
      i === 0 ? { properties } : {},
    );
  await validate(dir); // our four appends
  // From here on the table requires a writer feature nobody knows: valid for a newer writer, so
  // the validator only warns, and checks the rest; the tests check that every refused
  // operation leaves its files untouched.
  dirs.exempt(dir, 'the unknown writer feature someUnknownFeature is a warning', { failOnWarnings: false });
  const protocol = { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['someUnknownFeature'] };
  await new LocalStore(dir).put(commitPath(4), serializeActions([{ protocol }]));
  return dir;
}

const REFUSAL = /requires writer feature "someUnknownFeature" \(this writer feature is unknown to delta-serverless\)/;

describe('a table with an unknown writer feature', () => {
  it('every SDK writing operation refuses it and writes nothing; reads work', async () => {
    const dir = await table();
    const before = snapshotFiles(dir);
    const t = await DeltaTable.open(dir);
    const far = Date.now() + 400 * 86_400_000;
    const ops: [string, () => Promise<unknown>][] = [
      ['append', () => t.append(arrow.tableFromArrays({ id: BigInt64Array.from([9n]) }))],
      ['checkpoint', () => t.checkpoint()],
      ['writeCheckpoint', () => writeCheckpoint(t.snapshot.engine, t.snapshot.state)],
      ['cleanupLogs', () => t.cleanupLogs({ now: far })],
      ['vacuum lite', () => t.vacuum({ retentionHours: 0, enforceRetention: false })],
      ['vacuum full', () => t.vacuum({ mode: 'full', retentionHours: 0, enforceRetention: false })],
      ['vacuum dry run', () => t.vacuum({ dryRun: true })],
      ['optimize', () => t.optimize()],
      ['restore', () => t.restore({ version: 1 })],
      ['delete', () => t.delete('id = 1')],
      ['delete everything', () => t.delete()],
      ['update', () => t.update({ where: 'id = 1', set: { id: 5 } })],
      ['setProperties', () => t.setProperties({ 'delta.enableChangeDataFeed': 'true' })],
    ];
    for (const [name, op] of ops) {
      const err = await op().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(UnsupportedFeatureError);
      expect((err as Error).message, name).toMatch(REFUSAL);
    }
    expect(snapshotFiles(dir)).toEqual(before);
    expect((await t.toArrow()).numRows).toBe(4);
  });

  it('the CLI refuses checkpoint, cleanup-logs, vacuum, optimize, restore, delete and update with exit code 1', async () => {
    const dir = await table();
    const before = snapshotFiles(dir);
    for (const argv of [
      ['checkpoint', dir],
      ['cleanup-logs', dir],
      ['vacuum', dir, '--retain', '0', '--force'],
      ['optimize', dir],
      ['restore', dir, '--version', '1'],
      ['delete', dir, '--where', 'id = 1'],
      ['update', dir, '--set', 'id = 5', '--where', 'id = 1'],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv[0]).toBe(1);
      expect(r.err, argv[0]).toMatch(REFUSAL);
    }
    expect(snapshotFiles(dir)).toEqual(before);
  });

  it('the maintenance run fails the table at its first step, naming the feature, and writes nothing', async () => {
    const dir = await table();
    const before = snapshotFiles(dir);
    const options = {
      storeFor: (uri: string) => new LocalStore(uri),
      deadline: Date.now() + 120_000,
      now: () => Date.now() + 400 * 86_400_000,
    };
    // Each step alone, then all of them: checkpoint (due), OPTIMIZE, VACUUM, log cleanup.
    const only = { checkpoint: false, optimize: false, vacuum: false, cleanupLogs: false } as const;
    for (const policy of [
      { ...only, checkpoint: true },
      { ...only, optimize: {} },
      { ...only, vacuum: { mode: 'full' as const, retentionHours: 1 } },
      { ...only, cleanupLogs: true },
      { checkpoint: true, cleanupLogs: true },
    ]) {
      const report = await runMaintenance([{ table: dir, ...policy }], options);
      expect(report.tables[0]!.status, JSON.stringify(policy)).toBe('failed');
      expect(report.tables[0]!.error?.message).toMatch(REFUSAL);
    }
    expect(snapshotFiles(dir)).toEqual(before);
  });
});
