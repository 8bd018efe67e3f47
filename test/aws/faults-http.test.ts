/**
 * Fault injection on the HTTP path: a proxy (support/fault-proxy.ts) in front of S3 and
 * DynamoDB answers chosen requests with 503 SlowDown / 500 InternalError, cuts the connection
 * mid-request, or cuts it after the server applied the request (a lost response). Appends run
 * through it in both commit modes. Every commit lands exactly once or fails with a typed
 * error; the table is never corrupt (contiguous versions, every committed row once, valid);
 * the SDK's retries absorb faults fewer than its retry budget (5 attempts).
 */
import { mulberry32 as prng } from '../../packages/core/test/support/prng.js';
import { afterEach, describe, expect, test } from 'vitest';
import { createS3Store, type AwsClients } from '@delta-serverless/aws';
import {
  CommitFailedError,
  CommitOutcomeUnknownError,
  DeltaError,
  DeltaTable,
  StorageError,
  writeDeltaTable,
} from '@delta-serverless/core';
import { listKeys, services } from '../services/index.js';
import {
  DROP_REQUEST,
  DROP_RESPONSE,
  INTERNAL,
  PASS,
  SLOW_DOWN,
  sequence,
  startFaultProxy,
  type Decider,
  type FaultAction,
  type FaultProxy,
} from './support/fault-proxy.js';
import {
  batch,
  duplicates,
  freshIds,
  lockEntries,
  logVersions,
  newClients,
  newS3Table,
  range,
  readIds,
  storageOptions,
  validateS3Table,
  type Mode,
  type S3Table,
} from './support/tables.js';

const BASE = range(0, 3);
/** Commit retry deadline well under the test timeout: a writer stuck at one version fails fast. */
const FAIL_FAST = { retry: { deadlineMs: 15_000 } };
const NEW = range(100, 3);

interface Rig {
  t: S3Table;
  s3: FaultProxy;
  ddb: FaultProxy;
  /** A handle whose S3 and DynamoDB traffic goes through the proxies (opened without faults). */
  table: DeltaTable;
  /** The handle's SDK clients (their counter counts logical calls, not HTTP attempts). */
  clients: AwsClients;
}

const rigs: Rig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).flatMap((r) => [r.s3.stop(), r.ddb.stop()]));
});

/** A table at version 0 (written directly), and a handle on it through fault proxies. */
async function rig(mode: Mode): Promise<Rig> {
  const t = await newS3Table();
  await writeDeltaTable(t.uri, batch(BASE, 'base'), { storageOptions: storageOptions(mode, t.lockTable) });
  const s = services();
  const [s3, ddb] = await Promise.all([
    startFaultProxy(s.s3Endpoint, 's3'),
    startFaultProxy(s.dynamoEndpoint, 'dynamodb'),
  ]);
  const opts = storageOptions(mode, t.lockTable, {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
  });
  const clients = newClients(opts);
  const table = await DeltaTable.open(t.uri, { store: createS3Store(t.uri, { storageOptions: opts, clients }) });
  const r: Rig = { t, s3, ddb, table, clients };
  rigs.push(r);
  return r;
}

/** Read without faults: versions contiguous 0..`version`, exactly `ids`, lock entries complete. */
async function expectTable(t: S3Table, mode: Mode, version: number, ids: number[]): Promise<void> {
  const read = await freshIds(t, mode);
  expect(read.version).toBe(version);
  expect(duplicates(read.ids)).toEqual([]);
  expect(read.ids).toEqual(ids);
  expect(await logVersions(t)).toEqual(range(0, version + 1));
  if (mode === 'dynamodb') {
    const entries = await lockEntries(t.lockTable, t.uri);
    expect(entries.map((e) => e['complete']?.S)).toEqual(range(0, version + 1).map(() => 'true'));
  }
}

const times = (a: FaultAction, n: number): FaultAction[] => Array.from({ length: n }, () => a);

interface Case {
  mode: Mode;
  service: 's3' | 'dynamodb';
  kind: string;
  faults: FaultAction[];
}

const CASES: Case[] = [
  // Conditional mode: the commit PUT (If-None-Match), the data file PUT.
  { mode: 'conditional', service: 's3', kind: 'commit-put', faults: times(SLOW_DOWN, 2) },
  { mode: 'conditional', service: 's3', kind: 'commit-put', faults: times(INTERNAL, 3) },
  { mode: 'conditional', service: 's3', kind: 'commit-put', faults: times(DROP_REQUEST, 2) },
  { mode: 'conditional', service: 's3', kind: 'commit-put', faults: [DROP_RESPONSE] },
  { mode: 'conditional', service: 's3', kind: 'commit-put', faults: times(DROP_RESPONSE, 5) },
  { mode: 'conditional', service: 's3', kind: 'data-put', faults: [INTERNAL, DROP_RESPONSE] },
  // DynamoDB mode: every step of the protocol.
  { mode: 'dynamodb', service: 's3', kind: 'temp-put', faults: [INTERNAL, DROP_RESPONSE] },
  { mode: 'dynamodb', service: 'dynamodb', kind: 'GetItem', faults: times(INTERNAL, 2) },
  { mode: 'dynamodb', service: 'dynamodb', kind: 'PutItem', faults: times(INTERNAL, 2) },
  { mode: 'dynamodb', service: 'dynamodb', kind: 'PutItem', faults: [DROP_REQUEST] },
  { mode: 'dynamodb', service: 'dynamodb', kind: 'PutItem', faults: [DROP_RESPONSE] },
  { mode: 'dynamodb', service: 'dynamodb', kind: 'PutItem', faults: times(DROP_RESPONSE, 5) },
  { mode: 'dynamodb', service: 's3', kind: 'commit-put', faults: [DROP_RESPONSE, SLOW_DOWN] },
  { mode: 'dynamodb', service: 's3', kind: 'commit-put', faults: times(DROP_RESPONSE, 5) },
  { mode: 'dynamodb', service: 'dynamodb', kind: 'UpdateItem', faults: [INTERNAL, DROP_RESPONSE] },
];

const label = (c: Case): string =>
  `${c.mode}: ${c.faults.map((f) => (f.kind === 'status' ? f.status : f.kind)).join(', ')} on ${c.kind}`;

describe('transient and ambiguous faults: the append commits exactly once', () => {
  for (const c of CASES) {
    test(label(c), async () => {
      const r = await rig(c.mode);
      const proxy = c.service === 's3' ? r.s3 : r.ddb;
      proxy.decide = sequence(c.kind, c.faults);
      const w = await r.table.append(batch(NEW, 'new'), FAIL_FAST);
      expect(w.version).toBe(1);
      expect(w.conflictsRetried).toBe(0);
      // The faults really happened, on the requests meant.
      const hit = proxy.log.filter((e) => e.kind === c.kind);
      expect(hit.slice(0, c.faults.length).map((e) => e.action)).toEqual(c.faults.map((f) => f.kind));
      await expectTable(r.t, c.mode, 1, [...BASE, ...NEW]);
    });
  }

  test('conditional: a lost commit response is recognised by txnId, not committed twice', async () => {
    const r = await rig('conditional');
    r.s3.decide = sequence('commit-put', [DROP_RESPONSE]);
    r.clients.counter.reset();
    const w = await r.table.append(batch(NEW, 'new'));
    // One logical commit PUT (the SDK retried it over HTTP) and one data PUT.
    expect(r.clients.counter.count('s3:PutObject')).toBe(2);
    // The server applied the first PUT; the SDK's retry got 412 (or the engine checked 1.json).
    const commits = r.s3.log.filter((e) => e.kind === 'commit-put');
    expect(commits[0]).toMatchObject({ action: 'drop-response', status: 200 });
    expect(commits.slice(1).map((e) => e.status)).toEqual([412]);
    expect(w.version).toBe(1);
    // A second append from the same handle lands at 2: the handle's state is right.
    expect((await r.table.append(batch([7], 'next'))).version).toBe(2);
    await expectTable(
      r.t,
      'conditional',
      2,
      [...BASE, 7, ...NEW].sort((a, b) => a - b),
    );
    await validateS3Table(r.t);
  });
});

describe('persistent faults: a typed error, nothing half-done', () => {
  test('conditional: every commit PUT fails with 500 -> CommitFailedError, data files removed', async () => {
    const r = await rig('conditional');
    const dataBefore = (await listKeys(r.t.bucket, `${r.t.prefix}/`)).filter((k) => k.endsWith('.parquet'));
    r.s3.decide = (req) => (req.kind === 'commit-put' ? INTERNAL : PASS);
    const err = await r.table.append(batch(NEW, 'new')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitFailedError);
    expect((err as Error).message).toMatch(/Nothing was committed/);
    expect(r.s3.log.filter((e) => e.kind === 'commit-put')).toHaveLength(5); // the SDK's 5 attempts
    const dataAfter = (await listKeys(r.t.bucket, `${r.t.prefix}/`)).filter((k) => k.endsWith('.parquet'));
    expect(dataAfter).toEqual(dataBefore);
    await expectTable(r.t, 'conditional', 0, BASE);
  });

  test('dynamodb: every PutItem fails with 500 -> CommitFailedError, no entry, data files removed', async () => {
    const r = await rig('dynamodb');
    const dataBefore = (await listKeys(r.t.bucket, `${r.t.prefix}/`)).filter((k) => k.endsWith('.parquet'));
    r.ddb.decide = (req) => (req.kind === 'PutItem' ? INTERNAL : PASS);
    const err = await r.table.append(batch(NEW, 'new')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitFailedError);
    expect((err as Error).message).toMatch(/Nothing was committed/);
    const dataAfter = (await listKeys(r.t.bucket, `${r.t.prefix}/`)).filter((k) => k.endsWith('.parquet'));
    expect(dataAfter).toEqual(dataBefore);
    await expectTable(r.t, 'dynamodb', 0, BASE);
  });

  test('dynamodb: every UpdateItem fails -> CommitOutcomeUnknownError; the commit did land, once', async () => {
    const r = await rig('dynamodb');
    r.ddb.decide = (req) => (req.kind === 'UpdateItem' ? INTERNAL : PASS);
    const err = await r.table.append(batch(NEW, 'new')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitOutcomeUnknownError);
    expect((err as Error).message).toMatch(/Read the table before retrying/);
    // A reader without faults finishes the entry and sees the commit exactly once.
    await expectTable(r.t, 'dynamodb', 1, [...BASE, ...NEW]);
  });

  test('S3 answers every data PUT with 503 SlowDown -> a StorageError before any commit', async () => {
    const r = await rig('conditional');
    r.s3.decide = (req) => (req.kind === 'data-put' ? SLOW_DOWN : PASS);
    const err = await r.table.append(batch(NEW, 'new')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(/SlowDown|503/);
    expect(r.s3.log.some((e) => e.kind === 'commit-put')).toBe(false);
    await expectTable(r.t, 'conditional', 0, BASE);
  });
});

function randomFaults(random: () => number, rate: number): Decider {
  const menu = [SLOW_DOWN, INTERNAL, DROP_REQUEST, DROP_RESPONSE];
  return () => (random() < rate ? menu[Math.floor(random() * menu.length)]! : PASS);
}

describe('random faults on every request (S3 and DynamoDB)', () => {
  for (const mode of ['conditional', 'dynamodb'] as const) {
    test(
      `${mode}: 10 appends + reads at a 20% fault rate: each lands once or fails typed`,
      { timeout: 60_000 },
      async () => {
        const seed = Number(process.env['DS_FAULT_SEED'] ?? Date.now() % 1_000_000);
        const random = prng(seed);
        const r = await rig(mode);
        r.s3.decide = randomFaults(random, 0.2);
        r.ddb.decide = randomFaults(random, 0.2);
        const landed: number[] = [];
        const unknown: number[] = [];
        const outcomes: string[] = [];
        const reads: string[] = [];
        for (let i = 0; i < 10; i++) {
          const ids = range(1000 + 10 * i, 2);
          try {
            await r.table.append(batch(ids, `a${i}`));
            landed.push(...ids);
            outcomes.push('ok');
          } catch (err) {
            expect(err, `seed ${seed}: append ${i} failed untyped: ${String(err)}`).toBeInstanceOf(DeltaError);
            if (err instanceof CommitOutcomeUnknownError) unknown.push(...ids);
            outcomes.push((err as Error).name);
            // The handle may hold a stale snapshot after a failure: reopen through the proxies.
            r.table = await DeltaTable.open(r.t.uri, { store: r.table.store }).catch(() => r.table);
          }
          // A reader through the same faults: it fails typed, or sees every acknowledged row once.
          try {
            const seenIds = await readIds(await DeltaTable.open(r.t.uri, { store: r.table.store }));
            expect(duplicates(seenIds), `seed ${seed}`).toEqual([]);
            for (const id of [...BASE, ...landed]) expect(seenIds, `seed ${seed}`).toContain(id);
            reads.push('ok');
          } catch (err) {
            expect(err, `seed ${seed}: read ${i} failed untyped: ${String(err)}`).toBeInstanceOf(DeltaError);
            reads.push((err as Error).name);
          }
        }
        const faults = [...r.s3.log, ...r.ddb.log].filter((e) => e.action !== 'pass').length;
        console.log(
          `[faults-http] ${mode} seed ${seed}: ${faults} faults injected; appends ${outcomes.join(' ')}; reads ${reads.join(' ')}`,
        );
        expect(faults).toBeGreaterThan(0);
        r.s3.decide = () => PASS;
        r.ddb.decide = () => PASS;
        // Without faults: every acknowledged append exactly once, failed ones absent, ambiguous ones at most once.
        const read = await freshIds(r.t, mode);
        expect(duplicates(read.ids), `seed ${seed}`).toEqual([]);
        const extra = read.ids.filter((id) => !BASE.includes(id) && !landed.includes(id));
        expect(
          extra.every((id) => unknown.includes(id)),
          `seed ${seed}: rows of failed appends: ${extra}`,
        ).toBe(true);
        for (const id of [...BASE, ...landed]) expect(read.ids, `seed ${seed}`).toContain(id);
        expect(await logVersions(r.t)).toEqual(range(0, read.version + 1));
        await validateS3Table(r.t);
      },
    );
  }
});
