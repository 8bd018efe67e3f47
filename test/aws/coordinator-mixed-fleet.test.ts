/**
 * Mixed fleets (docs/commit-protocol.md "Mixed fleets"): writers in dynamodb mode and writers
 * in conditional mode on one table. Both create N.json only if absent, so neither can lose
 * the other's commit. Deterministic interleavings pause one writer with an SDK middleware at
 * the dangerous moment; a randomized race of 2 + 2 writers x 20 commits checks the whole.
 */
import { mulberry32 as prng } from '../../packages/core/test/support/prng.js';
import { describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { getText } from '../services/index.js';
import { pad20 } from './support/foreign-commits.js';
import { Gate, hookClients, isStep } from './support/sdk-hooks.js';
import {
  batch,
  duplicates,
  freshIds,
  lockEntries,
  logVersions,
  newClients,
  newS3Table,
  openStore,
  range,
  rawCommit,
  storageOptions,
  txnIds,
  validateS3Table,
  type Mode,
  type S3Table,
} from './support/tables.js';

const FAIL_FAST = { retry: { deadlineMs: 15_000 } };

async function baseTable(): Promise<S3Table> {
  const t = await newS3Table();
  await writeDeltaTable(t.uri, batch([0, 1], 'base'), { storageOptions: storageOptions('conditional') });
  return t;
}

/** A writer handle in `mode` on its own clients, paused once at the first call `pauseAt` accepts. */
async function pausedWriter(
  t: S3Table,
  mode: Mode,
  pauseAt: Parameters<typeof isStep>[0] | 'before-commit-put',
): Promise<{ table: DeltaTable; gate: Gate }> {
  const clients = newClients(storageOptions(mode, t.lockTable));
  const gate = new Gate();
  let fired = false;
  await hookClients(clients, async (call, phase) => {
    const hit =
      pauseAt === 'before-commit-put'
        ? phase === 'before' && call.command === 'PutObject' && /_delta_log\/\d{20}\.json$/.test(call.key ?? '')
        : isStep(pauseAt, call, phase);
    if (fired || !hit) return;
    fired = true;
    await gate.wait();
  });
  return { table: await DeltaTable.open(t.uri, { store: openStore(t, mode, clients) }), gate };
}

/** Smallest `id` added by commit `v` (from its add stats, read with MinIO): who wrote it. */
async function minIdOf(t: S3Table, v: number): Promise<number> {
  const add = (await rawCommit(t, v)).find((a) => a['add'])!['add']!;
  return Number((JSON.parse(String(add['stats'])) as { minValues: { id: number } }).minValues.id);
}

describe('deterministic interleavings', () => {
  test('conditional writer takes N between the dynamodb writer’s PutItem and its copy', async () => {
    const t = await baseTable();
    const d = await pausedWriter(t, 'dynamodb', 'after-put-item');
    const c = await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') });
    const dWrite = d.table.append(batch([10, 11], 'dynamo'), FAIL_FAST);
    await d.gate.reached; // entry 1 claimed by the dynamodb writer, 1.json not yet written
    const cw = await c.append(batch([20, 21], 'cond'));
    expect(cw.version).toBe(1);
    d.gate.release();
    const dw = await dWrite;
    expect(dw.version).toBe(2);
    expect(dw.conflictsRetried).toBe(1);

    expect(await logVersions(t)).toEqual([0, 1, 2]);
    // 1.json is the conditional writer's; the dynamodb writer's copy never overwrote it.
    expect([await minIdOf(t, 1), await minIdOf(t, 2)]).toEqual([20, 10]);
    // Entry 1 (its lost claim) and entry 2 (its win) are both complete.
    const entries = await lockEntries(t.lockTable, t.uri);
    expect(entries.map((e) => [e['fileName']?.S, e['complete']?.S])).toEqual([
      [`${pad20(1)}.json`, 'true'],
      [`${pad20(2)}.json`, 'true'],
    ]);
    expect((await freshIds(t, 'dynamodb')).ids).toEqual([0, 1, 10, 11, 20, 21]);
    expect((await freshIds(t, 'conditional')).ids).toEqual([0, 1, 10, 11, 20, 21]);
    await validateS3Table(t);
  });

  test('dynamodb writer commits N while the conditional writer is about to PUT N', async () => {
    const t = await baseTable();
    const c = await pausedWriter(t, 'conditional', 'before-commit-put');
    const d = await DeltaTable.open(t.uri, { store: openStore(t, 'dynamodb') });
    const cWrite = c.table.append(batch([20, 21], 'cond'), FAIL_FAST);
    await c.gate.reached;
    const dw = await d.append(batch([10, 11], 'dynamo'));
    expect(dw.version).toBe(1);
    c.gate.release();
    const cw = await cWrite;
    expect(cw.version).toBe(2);
    expect(cw.conflictsRetried).toBe(1);
    expect([await minIdOf(t, 1), await minIdOf(t, 2)]).toEqual([10, 20]);
    expect((await freshIds(t, 'dynamodb')).ids).toEqual([0, 1, 10, 11, 20, 21]);
    await validateS3Table(t);
  });

  test('dynamodb writer dies after its PutItem, a conditional writer takes N: recovery keeps the winner', async () => {
    const t = await baseTable();
    const d = await pausedWriter(t, 'dynamodb', 'after-put-item');
    const dWrite = d.table.append(batch([10, 11], 'dynamo'), FAIL_FAST);
    await d.gate.reached; // "dead": never resumes until the end of the test
    const tempPath = (await lockEntries(t.lockTable, t.uri))[0]!['tempPath']!.S!;

    // The conditional writer does not consult the lock table: it takes version 1.
    const cw = await writeDeltaTable(t.uri, batch([20, 21], 'cond'), { storageOptions: storageOptions('conditional') });
    expect(cw.version).toBe(1);
    // A dynamodb-mode reader recovers entry 1: 1.json exists, so it is only marked complete.
    const r = await freshIds(t, 'dynamodb');
    expect(r).toEqual({ version: 1, ids: [0, 1, 20, 21] });
    expect((await lockEntries(t.lockTable, t.uri))[0]!['complete']).toEqual({ S: 'true' });
    expect(await getText(t.bucket, `${t.prefix}/_delta_log/${pad20(1)}.json`)).not.toBe(
      await getText(t.bucket, `${t.prefix}/_delta_log/${tempPath}`),
    );
    // Both kinds of writer carry on.
    const d2 = await writeDeltaTable(t.uri, batch([30], 'dynamo2'), {
      storageOptions: storageOptions('dynamodb', t.lockTable),
    });
    expect(d2.version).toBe(2);
    // The "dead" writer thaws: its copy finds someone else's 1.json, so it lost and retries.
    d.gate.release();
    const dw = await dWrite;
    expect(dw.version).toBe(3);
    expect(await logVersions(t)).toEqual([0, 1, 2, 3]);
    expect((await freshIds(t, 'dynamodb')).ids).toEqual([0, 1, 10, 11, 20, 21, 30]);
    await validateS3Table(t);
  });
});

test(
  'randomized race: 2 dynamodb + 2 conditional writers x 20 commits, nothing lost or doubled',
  { timeout: 60_000 },
  async () => {
    const seed = Number(process.env['DS_RACE_SEED'] ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const t = await baseTable();
    const modes: Mode[] = ['dynamodb', 'conditional', 'dynamodb', 'conditional'];
    const COMMITS = 20;
    const writers = await Promise.all(modes.map(async (mode) => DeltaTable.open(t.uri, { store: openStore(t, mode) })));
    const delays = modes.map(() => Array.from({ length: COMMITS }, () => Math.floor(random() * 25)));
    let conflicts = 0;
    const versions = await Promise.all(
      writers.map(async (w, k) => {
        const mine: number[] = [];
        for (let j = 0; j < COMMITS; j++) {
          await new Promise((r) => setTimeout(r, delays[k]![j]));
          const res = await w.append(batch([1000 * (k + 1) + j], `${modes[k]}-${k}`));
          conflicts += res.conflictsRetried;
          mine.push(res.version);
        }
        return mine;
      }),
    );
    console.log(`[mixed-fleet] seed ${seed}: ${conflicts} lost races retried`);
    const all = versions.flat().sort((a, b) => a - b);
    expect(all, `seed ${seed}`).toEqual(range(1, 4 * COMMITS));
    expect(await logVersions(t)).toEqual(range(0, 4 * COMMITS + 1));
    expect(new Set(await txnIds(t)).size).toBe(4 * COMMITS + 1);
    const { ids } = await freshIds(t, 'dynamodb');
    expect(duplicates(ids)).toEqual([]);
    expect(ids).toEqual([0, 1, ...modes.flatMap((_, k) => range(1000 * (k + 1), COMMITS))]);
    const entries = await lockEntries(t.lockTable, t.uri);
    expect(entries.filter((e) => e['complete']?.S !== 'true')).toEqual([]);
    await validateS3Table(t);
  },
);
