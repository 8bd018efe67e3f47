/**
 * The maintenance function checkpoints a large table in parts through workers: requests and
 * answers cross a JSON boundary as a Lambda invocation would carry them, every part is written
 * by the worker handler, and the checkpoint is committed only when every part came back.
 */
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { readLastCheckpoint } from '@delta-serverless/core/internal';
import { CheckpointPartsError } from '../errors.js';
import type { CheckpointPartInvoker, CheckpointPartRequest } from './checkpoint-parts.js';
import { createMaintenanceHandler } from './handler.js';
import { createOptimizeWorkerHandler } from './worker-handler.js';

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };
const quietMetrics = { addMetric() {}, publishStoredMetrics() {} };
const NOW = Date.UTC(2026, 11, 1);
const SCHEMA = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'day', type: 'string', nullable: true, metadata: {} },
  ],
});

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maint-cp-parts-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** 11 commits of 35 files (log only), then one removing 10: 375 active files, no checkpoint yet. */
async function table(): Promise<string> {
  const log = join(dir, '_delta_log');
  await mkdir(log, { recursive: true });
  const line = (a: unknown) => JSON.stringify(a);
  const add = (i: number) =>
    line({
      add: {
        path: `day=d${i % 3}/f${i}.parquet`,
        partitionValues: { day: `d${i % 3}` },
        size: 100 + i,
        modificationTime: NOW,
        dataChange: true,
        stats: JSON.stringify({ numRecords: 1, minValues: { id: i }, maxValues: { id: i }, nullCount: { id: 0 } }),
      },
    });
  for (let v = 0; v <= 12; v++) {
    const lines = [line({ commitInfo: { timestamp: NOW + v, operation: 'WRITE' } })];
    if (v === 0) {
      lines.push(line({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }));
      lines.push(
        line({
          metaData: {
            id: 'cp-parts',
            format: { provider: 'parquet', options: {} },
            schemaString: SCHEMA,
            partitionColumns: ['day'],
            configuration: {},
            createdTime: NOW,
          },
        }),
      );
    } else if (v < 12) {
      for (let i = (v - 1) * 35; i < v * 35; i++) lines.push(add(i));
    } else {
      for (let i = 0; i < 10; i++)
        lines.push(line({ remove: { path: `day=d${i % 3}/f${i}.parquet`, deletionTimestamp: NOW, dataChange: true } }));
      lines.push(line({ txn: { appId: 'w', version: 3, lastUpdated: NOW } }));
    }
    await writeFile(join(log, `${String(v).padStart(20, '0')}.json`), lines.join('\n') + '\n');
  }
  return dir;
}

/** The worker handler behind a JSON boundary; `fail` makes a part's invocation fail. */
function workers(fail?: (r: CheckpointPartRequest) => boolean): { invoke: CheckpointPartInvoker; parts: number[] } {
  const worker = createOptimizeWorkerHandler({ logger: quietLogger });
  const parts: number[] = [];
  const invoke: CheckpointPartInvoker = async (request) => {
    const event = JSON.parse(JSON.stringify(request)) as CheckpointPartRequest;
    parts.push(event.part);
    if (fail?.(event)) throw new CheckpointPartsError([event.part], `worker failed on part ${event.part + 1}`);
    return JSON.parse(JSON.stringify(await worker(event)));
  };
  return { invoke, parts };
}

function handler(uri: string, invoke: CheckpointPartInvoker) {
  return createMaintenanceHandler({
    tables: [{ table: uri, optimize: false, vacuum: false, cleanupLogs: false }],
    invokeCheckpointPart: invoke,
    checkpointFilesPerPart: 100,
    defaultBudgetMs: 120_000,
    safetyMarginMs: 1_000,
    minStepMs: 0,
    logger: quietLogger,
    metrics: quietMetrics,
  });
}

describe('maintenance: checkpoint in parts through workers', () => {
  test('a table over checkpointFilesPerPart gets a multi-part checkpoint, one part per worker', async () => {
    const uri = await table();
    const before = await DeltaTable.open(uri);
    const w = workers();
    const report = await handler(uri, w.invoke)();
    expect(report.tables[0]!.status).toBe('ok');
    const step = report.tables[0]!.steps.find((s) => s.step === 'checkpoint')!;
    expect(step.outcome).toBe('checkpoint at version 12 in 4 parts');
    expect(w.parts.sort()).toEqual([0, 1, 2, 3]);
    const names = (await readdir(join(uri, '_delta_log'))).filter((n) => n.includes('.checkpoint.'));
    expect(names.sort()).toEqual(
      [1, 2, 3, 4].map((i) => `${'12'.padStart(20, '0')}.checkpoint.${String(i).padStart(10, '0')}.0000000004.parquet`),
    );
    const store = before.store;
    expect(await readLastCheckpoint(store)).toMatchObject({ version: 12, parts: 4 });
    // Loaded from the parts: the same files as the JSON replay.
    const after = await DeltaTable.open(uri);
    const paths = (t: DeltaTable) =>
      t.snapshot
        .files()
        .map((f) => f.path)
        .sort();
    expect(after.snapshot.numFiles).toBe(375);
    expect(paths(after)).toEqual(paths(before));
    expect(after.snapshot.txn('w')?.version).toBe(3);
  });

  test('a failed part commits nothing: readers keep replaying the JSON commits', async () => {
    const uri = await table();
    const w = workers((r) => r.part === 2);
    const report = await handler(uri, w.invoke)();
    expect(report.tables[0]!.status).toBe('failed');
    expect(report.tables[0]!.error?.message).toMatch(/part\(s\) 3 of 4 failed/);
    const t = await DeltaTable.open(uri);
    expect(await readLastCheckpoint(t.store)).toBeUndefined();
    expect(t.snapshot.numFiles).toBe(375);
  });
});
