/**
 * Overlapping maintenance runs without reserved concurrency: each table is maintained under a
 * lease kept in its own store (maintenance/lease.ts), on S3 with either commit coordinator.
 * Racing claims: exactly one wins. An expired or released lease is taken over. A claim made on
 * a stale listing backs off. Two overlapping runs of the real handler: the second finds the
 * table busy and commits nothing; one OPTIMIZE lands.
 */
import * as arrow from 'apache-arrow';
import { beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable, type StorageOptions } from '@delta-serverless/core';
import { listAll } from '@delta-serverless/core/internal';
import {
  acquireLease,
  claimLease,
  createMaintenanceHandler,
  lastLeaseTime,
  createOptimizeWorkerHandler,
  LEASE_DIR,
  tableStores,
  type OptimizeWorkerResponse,
  type WorkerInvoker,
} from '@delta-serverless/lambda';
import { newBucket } from '../services/index.js';
import { COORDINATORS, freshStorageOptions } from './fixtures/s3-tables.js';
import { assertValidStoreTable } from '../support/validate-store.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const noMetrics = { addMetric() {}, publishStoredMetrics() {} };
const MINUTE = 60_000;

let bucket = '';
beforeAll(async () => {
  bucket = await newBucket('ds-lease');
});

const rows = (start: number, day: string) =>
  arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(start), BigInt(start + 1)]), day: [day, day] });

/** A table with four small files in two partitions. */
async function smallFiles(name: string, storageOptions: StorageOptions): Promise<string> {
  const uri = `s3://${bucket}/tables/${name}`;
  const t = await DeltaTable.create(uri, { schema: rows(0, 'x').schema, partitionBy: ['day'], storageOptions });
  for (let i = 0; i < 4; i++) await t.append(rows(i * 10, i % 2 ? 'b' : 'a'), { postCommitHooks: false });
  return uri;
}

describe.each(COORDINATORS)('maintenance lease (%s)', (coordinator) => {
  let storageOptions: StorageOptions;
  beforeAll(async () => {
    storageOptions = await freshStorageOptions(coordinator);
  });
  const store = (uri: string) => tableStores(undefined, storageOptions)(uri);

  test('eight racing runs: exactly one takes the lease; the others see it held', async () => {
    const s = store(`s3://${bucket}/tables/race-${coordinator}`);
    const until = Date.now() + 10 * MINUTE;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => acquireLease(s, { owner: `run-${i}`, expiresAt: until })),
    );
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const owner = winners[0]!.acquired ? winners[0]!.lease.state.owner : '';
    for (const r of results.filter((x) => !x.acquired)) expect(r.acquired ? '' : r.holder?.owner).toBe(owner);
  });

  test('an expired lease (a run that died) and a released one are taken over; old leases are tidied', async () => {
    const s = store(`s3://${bucket}/tables/takeover-${coordinator}`);
    let now = Date.now();
    const first = await acquireLease(s, { owner: 'died', expiresAt: now + MINUTE, now: () => now });
    expect(first.acquired).toBe(true);
    expect((await acquireLease(s, { owner: 'next', expiresAt: now + 2 * MINUTE, now: () => now })).acquired).toBe(
      false,
    );
    now += MINUTE + 1; // the first holder's hard deadline has passed
    const second = await acquireLease(s, { owner: 'next', expiresAt: now + MINUTE, now: () => now });
    expect(second.acquired).toBe(true);
    if (second.acquired) await second.lease.release();
    const third = await acquireLease(s, { owner: 'third', expiresAt: now + MINUTE, now: () => now });
    expect(third.acquired).toBe(true); // released: free at once
    const keys = (await listAll(s, LEASE_DIR)).map((m) => m.path);
    expect(keys).toEqual([`${LEASE_DIR}00000000000000000001.json`, `${LEASE_DIR}00000000000000000002.json`]);
  });

  test('a claim made on a stale listing (its number was tidied away) backs off', async () => {
    const s = store(`s3://${bucket}/tables/stale-${coordinator}`);
    const now = Date.now();
    for (let i = 0; i < 4; i++) {
      const r = await acquireLease(s, { owner: `r${i}`, expiresAt: now + MINUTE });
      if (r.acquired) await r.lease.release();
    }
    // Lease 1 was deleted by the tidy-up; a run that listed before then would claim it now.
    const late = await claimLease(s, 1, { owner: 'late', acquiredAt: now, expiresAt: now + MINUTE });
    expect(late).toBeUndefined();
    const numbers = (await listAll(s, LEASE_DIR)).map((m) => Number(m.path.slice(LEASE_DIR.length, -5)));
    expect(numbers).toEqual([2, 3]);
  });

  test('tables go least recently maintained first, so a new container resumes with the deferred ones', async () => {
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((n) => smallFiles(`order-${n}-${coordinator}`, storageOptions)),
    );
    const now = Date.now();
    // b was maintained an hour ago, a a minute ago, c never (its run was deferred).
    for (const [uri, at] of [
      [b, now - 60 * MINUTE],
      [a, now - MINUTE],
    ] as const) {
      const r = await acquireLease(store(uri), { owner: 'earlier', expiresAt: at + MINUTE, now: () => at });
      if (r.acquired) await r.lease.release();
    }
    const report = await createMaintenanceHandler({
      tables: [a, b, c].map((table) => ({
        table,
        checkpoint: false,
        optimize: false as const,
        vacuum: false as const,
      })),
      storageOptions,
      minStepMs: 0,
      logger: quiet,
      metrics: noMetrics,
    })({}, { getRemainingTimeInMillis: () => 10 * MINUTE });
    expect(report.tables.map((t) => t.table)).toEqual([c, b, a]);
    expect(await lastLeaseTime(store(c))).toBeGreaterThanOrEqual(now);
  });

  test('two overlapping runs of the handler: the second finds the table busy; one OPTIMIZE lands', async () => {
    const uri = await smallFiles(`overlap-${coordinator}`, storageOptions);
    const worker = createOptimizeWorkerHandler({ storageOptions, logger: quiet });
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((r) => (releaseFirst = r));
    let firstStarted!: () => void;
    const started = new Promise<void>((r) => (firstStarted = r));
    // The first run's workers wait until the second run is over: the runs overlap on the table.
    const slowInvoke: WorkerInvoker = async (request) => {
      firstStarted();
      await firstHolds;
      return JSON.parse(JSON.stringify(await worker(JSON.parse(JSON.stringify(request))))) as OptimizeWorkerResponse;
    };
    const handler = (invokeWorker: WorkerInvoker) =>
      createMaintenanceHandler({
        tables: [{ table: uri, checkpoint: false, vacuum: false, optimize: { fanOutMinBins: 1 } }],
        storageOptions,
        invokeWorker,
        minStepMs: 0,
        logger: quiet,
        metrics: noMetrics,
      });
    const first = handler(slowInvoke)({}, { awsRequestId: 'first', getRemainingTimeInMillis: () => 10 * MINUTE });
    await started;
    const second = await handler(slowInvoke)(
      {},
      { awsRequestId: 'second', getRemainingTimeInMillis: () => 10 * MINUTE },
    );
    expect(second.tables[0]).toMatchObject({ status: 'busy', heldBy: { owner: 'first' }, steps: [] });
    releaseFirst();
    expect((await first).tables[0]!.status).toBe('ok');
    const t = await DeltaTable.open(uri, { storageOptions });
    expect((await t.history()).filter((h) => h.operation === 'OPTIMIZE')).toHaveLength(1);
    expect(t.snapshot.numFiles).toBe(2);
    await assertValidStoreTable(t.store);
    // The lease was released: the next run takes the table at once (nothing left to compact).
    const third = await handler(slowInvoke)({}, { awsRequestId: 'third', getRemainingTimeInMillis: () => 10 * MINUTE });
    expect(third.tables[0]!.steps[0]!.outcome).toBe('nothing to compact');
  });
});
