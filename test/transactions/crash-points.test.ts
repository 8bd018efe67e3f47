/**
 * Crashes at chosen points: the child SIGKILLs itself in the middle of a data-file upload, right
 * after one, in the middle of writing a commit file, right after a commit landed, and in the
 * middle of a checkpoint or `_last_checkpoint` write. Each leaves the table readable with exactly
 * its committed rows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { orphanDataFiles, tempDir, validate } from '../support/txn-harness.js';
import { checkAfterCrash, startCrasher } from './crash-check.js';
import type { CrashPoint } from './fixtures/crasher.js';

function logFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, '_delta_log'));
}

function tempsIn(dir: string, sub = ''): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.startsWith('.ds-tmp-')) n++;
    }
  };
  walk(path.join(dir, sub));
  return n;
}

describe('SIGKILL at chosen points', () => {
  test(
    'data upload, commit write, checkpoint write: each crash leaves a consistent table',
    { timeout: 180_000 },
    async () => {
      const dir = path.join(tempDir('crash-points'), 't');
      const schema = new arrow.Schema([
        new arrow.Field('id', new arrow.Int64()),
        new arrow.Field('p', new arrow.Utf8()),
        new arrow.Field('v', new arrow.Float64()),
      ]);
      await DeltaTable.create(dir, { schema, partitionBy: ['p'], properties: { 'delta.checkpointInterval': '5' } });

      const points: CrashPoint[] = [
        { target: 'data', nth: 2, when: 'midstream' },
        { target: 'data', nth: 1, when: 'after' },
        { target: 'commit', nth: 2, when: 'midstream' },
        { target: 'commit', nth: 1, when: 'after' },
        { target: 'checkpoint', nth: 1, when: 'midstream' },
        { target: 'last-checkpoint', nth: 1, when: 'midstream' },
      ];
      // Start every child now: they warm up in parallel and wait for their turn.
      const children = points.map((crash, run) => startCrasher({ dir, mode: 'append', run, crash }));
      let before = await checkAfterCrash(dir, 'append');
      const summary: string[] = [];
      for (const [run, crash] of points.entries()) {
        const label = `${crash.target}/${crash.when}#${crash.nth}`;
        const orphansBefore = orphanDataFiles(dir).length;
        const logTempsBefore = tempsIn(dir, '_delta_log');
        await children[run]!.run();
        const after = await checkAfterCrash(dir, 'append');
        const latest = after.version;
        switch (`${crash.target}/${crash.when}`) {
          case 'data/midstream': // a torn upload is a temp file, never a visible data file
            expect(latest, label).toBe(before.version + (crash.nth > 1 ? 1 : 0));
            expect(after.temps, label).toBeGreaterThan(before.temps);
            break;
          case 'data/after': // uploaded, never committed: an orphan, not data
            expect(latest, label).toBe(before.version);
            expect(orphanDataFiles(dir).length, label).toBeGreaterThan(orphansBefore);
            break;
          case 'commit/midstream': // the torn commit is a temp file in _delta_log, not a version
            expect(latest, label).toBe(before.version + 1);
            expect(tempsIn(dir, '_delta_log'), label).toBeGreaterThan(logTempsBefore);
            break;
          case 'commit/after': // landed before the crash: it counts
            expect(latest, label).toBe(before.version + 1);
            expect(after.rows, label).toBeGreaterThan(before.rows);
            break;
          case 'checkpoint/midstream': {
            // The commit that triggered the checkpoint is in place; its checkpoint is not.
            expect(latest % 5, label).toBe(0);
            expect(logFiles(dir), label).not.toContain(`${String(latest).padStart(20, '0')}.checkpoint.parquet`);
            break;
          }
          case 'last-checkpoint/midstream': {
            // The checkpoint was written; _last_checkpoint still names an older one (or none).
            expect(latest % 5, label).toBe(0);
            expect(logFiles(dir), label).toContain(`${String(latest).padStart(20, '0')}.checkpoint.parquet`);
            const hint = path.join(dir, '_delta_log', '_last_checkpoint');
            if (fs.existsSync(hint))
              expect((JSON.parse(fs.readFileSync(hint, 'utf8')) as { version: number }).version, label).toBeLessThan(
                latest,
              );
            break;
          }
        }
        summary.push(
          `${label}: v${before.version}->v${latest}, ${after.temps} temp files, ${orphanDataFiles(dir).length} orphans`,
        );
        before = after;
      }
      console.log(`[crash-points] ${summary.join('; ')}`);
      // A healthy writer continues on top of everything the crashes left behind.
      const table = await DeltaTable.open(dir);
      const r = await table.append(
        new arrow.Table({
          id: arrow.makeVector(BigInt64Array.from([-1n])),
          p: arrow.vectorFromArray(['x'], new arrow.Utf8()),
          v: arrow.makeVector(Float64Array.from([0])),
        }),
      );
      expect(r.version).toBe(before.version + 1);
      await validate(dir); // (each crash was validated by checkAfterCrash)
    },
  );
});
