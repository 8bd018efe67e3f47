/**
 * DELETE and UPDATE as separate steps through the public SDK, as a worker fleet runs them:
 * plan -> JSON -> executeDmlFiles per group of files (only the context and the group) -> JSON
 * -> commitDml once, on the snapshot the plan was made from.
 */
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  commitDml,
  DeltaTable,
  executeDmlFiles,
  planDelete,
  planUpdate,
  writeDeltaTable,
  type DmlPlan,
  type DmlResult,
} from '@delta-serverless/core';
import { range, rows, tempDir } from '../support/txn-harness.js';
import { assertValidTable } from '../support/validate-table.js';

/** ids 0..59 in six files of ten rows (no partitions). */
async function sixFiles(props: Record<string, string>): Promise<DeltaTable> {
  const dir = path.join(tempDir('dml-steps'), 't');
  await writeDeltaTable(dir, rows(range(0, 10)), { properties: props });
  for (let i = 1; i < 6; i++) await writeDeltaTable(dir, rows(range(i * 10, 10)));
  return DeltaTable.open(dir);
}

/** Each group of two files goes to a "worker" as JSON and comes back as JSON. */
async function runGroups(table: DeltaTable, plan: DmlPlan): Promise<DmlResult[]> {
  const results: DmlResult[] = [];
  for (let i = 0; i < plan.files.length; i += 2) {
    const job = JSON.parse(JSON.stringify({ context: plan.context, files: plan.files.slice(i, i + 2) })) as Pick<
      DmlPlan,
      'context' | 'files'
    >;
    const r = await executeDmlFiles(table.engine, job.context, job.files, { concurrency: 1 });
    results.push(JSON.parse(JSON.stringify(r)) as DmlResult);
  }
  return results;
}

const dirOf = (table: DeltaTable) => table.uri.replace(/^file:\/\//, '');

async function idsAndValues(table: DeltaTable): Promise<[number, number][]> {
  const t = await table.toArrow({ columns: ['id', 'v'] });
  return t.batches
    .flatMap((b) => [...b.getChild('id')!].map((id, i): [number, number] => [Number(id), b.getChild('v')!.get(i)]))
    .sort((a, b) => a[0] - b[0]);
}

describe('DELETE and UPDATE as plan -> execute -> commit', () => {
  test('DELETE with deletion vectors, three groups of files, one commit', async () => {
    const table = await sixFiles({ 'delta.enableDeletionVectors': 'true' });
    const before = table.snapshot;
    const plan = JSON.parse(
      JSON.stringify(
        planDelete(
          before,
          range(0, 6)
            .map((i) => `id = ${i * 10 + 3}`)
            .join(' OR '),
        ),
      ),
    ) as DmlPlan;
    expect(plan.files).toHaveLength(6);
    expect(plan.context.deletionVectors).toBe(true);
    const results = await runGroups(table, plan);
    expect(results).toHaveLength(3);
    const r = await commitDml(before, plan, results);
    expect(r.metrics).toMatchObject({ numMatchedRows: 6, numDeletionVectorsAdded: 6, numAddedFiles: 0 });
    await table.refresh();
    expect((await idsAndValues(table)).map(([id]) => id)).toEqual(range(0, 60).filter((id) => id % 10 !== 3));
    await assertValidTable(dirOf(table));
  });

  test('UPDATE copy-on-write: a bad SET fails at planning; the commit refuses another snapshot', async () => {
    const table = await sixFiles({});
    const before = table.snapshot;
    expect(() => planUpdate(before, { set: { nope: 1 } })).toThrow(/no such column/);
    const plan = JSON.parse(
      JSON.stringify(planUpdate(before, { where: 'id >= 25', set: { v: 'v + 100' } })),
    ) as DmlPlan;
    expect(plan.files.map((f) => f.add.path)).toHaveLength(4); // stats prune files 0..9 and 10..19
    const results = await runGroups(table, plan);
    await table.append(rows([100]));
    await expect(commitDml(table.snapshot, plan, results)).rejects.toThrow(/plan was made at version 5/);
    const again = await runGroups(table, plan);
    const r = await commitDml(before, plan, again);
    expect(r.metrics).toMatchObject({ numMatchedRows: 35, numCopiedRows: 5, numRemovedFiles: 4 });
    await table.refresh();
    const expected = [...range(0, 60), 100].map((id): [number, number] => [
      id,
      id / 2 + (id >= 25 && id < 100 ? 100 : 0),
    ]);
    expect(await idsAndValues(table)).toEqual(expected);
    await assertValidTable(dirOf(table));
  });
});
