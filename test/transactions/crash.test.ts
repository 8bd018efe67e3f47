/**
 * Crash safety under SIGKILL: a child appends batch after batch and is killed at random moments
 * (during Parquet uploads, commits, checkpoints, ...). After every kill the table must open, read
 * exactly the rows of its committed versions, have contiguous, untorn commits and validate.
 */
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { tempDir } from '../support/txn-harness.js';
import { checkAfterCrash, prng, startCrasher } from './crash-check.js';

const KILLS = 15;

describe('SIGKILL during appends', () => {
  test(`${KILLS} random kills: no committed data lost, no torn commit, valid table`, { timeout: 180_000 }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const dir = path.join(tempDir('crash'), 't');
    const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int64()), new arrow.Field('p', new arrow.Utf8()), new arrow.Field('v', new arrow.Float64())]);
    // Checkpoints every 5 versions, so kills also land in checkpoint writes.
    await DeltaTable.create(dir, { schema, partitionBy: ['p'], properties: { 'delta.checkpointInterval': '5' } });
    const log: string[] = [];
    let last = { version: 0, batches: 0, rows: 0, temps: 0 };
    // Children start (about 3 s of module loading) two runs ahead, overlapping the kills and checks.
    const children = Array.from({ length: KILLS }, (_, run) => () => startCrasher({ dir, mode: 'append', run }));
    const started = [children[0]!(), children[1]!()];
    for (let run = 0; run < KILLS; run++) {
      if (run + 2 < KILLS) started.push(children[run + 2]!());
      const delay = Math.floor(random() * 900);
      await started[run]!.run(delay);
      // Data is fully checked every 5th kill and at the end; log, files and rows every time.
      const check = await checkAfterCrash(dir, 'append', { checkData: run % 5 === 4 || run === KILLS - 1 });
      expect(check.version).toBeGreaterThanOrEqual(last.version);
      expect(check.rows).toBeGreaterThanOrEqual(last.rows); // appends only: nothing committed disappears
      log.push(`kill ${run} after ${delay} ms -> v${check.version}`);
      last = check;
    }
    console.log(`[crash] seed ${seed}: ${log.join(', ')}; ${last.batches} batches, ${last.rows} rows, ${last.temps} stray temp files`);
    // The kills did interrupt a working writer: versions advanced across the runs.
    expect(last.version).toBeGreaterThan(KILLS);
  });
});
