/**
 * DELETE and UPDATE on S3 against concurrent writers in other OS processes, for both commit
 * coordinators: DELETE against blind appends of matching rows (WriteSerializable: the DELETE
 * retries past them and they survive), DELETE against DELETE on the same file and UPDATE against
 * OPTIMIZE of the files it read (both planned on the same version: exactly one commits, the
 * other gets ConcurrentDeleteReadError). No row is lost or brought back, and every table passes
 * the independent validator. Also: a DELETE fanned out to optimize-worker invocations (JSON
 * across the boundary) commits once, and a failed worker leaves nothing behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable, type DmlResult, type StorageOptions } from '@delta-serverless/core';
import { versionPrefix } from '@delta-serverless/core/internal';
import { createOptimizeWorkerHandler, type DmlWorkerRequest } from '@delta-serverless/lambda';
import '@delta-serverless/aws';
import { getText, listKeys, newBucket } from '../services/index.js';
import { captureStderr, exited, message, REPO_ROOT } from '../support/txn-harness.js';
import {
  COORDINATORS,
  freshStorageOptions,
  removeTempDirs,
  validateS3Table,
  type Coordinator,
} from './fixtures/s3-tables.js';
import type { DmlPhase, DmlProcessMessage } from './fixtures/dml-process.js';

type Done = Extract<DmlProcessMessage, { type: 'done' }>;
const PROCESSES = 3;
const SCENARIOS = ['delete-vs-appends', 'delete-vs-delete', 'update-vs-optimize'] as const;
type Scenario = (typeof SCENARIOS)[number];

let bucket = '';
const tables = new Map<string, { uri: string; prefix: string; storageOptions: StorageOptions }>();
let children: { child: ChildProcess; stderr: () => string }[] = [];

function rows(ids: number[], v: (id: number) => number): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from(ids.map(BigInt))),
    p: arrow.vectorFromArray(
      ids.map(() => 'o'),
      new arrow.Utf8(),
    ),
    v: arrow.makeVector(Float64Array.from(ids.map(v))),
  });
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

async function createTable(scenario: Scenario, coordinator: Coordinator): Promise<void> {
  const storageOptions = await freshStorageOptions(coordinator);
  const prefix = `${scenario}-${coordinator}`;
  const uri = `s3://${bucket}/${prefix}`;
  const properties = { 'delta.enableDeletionVectors': 'true', 'delta.enableChangeDataFeed': 'true' };
  const first =
    scenario === 'update-vs-optimize' ? range(0, 10) : range(0, scenario === 'delete-vs-appends' ? 50 : 100);
  const t = await DeltaTable.create(uri, {
    schema: rows([0], Number).schema,
    partitionBy: ['p'],
    properties,
    storageOptions,
  });
  await t.append(rows(first, (id) => id));
  if (scenario === 'delete-vs-appends') await t.append(rows(range(50, 50), (id) => id));
  if (scenario === 'update-vs-optimize') for (const k of [1, 2, 3]) await t.append(rows(range(k * 10, 10), (id) => id));
  tables.set(prefix, { uri, prefix, storageOptions });
}

/** Role of process `i` in a scenario. */
function roleOf(scenario: Scenario, i: number): DmlPhase['role'] {
  if (scenario === 'delete-vs-appends')
    return i === 0
      ? { kind: 'delete', where: 'v < 50' }
      : { kind: 'append', ids: range(0, 5).map((b) => range(1000 * i + 10 * b, 3)), v: 0 };
  if (scenario === 'delete-vs-delete')
    return i === 2 ? { kind: 'idle' } : { kind: 'delete-held', where: i === 0 ? 'id < 10' : 'id >= 90' };
  if (i === 0) return { kind: 'update-held', where: 'id < 20', set: { v: '-1' } };
  return i === 1 ? { kind: 'optimize-held' } : { kind: 'idle' };
}

const phaseList = COORDINATORS.flatMap((coordinator) => SCENARIOS.map((scenario) => ({ coordinator, scenario })));

beforeAll(async () => {
  bucket = await newBucket('ds-dml');
  for (const { coordinator, scenario } of phaseList) await createTable(scenario, coordinator);
  children = range(0, PROCESSES).map((i) => {
    const phases: DmlPhase[] = phaseList.map(({ coordinator, scenario }) => {
      const t = tables.get(`${scenario}-${coordinator}`)!;
      return { uri: t.uri, storageOptions: t.storageOptions, role: roleOf(scenario, i) };
    });
    const child = fork(path.join(REPO_ROOT, 'test/aws/fixtures/dml-process.ts'), [JSON.stringify(phases)], {
      cwd: REPO_ROOT,
      execArgv: ['--conditions=source', '--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return { child, stderr: captureStderr(child) };
  });
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill();
  await Promise.all(children.map((c) => exited(c.child)));
  removeTempDirs();
});

async function runPhase(phase: number): Promise<Done[]> {
  await Promise.all(
    children.map((c) => message<DmlProcessMessage>(c.child, (m) => m.type === 'ready' && m.phase === phase)),
  );
  const finals = children.map((c) =>
    message<DmlProcessMessage>(c.child, (m) => (m.type === 'done' || m.type === 'error') && m.phase === phase),
  );
  for (const c of children) c.child.send({ type: 'go', phase });
  return (await Promise.all(finals)).map((m, i) => {
    if (m.type !== 'done')
      throw new Error(`process ${i}: ${m.type === 'error' ? `${m.name}: ${m.message}` : ''}\n${children[i]!.stderr()}`);
    return m;
  });
}

async function tableRows(uri: string, storageOptions: StorageOptions): Promise<Map<number, number>> {
  const t = await DeltaTable.open(uri, { storageOptions });
  const out = new Map<number, number>();
  for (const b of (await t.toArrow({ columns: ['id', 'v'] })).batches)
    for (let i = 0; i < b.numRows; i++) {
      const id = Number(b.getChild('id')!.get(i));
      expect(out.has(id), `id ${id} twice`).toBe(false);
      out.set(id, Number(b.getChild('v')!.get(i)));
    }
  return out;
}

async function readVersionOf(prefix: string, version: number): Promise<number> {
  const text = await getText(bucket, `${prefix}/_delta_log/${versionPrefix(version)}.json`);
  return Number((JSON.parse(text.split('\n')[0]!) as { commitInfo: { readVersion: number } }).commitInfo.readVersion);
}

function expectOneWinner(done: Done[]): { winner: number; loser: number } {
  const conflicts = done.filter((d) => d.conflict);
  expect(conflicts.map((d) => d.conflict!.name)).toEqual(['ConcurrentDeleteReadError']);
  const winner = done.findIndex((d) => !d.conflict && d.versions.length > 0);
  return { winner, loser: done.indexOf(conflicts[0]!) };
}

describe('DELETE and UPDATE against concurrent processes on S3', () => {
  phaseList.forEach(({ coordinator, scenario }, phase) => {
    test(`${coordinator}: ${scenario}`, { timeout: 120_000 }, async () => {
      const t = tables.get(`${scenario}-${coordinator}`)!;
      const done = await runPhase(phase);
      const got = await tableRows(t.uri, t.storageOptions);
      if (scenario === 'delete-vs-appends') {
        expect(done.filter((d) => d.conflict)).toEqual([]);
        const read = await readVersionOf(t.prefix, done[0]!.versions[0]!);
        const want = new Set(range(50, 50));
        for (const [i, d] of done.entries()) {
          if (i === 0) continue;
          const role = roleOf(scenario, i) as { ids: number[][] };
          d.versions.forEach((v, b) => v > read && role.ids[b]!.forEach((id) => want.add(id)));
        }
        expect([...got.keys()].sort((a, b) => a - b)).toEqual([...want].sort((a, b) => a - b));
      } else if (scenario === 'delete-vs-delete') {
        const { winner } = expectOneWinner(done);
        const gone = winner === 0 ? range(0, 10) : range(90, 10);
        expect([...got.keys()].sort((a, b) => a - b)).toEqual(range(0, 100).filter((id) => !gone.includes(id)));
      } else {
        const { winner } = expectOneWinner(done);
        expect([...got.keys()].sort((a, b) => a - b)).toEqual(range(0, 40));
        for (const [id, v] of got) expect(v).toBe(winner === 0 && id < 20 ? -1 : id);
      }
      await validateS3Table({ bucket, prefix: t.prefix });
    });
  });
});

describe('DELETE fanned out to optimize-worker invocations', () => {
  async function sixFiles(name: string, storageOptions: StorageOptions): Promise<DeltaTable> {
    const uri = `s3://${bucket}/${name}`;
    const t = await DeltaTable.create(uri, { schema: rows([0], Number).schema, storageOptions });
    for (let k = 0; k < 6; k++) await t.append(rows(range(k * 10, 10), (id) => id));
    return t;
  }

  function workers(storageOptions: StorageOptions, failOn?: number) {
    const handler = createOptimizeWorkerHandler({ storageOptions });
    const state = { calls: 0 };
    return {
      state,
      invoke: async ({
        context,
        files,
      }: {
        context: DmlWorkerRequest['context'];
        files: DmlWorkerRequest['files'];
      }) => {
        const call = state.calls++;
        const request: DmlWorkerRequest = JSON.parse(JSON.stringify({ kind: 'dml-files', context, files }));
        const response = await handler(request);
        if (call === failOn) throw new Error('worker crashed');
        return JSON.parse(JSON.stringify(response)) as DmlResult;
      },
    };
  }

  test('groups of files rewritten by workers, one commit; a failed worker commits nothing', async () => {
    const storageOptions = await freshStorageOptions('conditional');
    const table = await sixFiles('fan-out', storageOptions);
    const before = await listKeys(bucket, 'fan-out/');
    const failing = workers(storageOptions, 1);
    await expect(
      table.delete('v >= 5 AND v < 55', { workers: { invoke: failing.invoke, filesPerWorker: 2, maxWorkers: 1 } }),
    ).rejects.toThrow('worker crashed');
    expect(table.version).toBe(6);
    expect((await listKeys(bucket, 'fan-out/')).sort()).toEqual(before.sort());

    const ok = workers(storageOptions);
    const r = await table.delete('v >= 5 AND v < 55', { workers: { invoke: ok.invoke, filesPerWorker: 2 } });
    expect(ok.state.calls).toBe(3);
    expect(r.version).toBe(7);
    expect(r.metrics).toMatchObject({ numDeletedRows: 50, numRemovedFiles: 6, numScannedFiles: 6 });
    expect([...(await tableRows(table.uri, storageOptions)).keys()].sort((a, b) => a - b)).toEqual([
      ...range(0, 5),
      ...range(55, 5),
    ]);
    await validateS3Table({ bucket, prefix: 'fan-out' });
  });
});
