/**
 * Crash injection in dynamodb mode at each step of the commit protocol: right after the temp
 * write, after the PutItem (claim), after the N.json copy, and before the completion mark
 * (UpdateItem). A writer stops there — its call fails, it freezes (and may come back later),
 * or its process is SIGKILLed — and then a NEW writer (holding a snapshot from before the
 * crash) and a NEW reader must recover: no version lost or duplicated, every committed row
 * present exactly once, the half-done commit visible exactly once (if it was claimed).
 * The SIGKILL version (a real dead process) is coordinator-crash-sigkill.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { CommitFailedError, DeltaTable } from '@delta-serverless/core';
import { BASE, FAIL_FAST, RESCUER, VICTIM, baseTable, claimed, expectWhole, sorted } from './support/crash-check.js';
import { COMMIT_STEPS, Gate, InjectedFailure, hookClients, isStep } from './support/sdk-hooks.js';
import { batch, newClients, openStore, readIds, storageOptions } from './support/tables.js';

describe('a writer whose call fails at a commit step (after the step took effect)', () => {
  for (const step of COMMIT_STEPS) {
    test(`${step}: the writer reports the truth, the next writer and reader agree`, async () => {
      const t = await baseTable();
      const rescuer = await DeltaTable.open(t.uri, { store: openStore(t, 'dynamodb') });
      const clients = newClients(storageOptions('dynamodb', t.lockTable));
      let fired = false;
      await hookClients(clients, (call, phase) => {
        if (fired || !isStep(step, call, phase)) return;
        fired = true;
        throw new InjectedFailure(step);
      });
      const victim = await DeltaTable.open(t.uri, { store: openStore(t, 'dynamodb', clients) });
      const outcome = await victim.append(batch(VICTIM, 'victim')).then(
        (r) => r.version,
        (e: unknown) => e,
      );
      expect(fired).toBe(true);
      if (claimed(step)) {
        // Its own recovery finished the claimed commit: success at version 1.
        expect(outcome).toBe(1);
      } else {
        expect(outcome).toBeInstanceOf(CommitFailedError);
        expect((outcome as Error).message).toMatch(/Nothing was committed/);
      }
      const r = await rescuer.append(batch(RESCUER, 'rescuer'), FAIL_FAST);
      expect(r.version).toBe(claimed(step) ? 2 : 1);
      await expectWhole(t, r.version, claimed(step) ? sorted(BASE, VICTIM, RESCUER) : sorted(BASE, RESCUER));
    });
  }
});

describe('a writer that freezes at a commit step (a dead process that may come back)', () => {
  for (const step of COMMIT_STEPS) {
    for (const order of ['writer first', 'reader first'] as const) {
      test(`${step}, ${order}: recovered once; the thawed writer does not commit twice`, async () => {
        const t = await baseTable();
        const rescuer = await DeltaTable.open(t.uri, { store: openStore(t, 'dynamodb') });
        const clients = newClients(storageOptions('dynamodb', t.lockTable));
        const gate = new Gate();
        let fired = false;
        await hookClients(clients, async (call, phase) => {
          if (fired || !isStep(step, call, phase)) return;
          fired = true;
          await gate.wait();
        });
        const victim = await DeltaTable.open(t.uri, { store: openStore(t, 'dynamodb', clients) });
        const victimWrite = victim.append(batch(VICTIM, 'victim'));
        await gate.reached;

        const readNow = async () => {
          const reader = await DeltaTable.open(t.uri, { store: openStore(t, 'dynamodb') });
          return { version: reader.version, ids: await readIds(reader) };
        };
        let seen: { version: number; ids: number[] };
        let rescued: number;
        if (order === 'writer first') {
          rescued = (await rescuer.append(batch(RESCUER, 'rescuer'), FAIL_FAST)).version;
          seen = await readNow();
          expect(seen.version).toBe(rescued);
        } else {
          seen = await readNow();
          expect(seen.version).toBe(claimed(step) ? 1 : 0);
          rescued = (await rescuer.append(batch(RESCUER, 'rescuer'), FAIL_FAST)).version;
          seen = await readNow();
        }
        expect(rescued).toBe(claimed(step) ? 2 : 1);
        expect(seen.ids).toEqual(claimed(step) ? sorted(BASE, VICTIM, RESCUER) : sorted(BASE, RESCUER));

        // The frozen writer comes back: a claimed commit is already its own (version 1); an
        // unclaimed one loses version 1 and commits after the rescuer.
        gate.release();
        const v = await victimWrite;
        expect(v.version).toBe(claimed(step) ? 1 : 2);
        await expectWhole(t, 2, sorted(BASE, VICTIM, RESCUER));
      });
    }
  }
});
