/**
 * Crash safety under SIGKILL: a child appends batch after batch and is killed at random moments
 * (during Parquet uploads, commits, checkpoints, ...). After every kill the table must open, read
 * exactly the rows of its committed versions, have contiguous, untorn commits and validate.
 * Deterministic crash points are in crash-points.test.ts, overwrites in crash-overwrite.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { randomKills } from './crash-check.js';

const KILLS = 15;

describe('SIGKILL during appends', () => {
  test(`${KILLS} random kills: no committed data lost, no torn commit, valid table`, { timeout: 180_000 }, async () => {
    const { summary, last } = await randomKills('append', KILLS);
    console.log(`[crash] ${summary}`);
    // The kills interrupted a working writer: versions advanced across the runs.
    expect(last.version).toBeGreaterThan(KILLS / 3);
  });
});
