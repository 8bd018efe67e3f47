/**
 * Randomized VACUUM safety: a seeded sequence of appends, overwrites, replaceWhere
 * overwrites, restores, OPTIMIZE and vacuums (lite and full) with the clock advancing. After
 * every vacuum, every version inside the retention window must read exactly the rows the
 * test expects, and no version may ever read wrong data (older ones may only fail with
 * MissingDataFileError).
 */
import { mulberry32 as rng } from '../../../test/support/prng.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MissingDataFileError } from '../../errors.js';
import { MemoryStore } from '../../storage/memory-store.js';
import { DeltaTable } from '../../table/delta-table.js';
import { optimize } from '../optimize/index.js';
import { rows } from '../../../test/support/vacuum-tables.js';
import { vacuum } from './vacuum.js';

const MINUTE = 60_000;
const RETENTION_MS = 60 * MINUTE;
const PARTS = ['a', 'b', 'c'];

type Row = string; // `${id}:${part}`

async function readRows(table: DeltaTable, version: number): Promise<Row[]> {
  const t = await table.toArrow({ version });
  const id = t.getChild('id')!;
  const part = t.getChild('part')!;
  const out: Row[] = [];
  for (let i = 0; i < t.numRows; i++) out.push(`${String(id.get(i))}:${String(part.get(i))}`);
  return out.sort();
}

describe('randomized VACUUM keeps every version inside the retention window readable', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2024, 0, 1));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([11, 2024])('seed %i', async (seed) => {
    const random = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const store = new MemoryStore(`memory://random-${seed}`);
    const table = await DeltaTable.create(store, {
      schema: rows([1], ['a']).schema,
      partitionBy: ['part'],
      properties: { 'delta.deletedFileRetentionDuration': 'interval 1 hours', 'delta.checkpointInterval': '7' },
    });
    const expected = new Map<number, Row[]>([[0, []]]);
    const committedAt = new Map<number, number>([[0, Date.now()]]);
    let nextId = 0;
    let vacuums = 0;
    let deletedTotal = 0;
    // Files deleted stay deleted: a later vacuum with a longer retention does not widen the window.
    let floor = -Infinity;

    const newRows = (n: number, parts: readonly string[]) => {
      const ids = Array.from({ length: n }, () => nextId++);
      const ps = ids.map(() => pick(parts));
      return { data: rows(ids, ps), expect: ids.map((id, i) => `${id}:${ps[i]}`) };
    };
    /** Record versions (prev, latest] as holding `data`, committed now. */
    const record = (from: number, data: Row[]) => {
      for (let v = from + 1; v <= table.version; v++) {
        expected.set(v, [...data].sort());
        committedAt.set(v, Date.now());
      }
    };
    /** Versions every vacuum so far had to keep: the latest, and any replaced at or after every cutoff. */
    const inWindow = () => [...expected.keys()].filter((v) => v === table.version || committedAt.get(v + 1)! >= floor);

    for (let step = 0; step < 45; step++) {
      vi.setSystemTime(Date.now() + Math.floor(random() * 25 * MINUTE));
      const before = table.version;
      const current = expected.get(before)!;
      const op =
        step < 3
          ? 'append'
          : pick(['append', 'append', 'overwrite', 'replaceWhere', 'restore', 'optimize', 'vacuum', 'vacuum']);
      if (op === 'append') {
        const r = newRows(1 + Math.floor(random() * 4), PARTS);
        await table.append(r.data);
        record(before, [...current, ...r.expect]);
      } else if (op === 'overwrite') {
        const r = newRows(1 + Math.floor(random() * 4), PARTS);
        await table.overwrite(r.data);
        record(before, r.expect);
      } else if (op === 'replaceWhere') {
        const p = pick(PARTS);
        const r = newRows(1 + Math.floor(random() * 3), [p]);
        await table.overwrite(r.data, { replaceWhere: `part = '${p}'` });
        record(before, [...current.filter((x) => !x.endsWith(`:${p}`)), ...r.expect]);
      } else if (op === 'restore') {
        const candidates = inWindow().filter((v) => v !== before);
        if (candidates.length === 0) continue;
        const target = pick(candidates);
        await table.restore({ version: target });
        record(before, expected.get(target)!);
      } else if (op === 'optimize') {
        await optimize(await table.refresh(), { minFilesPerBin: 2 });
        await table.refresh();
        record(before, current);
      } else {
        const mode = pick(['lite', 'full'] as const);
        const longer = random() < 0.3;
        const r = await vacuum(table.snapshot, { mode, ...(longer ? { retentionHours: 2 } : {}) });
        await table.refresh();
        record(before, current);
        vacuums++;
        deletedTotal += r.numFilesDeleted;
        const cutoff = Date.now() - (longer ? 2 * RETENTION_MS : RETENTION_MS);
        expect(r.cutoffTimestamp).toBe(cutoff);
        floor = Math.max(floor, cutoff);
        const window = new Set(inWindow());
        for (const v of expected.keys()) {
          if (window.has(v)) {
            expect(await readRows(table, v), `seed ${seed} step ${step}: version ${v} (${mode})`).toEqual(
              expected.get(v),
            );
          } else {
            // Outside the window a version may be gone, but must never read wrong rows.
            const got = await readRows(table, v).catch((err: unknown) => err);
            if (got instanceof Error) expect(got).toBeInstanceOf(MissingDataFileError);
            else expect(got).toEqual(expected.get(v));
          }
        }
      }
      expect(table.version).toBeGreaterThanOrEqual(before);
    }
    expect(vacuums).toBeGreaterThan(3);
    expect(deletedTotal).toBeGreaterThan(0);
  });
});
