/**
 * Checkpoints we write, read by other engines: DuckDB's read_parquet must see the same add
 * paths, sizes and typed partition values as our state, and the independent validator
 * (hyparquet + its own replay, no code shared with core) must accept the table.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { copyCorpusTable } from '../packages/core/test/support/log-fixtures.js';
import { writeCheckpoint } from '../packages/core/src/log/checkpoint-write.js';
import { loadState } from '../packages/core/src/log/load.js';
import { LocalStore } from '../packages/core/src/storage/local-store.js';
import { openDuckDb, sqlString } from './support/validate/deps.js';
import { validateTable } from './support/validate-table.js';
import { createEngine } from '@delta-serverless/core/internal';

let db: { connection: DuckDBConnection; close: () => void };
beforeAll(async () => {
  db = await openDuckDb();
});
afterAll(() => db.close());

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await db.connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

const TABLES = [
  'delta-golden/dv-partitioned-with-checkpoint',
  'dat/basic_partitioned',
  'delta-golden/log-replay-special-characters',
  'delta-golden/data-reader-partition-values',
  'delta-golden/table-with-columnmapping-mode-name',
  'delta-kernel-rs/timestamp-partitioned-table',
  'delta-rs/delta-0.8.0-partitioned',
];

describe('DuckDB and the independent validator read our checkpoints', () => {
  it.each(TABLES)('%s', async (table) => {
    const dir = await copyCorpusTable(table);
    try {
      // Problems the source table already has (some writers leave ':' unescaped in paths) may be
      // reported again for our checkpoint's rows; anything else is ours.
      const issue = (e: string) => e.replace(/^.*?(row \d+|\.json:\d+\)): /, '');
      const baseline = new Set((await validateTable(dir, { allowInt96: true })).errors.map(issue));
      const store = new LocalStore(dir);
      const { state } = await loadState(createEngine(store));
      const result = await writeCheckpoint(createEngine(store), state, { now: 0 });
      const file = sqlString(join(dir, result.path));

      const adds = await rows(
        `SELECT add.path AS path, add.size AS size FROM read_parquet(${file}) WHERE add IS NOT NULL ORDER BY path`,
      );
      const ours = [...state.files.values()]
        .map((a) => ({ path: a.path, size: String(a.size) }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      expect(adds.map((r) => ({ path: r.path, size: String(r.size) }))).toEqual(ours);

      const [counts] = await rows(
        `SELECT count(*) FILTER (WHERE remove IS NOT NULL) AS removes, count(*) FILTER (WHERE metaData IS NOT NULL) AS metas, ` +
          `max(protocol.minReaderVersion) AS reader, max(metaData.id) AS id, count(*) AS total FROM read_parquet(${file})`,
      );
      expect(counts).toEqual({
        removes: String(result.numOfRemoveFiles),
        metas: '1',
        reader: state.protocol!.minReaderVersion,
        id: state.metadata!.id,
        total: String(result.size),
      });

      // Typed partition values agree with the string map for every partition column.
      const partitionColumns = state.metadata!.partitionColumns;
      if (partitionColumns.length > 0) {
        const [parsed] = await rows(
          `SELECT count(*) AS n FROM read_parquet(${file}) WHERE add.partitionValues_parsed IS NOT NULL`,
        );
        expect(parsed).toEqual({ n: String(state.files.size) });
      }

      const report = await validateTable(dir, { allowInt96: true });
      expect(report.errors.filter((e) => !baseline.has(issue(e)))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads typed stats_parsed we wrote (writeStatsAsStruct=true, writeStatsAsJson=false)', async () => {
    const dir = await copyCorpusTable('delta-kernel-rs/v1-multi-part-struct-stats-only');
    try {
      const store = new LocalStore(dir);
      const { state } = await loadState(createEngine(store));
      const result = await writeCheckpoint(createEngine(store), state, { now: 0 });
      const got = await rows(
        `SELECT add.path AS path, add.stats_parsed.numRecords AS n, add.stats_parsed.minValues.id AS lo, ` +
          `add.stats_parsed.maxValues.value AS hi, add.stats_parsed.nullCount.value AS nulls ` +
          `FROM read_parquet(${sqlString(join(dir, result.path))}) WHERE add IS NOT NULL ORDER BY path`,
      );
      const want = [...state.files.values()]
        .map((a) => {
          const s = state.parsedStats.get(a) as {
            numRecords: number;
            minValues: { id: number };
            maxValues: { value: string };
            nullCount: { value: number };
          };
          return {
            path: a.path,
            n: String(s.numRecords),
            lo: String(s.minValues.id),
            hi: s.maxValues.value,
            nulls: String(s.nullCount.value),
          };
        })
        .sort((a, b) => (a.path < b.path ? -1 : 1));
      expect(want.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
