/**
 * Concurrent first writes: several OS processes write to a location with no table. Exactly one
 * creates version 0; the others notice (put-if-absent of version 0 fails) and append on top when
 * the created layout fits their data, or fail with a typed error and leave nothing behind.
 */
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { orphanDataFiles, rawCommits, readIds, tempDir, validate } from '../support/txn-harness.js';
import { runWriters, type WriterOutcome } from './run-writers.js';

function failures(outcomes: WriterOutcome[]): string {
  return outcomes
    .filter((o) => o.type === 'error')
    .map((o) => `writer ${o.worker}: ${o.type === 'error' ? `${o.name}: ${o.message}` : ''}\n${o.stderr}`)
    .join('\n');
}

describe('concurrent first writes', () => {
  test(
    '6 processes, same schema: one creates, every row lands, versions contiguous',
    { timeout: 120_000 },
    async () => {
      const dir = path.join(tempDir('create-race'), 't');
      const outcomes = await runWriters(
        Array.from({ length: 6 }, (_, worker) => ({ dir, worker, iterations: 2, rowsPerBatch: 4, firstWrite: true })),
      );
      expect(failures(outcomes)).toBe('');
      const done = outcomes.filter((o) => o.type === 'done');
      expect(done.length).toBe(6);
      // Exactly one write created the table, and it did so at version 0.
      const creators = done.flatMap((o) => o.created.map((c, i) => (c ? o.versions[i] : -1))).filter((v) => v >= 0);
      expect(creators).toEqual([0]);
      expect(done.flatMap((o) => o.versions).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
      expect(rawCommits(dir).map((c) => c.version)).toEqual([...Array(12).keys()]);
      // Only version 0 carries protocol and metadata: the losers appended, they did not re-create.
      expect(
        rawCommits(dir)
          .filter((c) => c.actions.some((a) => a.metaData || a.protocol))
          .map((c) => c.version),
      ).toEqual([0]);
      const want = done.flatMap((o) => o.ids).sort((a, b) => a - b);
      expect(want.length).toBe(6 * 2 * 4);
      expect(await readIds(dir)).toEqual(want);
      expect(orphanDataFiles(dir)).toEqual([]);
      await validate(dir);
    },
  );

  test(
    'a writer with an incompatible schema that loses the creation race fails typed and commits nothing',
    { timeout: 120_000 },
    async () => {
      const dir = path.join(tempDir('create-mismatch'), 't');
      const outcomes = await runWriters(
        Array.from({ length: 6 }, (_, worker) => ({
          dir,
          worker,
          iterations: 1,
          rowsPerBatch: 4,
          firstWrite: true,
          stringIds: worker === 5,
          loseCreate: worker === 5,
        })),
      );
      const odd = outcomes.find((o) => o.worker === 5)!;
      expect(odd.type).toBe('error');
      if (odd.type !== 'error') return;
      expect([odd.name, odd.code]).toEqual(['SchemaMismatchError', 'SCHEMA_MISMATCH']);
      expect(odd.message).toMatch(/created concurrently by another writer/);
      expect(odd.exitCode).toBe(1);

      const others = outcomes.filter((o) => o.worker !== 5);
      expect(failures(others)).toBe('');
      expect(rawCommits(dir).map((c) => c.version)).toEqual([0, 1, 2, 3, 4]);
      const table = await DeltaTable.open(dir);
      expect(table.snapshot.schema.fields.find((f) => f.name === 'id')?.type).toEqual({ type: 'long' });
      const want = others.flatMap((o) => o.ids).sort((a, b) => a - b);
      expect(await readIds(dir)).toEqual(want);
      // Its data files were removed, none is referenced.
      expect(orphanDataFiles(dir)).toEqual([]);
      await validate(dir);
    },
  );
});
