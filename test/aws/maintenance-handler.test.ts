/**
 * The scheduled maintenance handler on S3 (embedded tier, real HTTP): checkpoint when due,
 * OPTIMIZE fanned out to optimize-worker invocations (JSON across the boundary, as Lambda
 * would carry it) with one commit at the end, VACUUM and log cleanup; a broken table does
 * not stop the others; a worker failure costs only its bins; a run out of time defers tables
 * and the next run starts with them.
 */
import * as arrow from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable, type StorageOptions } from '@delta-serverless/core';
import { readLastCheckpoint } from '@delta-serverless/core/internal';
import {
  createMaintenanceHandler,
  createOptimizeWorkerHandler,
  type OptimizeWorkerRequest,
  type WorkerInvoker,
} from '@delta-serverless/lambda';
import { newBucket, putText } from '../services/index.js';
import { freshStorageOptions, validateS3Table } from './fixtures/s3-tables.js';

const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };
const quietMetrics = { addMetric() {}, publishStoredMetrics() {} };

let bucket = '';
let storageOptions: StorageOptions = {};

function rows(start: number, n: number, day: string): arrow.Table {
  return arrow.tableFromArrays({
    id: BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i)),
    day: Array.from({ length: n }, () => day),
    v: Float64Array.from({ length: n }, (_, i) => (start + i) / 10),
  });
}

/** A table with `appends` small files in two partitions, hooks off (no checkpoint yet). */
async function smallFilesTable(name: string, appends: number): Promise<string> {
  const uri = `s3://${bucket}/tables/${name}`;
  const t = await DeltaTable.create(uri, {
    schema: rows(0, 1, 'x').schema,
    partitionBy: ['day'],
    storageOptions,
  });
  for (let i = 0; i < appends; i++) {
    await t.append(rows(i * 100, 100, i % 2 === 0 ? '2026-11-01' : '2026-11-02'), { postCommitHooks: false });
  }
  return uri;
}

/** The ids at `version` (default latest, after the independent validator has checked the table). */
async function ids(uri: string, version?: number): Promise<number[]> {
  if (version === undefined) await validateS3Table({ bucket, prefix: uri.slice(`s3://${bucket}/`.length) });
  const t = await DeltaTable.open(uri, { storageOptions, ...(version !== undefined ? { version } : {}) });
  const out: number[] = [];
  for (const b of (await t.toArrow({ columns: ['id'] })).batches)
    for (const v of b.getChild('id')!) out.push(Number(v));
  return out.sort((a, b) => a - b);
}

/** The worker side behind a JSON boundary, counting invocations; `failOn` makes one group fail. */
function localWorkers(failOn?: (r: OptimizeWorkerRequest) => boolean): { invoke: WorkerInvoker; calls: number } {
  const worker = createOptimizeWorkerHandler({ storageOptions });
  const state = {
    calls: 0,
    invoke: (async (request) => {
      state.calls++;
      if (failOn?.(request)) throw new Error('worker crashed');
      const response = await worker(JSON.parse(JSON.stringify(request)));
      return JSON.parse(JSON.stringify(response));
    }) as WorkerInvoker,
  };
  return state;
}

beforeAll(async () => {
  bucket = await newBucket('ds-maint');
  storageOptions = await freshStorageOptions('dynamodb');
});

describe('maintenance handler on S3', () => {
  test('checkpoint, fanned-out OPTIMIZE (one commit), VACUUM, log cleanup; a broken table does not stop the rest', async () => {
    const good = await smallFilesTable('good', 24);
    const before = await ids(good);
    const versionBefore = (await DeltaTable.open(good, { storageOptions })).version;
    // A table whose only commit is garbage.
    await putText(bucket, 'tables/broken/_delta_log/00000000000000000000.json', 'not json\n');
    const workers = localWorkers();
    const eightDays = Date.now() + 8 * 24 * 3600_000;
    const handler = createMaintenanceHandler({
      tables: [`s3://${bucket}/tables/broken`, { table: good, optimize: { binsPerWorker: 1, fanOutMinBins: 1 } }],
      storageOptions,
      invokeWorker: workers.invoke,
      minStepMs: 0,
      now: () => eightDays,
      logger: quietLogger,
      metrics: quietMetrics,
    });
    const report = await handler({});

    const [broken, ok] = report.tables;
    expect(broken!.status).toBe('failed');
    expect(broken!.error?.message).toBeTruthy();
    expect(ok!.status).toBe('ok');
    expect(ok!.steps.map((s) => s.step)).toEqual(['checkpoint', 'optimize', 'vacuum', 'cleanupLogs']);
    expect(ok!.steps[0]!.outcome).toMatch(/checkpoint at version 24/);
    // Two partitions -> two bins -> two worker invocations, one OPTIMIZE commit.
    expect(workers.calls).toBe(2);
    expect(ok!.steps[1]!.metrics).toMatchObject({
      numFilesRemoved: 24,
      numFilesAdded: 2,
      workers: 2,
      workersFailed: 0,
    });

    const t = await DeltaTable.open(good, { storageOptions });
    const history = await t.history();
    const ops = history.map((h) => h.operation);
    // Newest first: VACUUM END, VACUUM START, OPTIMIZE, then the writes.
    expect(ops.slice(0, 3)).toEqual(['VACUUM END', 'VACUUM START', 'OPTIMIZE']);
    expect(history[2]!.version).toBe(versionBefore + 1);
    expect(t.snapshot.numFiles).toBe(2);
    expect(await ids(good)).toEqual(before);
    expect((await readLastCheckpoint(t.store))?.version).toBeGreaterThanOrEqual(24);
    // VACUUM ran with the clock 8 days ahead: the 24 small files are gone, so the
    // pre-OPTIMIZE version no longer reads, with the clear error.
    expect(ok!.steps[2]!.metrics?.['numFilesDeleted']).toBe(24);
    await expect(ids(good, versionBefore)).rejects.toThrow(/VACUUM/);

    // A second run: nothing left to compact, no new OPTIMIZE commit.
    const again = await handler({});
    expect(again.tables[1]!.steps[1]!.outcome).toBe('nothing to compact');
  });

  test('a failed worker costs only its bins; the next run compacts them', async () => {
    const uri = await smallFilesTable('worker-fail', 12);
    const before = await ids(uri);
    const failing = localWorkers((r) => r.bins.some((b) => b.partitionValues['day'] === '2026-11-02'));
    const run = (invoke: WorkerInvoker) =>
      createMaintenanceHandler({
        tables: [{ table: uri, vacuum: false, checkpoint: false, optimize: { fanOutMinBins: 1 } }],
        storageOptions,
        invokeWorker: invoke,
        minStepMs: 0,
        logger: quietLogger,
        metrics: quietMetrics,
      })({});
    const first = await run(failing.invoke);
    expect(first.tables[0]!.steps[0]!.metrics).toMatchObject({ workers: 2, workersFailed: 1, numFilesRemoved: 6 });
    expect(first.tables[0]!.status).toBe('partial');
    expect((await DeltaTable.open(uri, { storageOptions })).snapshot.numFiles).toBe(7);
    const second = await run(localWorkers().invoke);
    expect(second.tables[0]!.steps[0]!.metrics).toMatchObject({ numFilesRemoved: 6, numFilesAdded: 1, workers: 1 });
    expect((await DeltaTable.open(uri, { storageOptions })).snapshot.numFiles).toBe(2);
    expect(await ids(uri)).toEqual(before);
  });

  test('out of time: tables are deferred and the next run starts with them', async () => {
    const a = await smallFilesTable('budget-a', 4);
    const b = await smallFilesTable('budget-b', 4);
    const workers = localWorkers();
    const handler = createMaintenanceHandler({
      tables: [a, b],
      storageOptions,
      invokeWorker: workers.invoke,
      logger: quietLogger,
      metrics: quietMetrics,
    });
    // 50 s left, 60 s safety margin: nothing may start.
    const starved = await handler({}, { getRemainingTimeInMillis: () => 50_000 });
    expect(starved.tables.map((t) => t.status)).toEqual(['deferred', 'deferred']);
    expect(starved.resumeAt).toBe(0);
    // Enough time for exactly the first table's steps is hard to arrange; a normal run does both.
    const full = await handler({}, { getRemainingTimeInMillis: () => 15 * 60_000 });
    expect(full.tables.map((t) => [t.table, t.status])).toEqual([
      [a, 'ok'],
      [b, 'ok'],
    ]);
    expect((await DeltaTable.open(a, { storageOptions })).snapshot.numFiles).toBe(2);
    // Two bins each, under the default fan-out threshold (4 bins): compacted in-process.
    expect(workers.calls).toBe(0);
  });

  test('a table that does not exist yet is skipped, not failed', async () => {
    const report = await createMaintenanceHandler({
      tables: [`s3://${bucket}/tables/not-yet`],
      storageOptions,
      minStepMs: 0,
      logger: quietLogger,
      metrics: quietMetrics,
    })({});
    expect(report.tables[0]!.status).toBe('skipped');
  });
});
