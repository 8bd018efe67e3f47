/**
 * Parent side of fixtures/crasher.ts: run it until it is killed (or kills itself), then check the
 * table the way a reader after a crash would see it.
 */
import { mulberry32 as prng } from '../../packages/core/test/support/prng.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import * as arrow from 'apache-arrow';
import { DeltaTable } from '@delta-serverless/core';
import {
  commitInfoOf,
  captureStderr,
  exited,
  forkFixture,
  message,
  rawCommits,
  readIds,
  tempDir,
  validate,
} from '../support/txn-harness.js';
import { batchIds } from './fixtures/crash-batches.js';
import type { CrasherConfig } from './fixtures/crasher.js';

export { prng };

export interface Crasher {
  /** Lets the warmed-up child open the table and write; resolves with how it ended. */
  run(killAfterMs?: number): Promise<{ signal: string | null; code: number | null }>;
}

/**
 * Forks the crasher and lets it warm up (so its startup overlaps the parent's checks). `run`
 * then releases it and, once it has opened the table, SIGKILLs it after `killAfterMs`, or, when
 * undefined, waits for it to kill itself.
 */
export function startCrasher(cfg: CrasherConfig): Crasher {
  const child = forkFixture('crasher.ts', [JSON.stringify(cfg)]);
  const stderr = captureStderr(child);
  const ended = exited(child);
  const warm = message<{ type: string }>(child, (m) => m.type === 'warm');
  warm.catch(() => undefined);
  const fail = async (what: string) => {
    const e = await ended;
    return new Error(`crasher ended (${e.code ?? e.signal}) ${what}:\n${stderr()}`);
  };
  return {
    async run(killAfterMs) {
      await warm.catch(async () => {
        throw await fail('while warming up');
      });
      const ready = message<{ type: string }>(child, (m) => m.type === 'ready');
      child.send('go');
      await ready.catch(async () => {
        throw await fail('before opening the table');
      });
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const e = await ended;
      if (e.signal !== 'SIGKILL')
        throw new Error(`crasher ended with ${e.code ?? e.signal}, expected SIGKILL:\n${stderr()}`);
      return e;
    },
  };
}

function tempFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.startsWith('.ds-tmp-')) out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

export interface CrashCheck {
  version: number;
  batches: number;
  rows: number;
  temps: number;
}

/**
 * After a crash: every log JSON parses, versions are contiguous, the table opens and reads
 * exactly the rows of its committed batches (appends: all of them; overwrites: the last),
 * and the validator passes (temp files and unreferenced data files are tolerated).
 */
export async function checkAfterCrash(
  dir: string,
  mode: CrasherConfig['mode'],
  opts: { checkData?: boolean } = {},
): Promise<CrashCheck> {
  const logDir = path.join(dir, '_delta_log');
  for (const name of fs.readdirSync(logDir)) {
    if (name === '_last_checkpoint' || name.endsWith('.json')) {
      const text = fs.readFileSync(path.join(logDir, name), 'utf8');
      for (const line of text.split('\n').filter((l) => l.trim() !== ''))
        expect(() => JSON.parse(line), `${name} is torn`).not.toThrow();
    }
  }
  const commits = rawCommits(dir);
  const versions = commits.map((c) => c.version);
  expect(versions).toEqual([...versions.keys()]);
  const batches = commits.slice(1).map((c) => Number(commitInfoOf(c).userMetadata));
  expect(batches.every(Number.isInteger)).toBe(true);
  expect(new Set(batches).size).toBe(batches.length); // no batch committed twice

  const visible = mode === 'append' ? batches : batches.slice(-1);
  const want = visible.flatMap(batchIds).sort((a, b) => a - b);
  if (mode === 'append') {
    const logged = commits
      .slice(1)
      .reduce((n, c) => n + Number((commitInfoOf(c).operationMetrics as Record<string, string>).numOutputRows), 0);
    expect(logged).toBe(want.length);
  }
  const table = await DeltaTable.open(dir);
  expect(table.version).toBe(versions.length - 1);
  const got = await readIds(dir);
  expect(got.length).toBe(want.length);
  expect(got).toEqual(want);
  await validate(dir, { checkData: opts.checkData !== false });
  return { version: versions.length - 1, batches: batches.length, rows: got.length, temps: tempFiles(dir).length };
}

/**
 * Kills a writer `kills` times at random moments (seeded; CRASH_SEED replays a run), checking
 * the table after each kill. Returns a one-line summary for the test log.
 */
export async function randomKills(
  mode: CrasherConfig['mode'],
  kills: number,
): Promise<{ summary: string; last: CrashCheck }> {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const random = prng(seed);
  const dir = path.join(tempDir(`crash-${mode}`), 't');
  const schema = new arrow.Schema([
    new arrow.Field('id', new arrow.Int64()),
    new arrow.Field('p', new arrow.Utf8()),
    new arrow.Field('v', new arrow.Float64()),
  ]);
  // Checkpoints every 5 versions, so kills also land in checkpoint writes.
  await DeltaTable.create(dir, { schema, partitionBy: ['p'], properties: { 'delta.checkpointInterval': '5' } });
  // Children start (seconds of module loading) two runs ahead, overlapping the kills and checks.
  const start = (run: number) => startCrasher({ dir, mode, run });
  const started = [start(0), start(1)];
  const log: string[] = [];
  let last: CrashCheck = { version: 0, batches: 0, rows: 0, temps: 0 };
  for (let run = 0; run < kills; run++) {
    if (run + 2 < kills) started.push(start(run + 2));
    const delay = Math.floor(random() * 900);
    await started[run]!.run(delay);
    // Data is fully checked every 5th kill and at the end; log, files and rows every time.
    const check = await checkAfterCrash(dir, mode, { checkData: run % 5 === 4 || run === kills - 1 });
    expect(check.version).toBeGreaterThanOrEqual(last.version);
    if (mode === 'append') expect(check.rows).toBeGreaterThanOrEqual(last.rows); // nothing committed disappears
    log.push(`${delay}ms->v${check.version}`);
    last = check;
  }
  const summary = `seed ${seed} (${mode}): kills ${log.join(' ')}; ${last.batches} batches, ${last.rows} rows visible, ${last.temps} stray temp files`;
  return { summary, last };
}
