/**
 * OPTIMIZE against live appenders on S3, for each commit coordinator: 4 OS processes append
 * small batches (one file each) to a partitioned table while this process runs bin-packing
 * OPTIMIZE on the same table in a loop, then once more after the writers stop. Every append
 * and every OPTIMIZE must get its own version (contiguous, no gap), OPTIMIZE commits carry
 * operation OPTIMIZE and only dataChange=false actions, and the table holds every appended
 * row exactly once in one file per partition. Then VACUUM (retention 0, check off) deletes
 * the compacted-away files through DeleteObjects batches: the current version still reads and
 * a pre-OPTIMIZE version fails with MissingDataFileError naming VACUUM.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable, MissingDataFileError, type OptimizeResult } from '@delta-serverless/core';
import { versionPrefix } from '@delta-serverless/core/internal';
import { createClients, createS3Store, resolveAwsConfig } from '@delta-serverless/aws';
import { getText, newBucket, services } from '../services/index.js';
import { COORDINATORS, listAllKeys, removeTempDirs, validateS3Table } from './fixtures/s3-tables.js';
import { createPhaseTables, spawnS3Writers, type PhaseTable, type WriterPool } from './fixtures/s3-writer-pool.js';

const PROCESSES = 4;
const APPENDS = 12;
const ROWS = 3;
const APPEND_COMMITS = PROCESSES * APPENDS;

type Actions = Record<string, Record<string, unknown>>[];

let bucket = '';
let phases: PhaseTable[] = [];
let pool: WriterPool;

beforeAll(async () => {
  bucket = await newBucket('ds-opt');
  phases = await createPhaseTables(bucket, 'opt');
  pool = spawnS3Writers(PROCESSES, {
    iterations: APPENDS,
    rowsPerBatch: ROWS,
    // Appends spread over ~2 s so the OPTIMIZE loop always overlaps them, however fast commits are.
    pauseMs: 150,
    phases: phases.map((p) => ({ uri: p.uri, storageOptions: p.storageOptions })),
  });
}, 120_000);

afterAll(async () => {
  await pool?.stop();
  removeTempDirs();
});

async function commitActions(prefix: string, version: number): Promise<Actions> {
  const text = await getText(bucket, `${prefix}/_delta_log/${versionPrefix(version)}.json`);
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

async function ids(table: DeltaTable, version?: number): Promise<number[]> {
  const out = await table.toArrow(version === undefined ? { columns: ['id'] } : { columns: ['id'], version });
  const got: number[] = [];
  for (const b of out.batches) for (const v of b.getChild('id')!) got.push(Number(v as bigint));
  return got.sort((a, b) => a - b);
}

describe(`OPTIMIZE while ${PROCESSES} processes x ${APPENDS} appends on S3, then VACUUM`, () => {
  COORDINATORS.forEach((coordinator, phase) => {
    test(`${coordinator} coordinator`, { timeout: 120_000 }, async () => {
      const spec = phases[phase]!;
      expect(spec.coordinator).toBe(coordinator);
      const table = await DeltaTable.open(spec.uri, { storageOptions: spec.storageOptions });
      const { reports } = await pool.start(phase);
      let writing = true;
      const finished = reports.finally(() => (writing = false));
      finished.catch(() => undefined);

      // OPTIMIZE in a loop while the writers append, then once more after they stop.
      const runs: OptimizeResult[] = [];
      const t0 = Date.now();
      while (writing) {
        runs.push(await table.optimize());
        await new Promise((r) => setTimeout(r, 50));
      }
      const done = await finished;
      const writersMs = Date.now() - t0;
      runs.push(await table.optimize());
      const committed = runs.filter((r) => !r.noop);
      const optimizeVersions = committed.map((r) => r.version);
      const appendVersions = done.flatMap((o) => o.versions);
      const last = Math.max(...appendVersions, ...optimizeVersions);

      // Every append and every OPTIMIZE got its own version; together they are 1..last.
      expect(appendVersions).toHaveLength(APPEND_COMMITS);
      expect([...appendVersions, ...optimizeVersions].sort((a, b) => a - b)).toEqual(
        Array.from({ length: last }, (_, i) => i + 1),
      );
      // At least one OPTIMIZE landed while appends were still being committed.
      expect(optimizeVersions.length).toBeGreaterThanOrEqual(2);
      expect(Math.min(...optimizeVersions)).toBeLessThan(Math.max(...appendVersions));
      expect(committed.at(-1)!.version).toBe(last);

      const history = await table.history();
      const ops = new Map(history.map((h) => [h.version, h.operation]));
      for (const v of optimizeVersions) {
        expect(ops.get(v), `operation of ${v}`).toBe('OPTIMIZE');
        const actions = await commitActions(spec.prefix, v);
        const changes = actions.filter((a) => a['add'] || a['remove']);
        expect(changes.length).toBeGreaterThan(2);
        for (const a of changes) expect((a['add'] ?? a['remove'])!['dataChange'], `dataChange in ${v}`).toBe(false);
      }
      for (const v of appendVersions) expect(ops.get(v)).toBe('WRITE');

      // Every row exactly once, in one file per partition after the final OPTIMIZE.
      const want = done.flatMap((o) => o.ids).sort((a, b) => a - b);
      expect(want).toHaveLength(APPEND_COMMITS * ROWS);
      const fresh = await DeltaTable.open(spec.uri, { storageOptions: spec.storageOptions });
      expect(fresh.version).toBe(last);
      expect(await ids(fresh)).toEqual(want);
      expect(fresh.snapshot.files()).toHaveLength(2);
      await validateS3Table({ bucket, prefix: spec.prefix }); // the independent validator, after OPTIMIZE
      const before = Math.min(...optimizeVersions) - 1;
      const rowsBefore = await ids(fresh, before);
      expect(rowsBefore.length).toBeGreaterThan(0);

      // VACUUM with an instrumented client: the files OPTIMIZE removed go in DeleteObjects batches.
      const dataKeys = async () =>
        (await listAllKeys(bucket, `${spec.prefix}/`)).filter(
          (k) => k.endsWith('.parquet') && !k.includes('/_delta_log/'),
        );
      const keysBefore = await dataKeys();
      const removedByOptimize = keysBefore.length - 2;
      const added = committed.reduce((n, r) => n + r.metrics.numFilesAdded, 0);
      expect(keysBefore).toHaveLength(APPEND_COMMITS + added);
      const clients = createClients(resolveAwsConfig(spec.storageOptions));
      try {
        const store = createS3Store(spec.uri, { storageOptions: spec.storageOptions, clients });
        const vt = await DeltaTable.open(spec.uri, { store });
        await new Promise((r) => setTimeout(r, 5)); // tombstones strictly older than "now - 0h"
        clients.counter.reset();
        const batch = 8;
        const v = await vt.vacuum({ retentionHours: 0, enforceRetention: false, deleteBatchSize: batch });
        expect(v.numFilesDeleted).toBe(removedByOptimize);
        expect(clients.counter.count('s3:DeleteObjects')).toBe(Math.ceil(removedByOptimize / batch));
        expect(clients.counter.count('s3:DeleteObject')).toBe(0);
        expect(v.endVersion).toBe(last + 2);
        const keysAfter = await dataKeys();
        expect(keysAfter).toHaveLength(2);
        expect(new Set(fresh.snapshot.files().map((f) => `${spec.prefix}/${decodeURIComponent(f.path)}`))).toEqual(
          new Set(keysAfter),
        );
        expect(await ids(vt)).toEqual(want);
        await validateS3Table({ bucket, prefix: spec.prefix }); // and after VACUUM
        const err = await ids(vt, before).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(MissingDataFileError);
        expect((err as Error).message).toMatch(/missing from storage: it was probably removed by VACUUM/);
        console.log(
          `[optimize-s3] tier=${services().tier} coordinator=${coordinator}: ${APPEND_COMMITS} appends by ${PROCESSES} ` +
            `processes in ${writersMs} ms with ${runs.length - 1} OPTIMIZE runs alongside ` +
            `(${committed.length - 1} committed, versions ${optimizeVersions.join(',')}); ` +
            `VACUUM deleted ${v.numFilesDeleted} files in ${clients.counter.count('s3:DeleteObjects')} DeleteObjects ` +
            `(requests ${JSON.stringify(clients.counter.snapshot())})`,
        );
      } finally {
        clients.destroy();
      }
    });
  });
});
