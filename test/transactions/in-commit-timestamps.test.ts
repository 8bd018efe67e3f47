/**
 * In-commit timestamps never go backwards (PROTOCOL.md, In-Commit Timestamps): each commit's is
 * at least the previous commit's + 1 ms, taken from the snapshot being committed on — a table
 * opened from storage, the winners read after a lost race, or a checkpoint's own commit —
 * whichever writer made it and however far ahead its clock was.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, expect, test } from 'vitest';
import { DeltaTable, fixedClock, writeDeltaTable } from '@delta-serverless/core';
import { assertValidTable } from '../support/validate-table.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-ict-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const newDir = () => fs.mkdtempSync(path.join(root, `t${n++}-`));

const T = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const rows = (id: number) => arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(id)]) });
const ICT = { 'delta.enableInCommitTimestamps': 'true' };

function ictOf(dir: string, version: number): number {
  const file = path.join(dir, '_delta_log', `${String(version).padStart(20, '0')}.json`);
  const first = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]!) as {
    commitInfo?: { inCommitTimestamp?: number };
  };
  return first.commitInfo!.inCommitTimestamp!;
}

test('a writer whose clock is behind commits after the previous commit, on a table opened from storage', async () => {
  const dir = newDir();
  await writeDeltaTable(dir, rows(0), { properties: ICT, engine: { clock: fixedClock(T + HOUR) } });
  await writeDeltaTable(dir, rows(1), { engine: { clock: fixedClock(T) } });
  expect(ictOf(dir, 0)).toBe(T + HOUR);
  expect(ictOf(dir, 1)).toBe(T + HOUR + 1);
  await assertValidTable(dir, { failOnWarnings: true });
});

test('after a lost race, the next in-commit timestamp follows the winners', async () => {
  const dir = newDir();
  await writeDeltaTable(dir, rows(0), { properties: ICT, engine: { clock: fixedClock(T) } });
  const slow = await DeltaTable.open(dir, { engine: { clock: fixedClock(T + 5) } });
  await writeDeltaTable(dir, rows(1), { engine: { clock: fixedClock(T + HOUR) } });
  const res = await slow.append(rows(2));
  expect(res.version).toBe(2);
  expect(res.conflictsRetried).toBe(1);
  expect(ictOf(dir, 2)).toBe(T + HOUR + 1);
  await assertValidTable(dir, { failOnWarnings: true });
});

test('on a table loaded from a checkpoint at its latest version', async () => {
  const dir = newDir();
  await writeDeltaTable(dir, rows(0), { properties: ICT, engine: { clock: fixedClock(T + HOUR) } });
  await (await DeltaTable.open(dir)).checkpoint();
  expect(fs.existsSync(path.join(dir, '_delta_log', '00000000000000000000.checkpoint.parquet'))).toBe(true);
  await writeDeltaTable(dir, rows(1), { engine: { clock: fixedClock(T) } });
  expect(ictOf(dir, 1)).toBe(T + HOUR + 1);
  await assertValidTable(dir, { failOnWarnings: true });
});
