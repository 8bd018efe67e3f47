/**
 * OPTIMIZE fan-out under the maintenance function's deadline (real handlers, embedded S3):
 * the run stops dispatching near its deadline, gives up on a worker that has not answered,
 * commits what finished and leaves the rest, which the next run compacts; a worker answering
 * after the commit has its files deleted. The worker starts no bin it cannot finish by its
 * deadline, and a failed clean-up of its output is logged with the paths (not swallowed).
 */
import * as arrow from 'apache-arrow';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable, type StorageOptions } from '@delta-serverless/core';
import {
  createMaintenanceHandler,
  createOptimizeWorkerHandler,
  type OptimizeWorkerRequest,
  type OptimizeWorkerResponse,
  type WorkerInvoker,
} from '@delta-serverless/lambda';
import { listKeys, newBucket, services } from '../services/index.js';
import { freshStorageOptions } from './fixtures/s3-tables.js';
import { PASS, startFaultProxy, type FaultAction, type FaultProxy } from './support/fault-proxy.js';
import { Recorder } from './support/ingest.js';
import { assertValidStoreTable } from '../support/validate-store.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const noMetrics = { addMetric() {}, publishStoredMetrics() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let bucket = '';
let storageOptions: StorageOptions = {};
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  bucket = await newBucket('ds-deadline');
  storageOptions = await freshStorageOptions('conditional');
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
});

/** `partitions` partitions of two small files each: one OPTIMIZE bin per partition. */
async function table(name: string, partitions: number): Promise<string> {
  const uri = `s3://${bucket}/tables/${name}`;
  const rows = (start: number, day: string) =>
    arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(start), BigInt(start + 1)]), day: [day, day] });
  const t = await DeltaTable.create(uri, { schema: rows(0, 'x').schema, partitionBy: ['day'], storageOptions });
  for (let p = 0; p < partitions; p++)
    for (let f = 0; f < 2; f++) await t.append(rows(p * 100 + f * 10, `d${p}`), { postCommitHooks: false });
  return uri;
}

/** Data files under the table (MinIO listing), relative to its root. */
async function dataFiles(uri: string): Promise<string[]> {
  const prefix = uri.slice(`s3://${bucket}/`.length) + '/';
  return (await listKeys(bucket, prefix))
    .filter((k) => k.endsWith('.parquet') && !k.includes('_delta_log'))
    .map((k) => k.slice(prefix.length));
}

/** Data files written since `before` that the latest snapshot does not reference. */
async function orphans(uri: string, before: readonly string[]): Promise<string[]> {
  const t = await DeltaTable.open(uri, { storageOptions });
  const known = new Set([...before, ...t.snapshot.files().map((f) => decodeURIComponent(f.path))]);
  return (await dataFiles(uri)).filter((k) => !known.has(k));
}

/** The real worker behind a JSON boundary: it starts `delayMs` late and its answer takes `returnMs`. */
function slowWorkers(delayMs: number, returnMs = 0): { invoke: WorkerInvoker; calls: number } {
  const worker = createOptimizeWorkerHandler({ storageOptions, logger: quiet });
  const state = {
    calls: 0,
    invoke: (async (request) => {
      state.calls++;
      await sleep(delayMs);
      const answer = JSON.stringify(await worker(JSON.parse(JSON.stringify(request))));
      await sleep(returnMs);
      return JSON.parse(answer) as OptimizeWorkerResponse;
    }) as WorkerInvoker,
  };
  return state;
}

describe('fan-out under the deadline', () => {
  test('stops dispatching near the deadline, commits what finished; the next run does the rest', async () => {
    const uri = await table('dispatch', 6);
    const before = await dataFiles(uri);
    expect(before).toHaveLength(12);
    const workers = slowWorkers(700);
    const run = (remainingMs: number, invoke: WorkerInvoker) =>
      createMaintenanceHandler({
        tables: [
          {
            table: uri,
            checkpoint: false,
            vacuum: false,
            cleanupLogs: false,
            optimize: { fanOutMinBins: 1, maxWorkers: 1 },
          },
        ],
        storageOptions,
        invokeWorker: invoke,
        safetyMarginMs: 0,
        minStepMs: 500,
        logger: quiet,
        metrics: noMetrics,
      })({}, { getRemainingTimeInMillis: () => remainingMs });
    // 3 s left, 0.5 s kept for the commit: ~2.5 s of 0.7 s worker calls, one at a time.
    const first = await run(3_000, async (r) => workers.invoke({ ...r }));
    const step = first.tables[0]!.steps[0]!;
    expect(first.tables[0]!.status).toBe('partial');
    expect(step.metrics!['numFilesRemoved']).toBeGreaterThanOrEqual(2);
    expect(step.metrics!['numFilesRemoved']).toBeLessThan(12);
    expect(step.metrics!['binsNotRun']).toBeGreaterThan(0);
    expect(workers.calls).toBeLessThan(6);
    // Whatever a given-up worker wrote is deleted when it answers: no orphans.
    await sleep(1_000);
    expect(await orphans(uri, before)).toEqual([]);

    const second = await run(60_000, slowWorkers(0).invoke);
    expect(second.tables[0]!.status).toBe('ok');
    const t = await DeltaTable.open(uri, { storageOptions });
    expect(t.snapshot.numFiles).toBe(6);
    await assertValidStoreTable(t.store);
    expect((await t.history()).filter((h) => h.operation === 'OPTIMIZE')).toHaveLength(2);
  });

  test('a worker that has not answered by the deadline is given up; when it answers, its files are deleted', async () => {
    const uri = await table('late', 3);
    const before = await dataFiles(uri);
    const ok = slowWorkers(0);
    const late = slowWorkers(0, 3_500); // does its bin at once, but the answer comes back too late
    const isLate = (r: OptimizeWorkerRequest) => r.bins.some((b) => b.partitionValues['day'] === 'd1');
    const rec = new Recorder();
    const started = Date.now();
    const report = await createMaintenanceHandler({
      tables: [{ table: uri, checkpoint: false, vacuum: false, cleanupLogs: false, optimize: { fanOutMinBins: 1 } }],
      storageOptions,
      invokeWorker: (r) => (isLate(r) ? late.invoke(r) : ok.invoke(r)),
      safetyMarginMs: 0,
      minStepMs: 500,
      logger: rec,
      metrics: noMetrics,
    })({}, { getRemainingTimeInMillis: () => 3_000 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(report.tables[0]!.steps[0]!.metrics).toMatchObject({ numFilesRemoved: 4, workers: 3, workersFailed: 1 });
    expect((await DeltaTable.open(uri, { storageOptions })).snapshot.numFiles).toBe(4);
    // The late worker answers after the commit: its file is written, then deleted.
    for (let i = 0; i < 50 && !rec.logs.some((l) => l.message.startsWith('optimize worker answered after')); i++)
      await sleep(100);
    const lateLog = rec.logs.find((l) => l.message.startsWith('optimize worker answered after'));
    expect(lateLog?.extra['deleted']).toBe(1);
    expect(await orphans(uri, before)).toEqual([]);
    await assertValidStoreTable((await DeltaTable.open(uri, { storageOptions })).store);
  });
});

describe('the optimize worker', () => {
  /** A request for every bin of the table, as the maintenance function would send it. */
  async function request(uri: string): Promise<OptimizeWorkerRequest> {
    const { planOptimize } = await import('@delta-serverless/core');
    const plan = planOptimize((await DeltaTable.open(uri, { storageOptions })).snapshot, {});
    return { kind: 'optimize-bins', context: plan.context, bins: plan.bins };
  }

  test('starts no bin it cannot finish by the deadline (its own or the request’s) and writes nothing', async () => {
    const uri = await table('worker-deadline', 2);
    const worker = createOptimizeWorkerHandler({ storageOptions, logger: quiet });
    const req = await request(uri);
    const before = await dataFiles(uri);
    const late = await worker({ ...req, deadline: Date.now() - 1 });
    expect(late.results).toEqual([]);
    expect(late.notRun!.sort()).toEqual(req.bins.map((b) => b.id).sort());
    // Its own Lambda timeout: 3 s left is within the 5 s it keeps to answer.
    const own = await worker(req, { getRemainingTimeInMillis: () => 3_000 });
    expect(own.results).toEqual([]);
    expect(await orphans(uri, before)).toEqual([]);
    const inTime = await worker({ ...req, deadline: Date.now() + 60_000 });
    expect(inTime.results).toHaveLength(2);
  });

  test('a bin that fails: the files of the other bins are deleted; a failed delete is logged with the paths', async () => {
    const uri = await table('worker-cleanup', 2);
    const req = await request(uri);
    const s3 = await startFaultProxy(services().s3Endpoint, 's3');
    proxies.push(s3);
    const failedBin = req.bins[1]!;
    const unreadable = decodeURIComponent(failedBin.files[0]!.path);
    const denied: FaultAction = { kind: 'status', status: 403, code: 'AccessDenied', message: 'Access Denied' };
    const broken: FaultAction = { kind: 'status', status: 404, code: 'NoSuchKey', message: 'gone' };
    // The second bin's input is gone; the clean-up delete of the first bin's output is refused
    // (what S3 answers a role without s3:DeleteObject).
    s3.decide = (q) => (q.kind === 'delete-objects' ? denied : q.key?.endsWith(unreadable) ? broken : PASS);
    const rec = new Recorder();
    const worker = createOptimizeWorkerHandler({
      storageOptions: { ...storageOptions, AWS_ENDPOINT_URL_S3: s3.endpoint },
      logger: rec,
    });
    await expect(worker({ ...req, maxConcurrentBins: 1 })).rejects.toThrow();
    const logged = rec.logs.find((l) => l.level === 'error');
    expect(logged?.message).toMatch(/could not delete files of a failed bin/);
    expect((logged?.extra['paths'] as string[]).length).toBeGreaterThan(0);
    expect(logged?.extra['reason']).toMatch(/access denied/i);
    expect(s3.log.some((e) => e.kind === 'delete-objects')).toBe(true);
  });
});
