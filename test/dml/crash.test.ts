/**
 * SIGKILL during DELETE and UPDATE (deletion vectors and copy-on-write, change data feed on):
 * a child runs statement after statement and is killed at random moments. After every kill the
 * table opens, every commit file parses, versions are contiguous, the rows are exactly those
 * the committed statements produce (each statement all or nothing) and the table validates.
 */
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { prng } from '../transactions/crash-check.js';
import {
  captureStderr,
  commitInfoOf,
  exited,
  forkFixture,
  message,
  rawCommits,
  rows,
  tempDir,
  validate,
} from '../support/txn-harness.js';
import { applyStatement, dmlStatement } from './fixtures/dml-statements.js';

const KILLS = 5;

function start(dir: string) {
  const child = forkFixture('../../dml/fixtures/dml-crasher.ts', [JSON.stringify({ dir })]);
  const stderr = captureStderr(child);
  const ended = exited(child);
  const warm = message<{ type: string }>(child, (m) => m.type === 'warm');
  warm.catch(() => undefined);
  return {
    async run(first: number, killAfterMs: number): Promise<void> {
      await warm;
      const ready = message<{ type: string }>(child, (m) => m.type === 'ready');
      child.send({ first });
      await ready;
      setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const e = await ended;
      if (e.signal !== 'SIGKILL') throw new Error(`crasher ended with ${e.code ?? e.signal}:\n${stderr()}`);
    },
  };
}

async function tableRows(dir: string): Promise<Map<number, number>> {
  const t = await (await DeltaTable.open(dir)).toArrow({ columns: ['id', 'v'] });
  const out = new Map<number, number>();
  for (const b of t.batches)
    for (let i = 0; i < b.numRows; i++) out.set(Number(b.getChild('id')!.get(i)), Number(b.getChild('v')!.get(i)));
  return out;
}

describe('SIGKILL during DELETE and UPDATE', () => {
  test(`${KILLS} random kills: each statement all or nothing, valid table`, { timeout: 180_000 }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const dir = path.join(tempDir('dml-crash'), 't');
    const props = { 'delta.enableDeletionVectors': 'true', 'delta.enableChangeDataFeed': 'true' };
    for (let f = 0; f < 10; f++)
      await writeDeltaTable(
        dir,
        rows(Array.from({ length: 100 }, (_, i) => f * 100 + i)),
        f === 0 ? { properties: props } : {},
      );
    const initial = await tableRows(dir);
    let next = 0;
    const log: string[] = [];
    // Children start (seconds of module loading) one run ahead, overlapping the kills and checks.
    const children = [start(dir)];
    for (let run = 0; run < KILLS; run++) {
      if (run + 1 < KILLS) children.push(start(dir));
      const delay = 200 + Math.floor(random() * 1500);
      await children[run]!.run(next, delay);
      const commits = rawCommits(dir);
      expect(commits.map((c) => c.version)).toEqual([...commits.keys()]);
      const done = commits.slice(10).map((c) => Number(commitInfoOf(c).userMetadata));
      expect(done).toEqual([...done.keys()]); // statements commit in order, none twice
      const want = new Map(initial);
      for (const k of done) applyStatement(want, dmlStatement(k));
      expect(await tableRows(dir)).toEqual(want);
      await validate(dir, { checkData: run === KILLS - 1 });
      log.push(`${delay}ms->${done.length}`);
      next = done.length;
    }
    console.log(`[dml-crash] seed ${seed}: ${log.join(' ')}`);
    expect(next).toBeGreaterThan(1); // the kills interrupted a working writer
  });
});
