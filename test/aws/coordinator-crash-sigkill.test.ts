/**
 * Crash injection with real process death: a child (support/crash-writer.ts) appends in
 * dynamodb mode and SIGKILLs itself at one of the four commit steps (after the temp write,
 * after the PutItem, after the N.json copy, before the UpdateItem). Then a writer holding a
 * snapshot from before the crash appends, and a reader opens: the killed commit surfaces
 * exactly once when it was claimed, never when it was not, and nothing else is lost.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { BASE, FAIL_FAST, RESCUER, VICTIM, baseTable, claimed, expectWhole, sorted } from './support/crash-check.js';
import type { CrashWriterConfig } from './support/crash-writer.js';
import { COMMIT_STEPS } from './support/sdk-hooks.js';
import { batch, lockEntries, openStore, storageOptions } from './support/tables.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'crash-writer.ts');

function runCrashWriter(
  cfg: CrashWriterConfig,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = fork(FIXTURE, [JSON.stringify(cfg)], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
}

describe('SIGKILL at each commit step (child process)', () => {
  test('killed after temp / PutItem / copy / before UpdateItem: a writer and a reader recover', async () => {
    const cases = await Promise.all(
      COMMIT_STEPS.map(async (step) => {
        const t = await baseTable();
        // Opened before the crash: its commit must get past the dead writer's claim itself.
        const rescuer = await DeltaTable.open(t.uri, { store: openStore(t, 'dynamodb') });
        const run = await runCrashWriter({
          uri: t.uri,
          storageOptions: storageOptions('dynamodb', t.lockTable),
          step,
          ids: VICTIM,
        });
        return { step, t, rescuer, run };
      }),
    );
    for (const { step, t, rescuer, run } of cases) {
      expect(run.signal, `${step}: child ended with code ${run.code}\n${run.stderr}`).toBe('SIGKILL');
      // What the dead writer left: a claimed entry stays incomplete until someone recovers it.
      const entries = await lockEntries(t.lockTable, t.uri);
      expect(
        entries.map((e) => e['complete']?.S),
        step,
      ).toEqual(claimed(step) ? ['true', 'false'] : ['true']);
      const r = await rescuer.append(batch(RESCUER, 'rescuer'), FAIL_FAST);
      expect(r.version, step).toBe(claimed(step) ? 2 : 1);
      await expectWhole(t, r.version, claimed(step) ? sorted(BASE, VICTIM, RESCUER) : sorted(BASE, RESCUER));
    }
  });

  test('killed after the PutItem, then only a reader: it recovers the commit', async () => {
    const t = await baseTable();
    const run = await runCrashWriter({
      uri: t.uri,
      storageOptions: storageOptions('dynamodb', t.lockTable),
      step: 'after-put-item',
      ids: VICTIM,
    });
    expect(run.signal, run.stderr).toBe('SIGKILL');
    await expectWhole(t, 1, sorted(BASE, VICTIM));
  });
});
