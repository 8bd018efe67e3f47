/**
 * Real multi-process contention on one S3 table, for each commit coordinator: 8 OS processes
 * each append 25 times to a table created at version 0, all released at once. S3 conditional
 * writes (`If-None-Match: *`) or the DynamoDB lock table, plus conflict checking and retries,
 * must yield exactly one commit per append: versions 1..200 with no gap, every row exactly
 * once, and a table the independent validator accepts. The same 8 processes serve both
 * coordinators one after the other (start-up is paid once). Conflicts retried and append
 * latency percentiles (measured in the children) are printed with the tier.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { versionPrefix } from '@delta-serverless/core/internal';
import '@delta-serverless/aws';
import { getText, newBucket, services } from '../services/index.js';
import { quantile } from '../support/txn-harness.js';
import { COORDINATORS, listAllKeys, lockEntries, removeTempDirs, validateS3Table } from './fixtures/s3-tables.js';
import {
  createPhaseTables,
  spawnS3Writers,
  type PhaseTable,
  type WriterDone,
  type WriterPool,
} from './fixtures/s3-writer-pool.js';

const PROCESSES = 8;
const APPENDS = 25;
const ROWS = 3;
const COMMITS = PROCESSES * APPENDS;

let bucket = '';
let phases: PhaseTable[] = [];
let pool: WriterPool;

beforeAll(async () => {
  bucket = await newBucket('ds-conc');
  phases = await createPhaseTables(bucket, 'conc');
  pool = spawnS3Writers(PROCESSES, {
    iterations: APPENDS,
    rowsPerBatch: ROWS,
    phases: phases.map((p) => ({ uri: p.uri, storageOptions: p.storageOptions })),
  });
}, 120_000);

afterAll(async () => {
  await pool?.stop();
  removeTempDirs();
});

/** Releases phase `phase` in every writer at once and collects each one's report. */
async function runPhase(phase: number): Promise<WriterDone[]> {
  return (await pool.start(phase)).reports;
}

/** Parsed actions of a commit file, read with the MinIO client. */
async function commitActions(prefix: string, version: number): Promise<Record<string, Record<string, unknown>>[]> {
  const text = await getText(bucket, `${prefix}/_delta_log/${versionPrefix(version)}.json`);
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

describe(`${PROCESSES} processes x ${APPENDS} appends on one S3 table`, () => {
  COORDINATORS.forEach((coordinator, phase) => {
    test(
      `${coordinator} coordinator: versions 1..${COMMITS} with no gap, every row once, valid table`,
      { timeout: 180_000 },
      async () => {
        const spec = phases[phase]!;
        expect(spec.coordinator).toBe(coordinator);
        const done = await runPhase(phase);

        // Every append got its own version; together they are exactly 1..200.
        const committed = done.flatMap((o) => o.versions).sort((a, b) => a - b);
        const expected = Array.from({ length: COMMITS }, (_, i) => i + 1);
        expect(committed).toEqual(expected);
        const logKeys = await listAllKeys(bucket, `${spec.prefix}/_delta_log/`);
        const versions = logKeys
          .map((k) => /\/(\d{20})\.json$/.exec(k)?.[1])
          .filter((v): v is string => v !== undefined)
          .map(Number);
        expect(versions).toEqual([0, ...expected]);
        // Each commit records the version its writer read, below the version it got.
        const infos = await Promise.all(expected.map((v) => commitActions(spec.prefix, v)));
        infos.forEach((actions, i) => {
          const info = actions.find((a) => a['commitInfo'])?.['commitInfo'];
          expect(Number(info?.['readVersion']), `readVersion of ${i + 1}`).toBeLessThan(i + 1);
          expect(actions.filter((a) => a['add'])).toHaveLength(1);
        });

        // Coordinator evidence: lock entries for every version (dynamodb), or no lock protocol at all.
        const temps = logKeys.filter((k) => k.includes('/_delta_log/.tmp/'));
        if (coordinator === 'dynamodb') {
          const entries = await lockEntries(spec.uri, spec.storageOptions['DELTA_DYNAMO_TABLE_NAME']!);
          expect(entries.map((e) => e.fileName)).toEqual([0, ...expected].map((v) => `${versionPrefix(v)}.json`));
          expect(entries.filter((e) => e.complete !== 'true')).toEqual([]);
          expect(temps.length).toBeGreaterThanOrEqual(COMMITS);
        } else expect(temps).toEqual([]);

        // Every row exactly once.
        const want = done.flatMap((o) => o.ids).sort((a, b) => a - b);
        expect(want).toHaveLength(COMMITS * ROWS);
        expect(new Set(want).size).toBe(want.length);
        const table = await DeltaTable.open(spec.uri, { storageOptions: spec.storageOptions });
        expect(table.version).toBe(COMMITS);
        const got: number[] = [];
        for (const b of (await table.toArrow({ columns: ['id'] })).batches)
          for (const v of b.getChild('id')!) got.push(Number(v as bigint));
        expect(got.sort((a, b) => a - b)).toEqual(want);

        const report = await validateS3Table({ bucket, prefix: spec.prefix });
        expect(report.version).toBe(COMMITS);
        expect(report.activeFiles).toBe(COMMITS);

        const latencies = done.flatMap((o) => o.latenciesMs);
        const elapsed = Math.max(...done.map((o) => o.finishedAt)) - Math.min(...done.map((o) => o.startedAt));
        const conflicts = done.reduce((n, o) => n + o.conflicts, 0);
        // Stale handles race constantly: some commits must have been retried.
        expect(conflicts).toBeGreaterThan(0);
        console.log(
          `[concurrency-s3] tier=${services().tier} coordinator=${coordinator}: ${PROCESSES} processes x ${APPENDS} appends ` +
            `in ${elapsed} ms (${((COMMITS * 1000) / elapsed).toFixed(1)} commits/s): ${conflicts} conflicts retried; ` +
            `append latency p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms, ` +
            `max ${Math.max(...latencies).toFixed(0)} ms`,
        );
      },
    );
  });
});
