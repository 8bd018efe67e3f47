/**
 * Real multi-process contention on one local table: 8 OS processes each append 25 times, all
 * released at once. Put-if-absent (link(2)) plus conflict checking and retries must yield exactly
 * one commit per append, contiguous versions and every row exactly once.
 */
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { commitInfoOf, quantile, rawCommits, readIds, tempDir, validate } from '../support/txn-harness.js';
import { runWriters } from './run-writers.js';

const PROCESSES = 8;
const APPENDS = 25;
const ROWS = 3;

describe('8 processes x 25 appends on one table', () => {
  test('versions 1..200 with no gap, every row exactly once, valid table', { timeout: 120_000 }, async () => {
    const dir = path.join(tempDir('conc'), 't');
    const schema = new arrow.Schema([
      new arrow.Field('id', new arrow.Int64(), true),
      new arrow.Field('p', new arrow.Utf8(), true),
      new arrow.Field('v', new arrow.Float64(), true),
    ]);
    await DeltaTable.create(dir, { schema, partitionBy: ['p'] }); // version 0

    const outcomes = await runWriters(
      Array.from({ length: PROCESSES }, (_, worker) => ({ dir, worker, iterations: APPENDS, rowsPerBatch: ROWS })),
    );
    for (const o of outcomes) {
      if (o.type === 'error') throw new Error(`writer ${o.worker} failed: ${o.name}: ${o.message}\n${o.stderr}`);
      expect(o.exitCode).toBe(0);
    }
    const done = outcomes.filter((o) => o.type === 'done');

    // Every append got its own version; together they are exactly 1..200.
    const committed = done.flatMap((o) => o.versions).sort((a, b) => a - b);
    const expected = Array.from({ length: PROCESSES * APPENDS }, (_, i) => i + 1);
    expect(committed).toEqual(expected);
    expect(rawCommits(dir).map((c) => c.version)).toEqual([0, ...expected]);
    // Each commit records the version its writer read, which is below the version it got.
    for (const c of rawCommits(dir).slice(1)) expect(Number(commitInfoOf(c).readVersion)).toBeLessThan(c.version);

    const want = done.flatMap((o) => o.ids).sort((a, b) => a - b);
    expect(want.length).toBe(PROCESSES * APPENDS * ROWS);
    expect(new Set(want).size).toBe(want.length);
    expect(await readIds(dir)).toEqual(want);
    const table = await DeltaTable.open(dir);
    expect(table.version).toBe(PROCESSES * APPENDS);
    await validate(dir);

    const latencies = done.flatMap((o) => o.latenciesMs);
    const elapsed = Math.max(...done.map((o) => o.finishedAt)) - Math.min(...done.map((o) => o.startedAt));
    const conflicts = done.reduce((n, o) => n + o.conflicts, 0);
    // Stale handles race constantly: some commits must have been retried.
    expect(conflicts).toBeGreaterThan(0);
    console.log(
      `[concurrency] ${PROCESSES} processes x ${APPENDS} appends in ${elapsed} ms (${((PROCESSES * APPENDS * 1000) / elapsed).toFixed(1)} commits/s): ${conflicts} conflicts retried; ` +
        `append latency p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
    );
  });
});
