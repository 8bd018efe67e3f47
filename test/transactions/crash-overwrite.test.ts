/**
 * Crash safety of overwrites under SIGKILL: after every kill the table shows exactly the rows of
 * the last committed overwrite (never a mix, never nothing once something was committed).
 */
import { describe, expect, test } from 'vitest';
import { randomKills } from './crash-check.js';

const KILLS = 10;

describe('SIGKILL during overwrites', () => {
  test(
    `${KILLS} random kills: the last committed overwrite is exactly what is visible`,
    { timeout: 180_000 },
    async () => {
      const { summary, last } = await randomKills('overwrite', KILLS);
      console.log(`[crash] ${summary}`);
      expect(last.version).toBeGreaterThan(KILLS / 3);
    },
  );
});
