/**
 * MERGE fanned out to the optimize-worker handler's `dml-files` requests (the request carries
 * the statement and the source as Arrow IPC): groups of candidate files are joined and
 * rewritten by "workers" (the real handler, requests and responses through JSON), the planner
 * inserts the unmatched source rows and commits once; the table equals the same merge run in
 * one process. A failing worker commits nothing and leaves no file behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable, type MergeGroupRequest, type MergeGroupResult } from '@delta-serverless/core';
import { createOptimizeWorkerHandler, type DmlWorkerRequest } from '@delta-serverless/lambda';
import { orphanDataFiles, readIds, rows, tempDir } from '../support/txn-harness.js';
import { assertValidTable } from '../support/validate-table.js';

const range = (from: number, n: number, step = 1) => Array.from({ length: n }, (_, i) => from + i * step);

async function sixFiles(dir: string): Promise<void> {
  await writeDeltaTable(dir, rows(range(0, 10, 2)), {
    properties: { 'delta.enableChangeDataFeed': 'true' },
  });
  const t = await DeltaTable.open(dir);
  for (let f = 1; f < 6; f++) await t.append(rows(range(f * 20, 10, 2)));
}

function workers(failOn?: number) {
  const handler = createOptimizeWorkerHandler({});
  const state = { calls: 0 };
  return {
    state,
    invoke: async ({ context, files, merge }: MergeGroupRequest): Promise<MergeGroupResult> => {
      if (state.calls++ === failOn) throw new Error('worker crashed');
      const request = JSON.parse(JSON.stringify({ kind: 'dml-files', context, files, merge })) as DmlWorkerRequest;
      const response = await (handler as unknown as (e: DmlWorkerRequest) => Promise<unknown>)(request);
      return JSON.parse(JSON.stringify(response)) as MergeGroupResult;
    },
  };
}

const merge = (t: DeltaTable, opts: object) =>
  t
    .merge(rows([...range(0, 120, 5), 1000]), { on: 't.id = s.id', ...opts }) // ids 0, 5, ..., 595 and 1000
    .whenMatchedUpdate({ set: { v: 's.v * 100' } })
    .whenNotMatchedInsert('all')
    .execute();

describe('MERGE fanned out to worker requests', () => {
  test('groups joined and rewritten by workers, inserts and one commit here; equal to a local run', async () => {
    const root = tempDir('merge-workers');
    const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
    await sixFiles(a);
    fs.cpSync(a, b, { recursive: true });
    const ok = workers();
    const fanned = await merge(await DeltaTable.open(a), { workers: { invoke: ok.invoke, filesPerWorker: 2 } });
    const local = await merge(await DeltaTable.open(b), {});
    expect(ok.state.calls).toBe(3);
    // Row counts agree; file counts differ (each worker writes its own files).
    const rowMetrics = (x: typeof fanned.metrics) =>
      Object.fromEntries(Object.entries(x).filter(([k]) => /Rows/.test(k) && !/Time/.test(k)));
    expect(rowMetrics(fanned.metrics)).toEqual(rowMetrics(local.metrics));
    expect(fanned.metrics).toMatchObject({
      numSourceRows: 121,
      numTargetRowsUpdated: 12,
      numTargetRowsInserted: 109,
      numTargetRowsCopied: 48,
      numTargetFilesRemoved: 6,
    });
    const values = async (dir: string) =>
      (await (await DeltaTable.open(dir)).toArrow()).batches
        .flatMap((x) =>
          Array.from({ length: x.numRows }, (_, i) => `${x.getChild('id')!.get(i)}:${x.getChild('v')!.get(i)}`),
        )
        .sort();
    expect(await values(a)).toEqual(await values(b));
    await assertValidTable(a);
  });

  test('a source over maxInlineSourceBytes is staged once under _delta_log/.tmp/, read by the workers and deleted', async () => {
    const root = tempDir('merge-workers-staged');
    const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
    await sixFiles(a);
    fs.cpSync(a, b, { recursive: true });
    const ok = workers();
    const seen: MergeGroupRequest['merge'][] = [];
    const staged = {
      invoke: async (r: MergeGroupRequest) => {
        seen.push(r.merge);
        expect(fs.existsSync(path.join(a, r.merge.sourcePath!))).toBe(true);
        return ok.invoke(r);
      },
      filesPerWorker: 2,
      maxInlineSourceBytes: 0,
    };
    const fanned = await merge(await DeltaTable.open(a), { workers: staged });
    const local = await merge(await DeltaTable.open(b), {});
    expect(seen).toHaveLength(3);
    expect(seen.every((m) => m.source === undefined && m.sourcePath === seen[0]!.sourcePath)).toBe(true);
    expect(seen[0]!.sourcePath).toMatch(/^_delta_log\/\.tmp\/merge-source-[0-9a-f-]{36}\.arrow$/);
    expect(fs.existsSync(path.join(a, seen[0]!.sourcePath!))).toBe(false);
    expect(fanned.metrics).toMatchObject({ numTargetRowsUpdated: 12, numTargetRowsInserted: 109 });
    expect(await readIds(a)).toEqual(await readIds(b));
    expect(local.metrics.numTargetRowsUpdated).toBe(12);
    await assertValidTable(a);
  });

  test('a worker refuses a staged source path outside _delta_log/.tmp/', async () => {
    const handler = createOptimizeWorkerHandler({}) as unknown as (e: unknown) => Promise<unknown>;
    const dir = path.join(tempDir('merge-workers-path'), 't');
    await sixFiles(dir);
    const request = {
      kind: 'dml-files',
      context: { tableRoot: dir },
      files: [],
      merge: { spec: {}, sourcePath: '../x' },
    };
    await expect(handler(request)).rejects.toThrow(/merge\.sourcePath under _delta_log\/\.tmp\/merge-source-/);
  });

  test('a failed worker commits nothing and leaves no file behind', async () => {
    const dir = path.join(tempDir('merge-workers-fail'), 't');
    await sixFiles(dir);
    const failing = workers(1);
    const table = await DeltaTable.open(dir);
    await expect(
      merge(table, { workers: { invoke: failing.invoke, filesPerWorker: 2, maxWorkers: 1 } }),
    ).rejects.toThrow('worker crashed');
    expect((await DeltaTable.open(dir)).version).toBe(5);
    expect(orphanDataFiles(dir)).toEqual([]);
    expect(await readIds(dir)).toEqual([0, 20, 40, 60, 80, 100].flatMap((s) => range(s, 10, 2)));
  });
});
