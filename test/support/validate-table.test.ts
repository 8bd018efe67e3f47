import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastCheckpointChecksum } from './validate/last-checkpoint.js';
import {
  assertValidTable,
  InvalidDeltaTableError,
  validateTable,
  type ValidateOptions,
  type ValidationReport,
} from './validate-table.js';
import { CORPUS } from './corpus.js';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-table-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

/** Copies a read-only corpus table into a fresh temp directory. */
function copyTable(rel: string): string {
  const dir = fs.mkdtempSync(path.join(tmpRoot, `${path.basename(rel)}-`));
  fs.cpSync(path.join(CORPUS, rel), dir, { recursive: true });
  for (const f of walk(dir)) fs.chmodSync(f, 0o644); // the corpus is read-only; copies must be editable
  return dir;
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function commitPath(dir: string, version: number): string {
  return path.join(dir, '_delta_log', `${String(version).padStart(20, '0')}.json`);
}

/** Rewrites the lines of one commit file. */
function editCommit(dir: string, version: number, edit: (lines: string[]) => string[]): void {
  const file = commitPath(dir, version);
  fs.writeFileSync(
    file,
    edit(
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    ).join('\n') + '\n',
  );
}

/** Rewrites the add action of the line whose add.path contains `pathPart`. */
function editAdd(lines: string[], pathPart: string, edit: (add: Record<string, unknown>) => void): string[] {
  let found = false;
  const out = lines.map((l) => {
    const obj = JSON.parse(l) as { add?: Record<string, unknown> };
    if (!obj.add || !String(obj.add.path).includes(pathPart)) return l;
    found = true;
    edit(obj.add);
    return JSON.stringify(obj);
  });
  if (!found) throw new Error(`test setup: no add with path containing ${pathPart}`);
  return out;
}

function expectError(report: ValidationReport, pattern: RegExp): void {
  expect(report.ok).toBe(false);
  expect(report.errors, `errors: ${JSON.stringify(report.errors, null, 1)}`).toContainEqual(
    expect.stringMatching(pattern),
  );
}

interface Expected {
  version: number;
  logFacts?: { activeFilesCount?: number };
}

function expectedOf(rel: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(CORPUS, `${rel}.expected.json`), 'utf8')) as Expected;
}

/**
 * Tables written normally by Spark, delta-rs or the kernels. Deliberately odd corpus tables are
 * left out:
 * - delta-golden/canonicalized-paths-special-a: add.path is an unqualified absolute path ('/some/...').
 * - delta-golden/delete-re-add-same-file-different-transactions, deltalog-invalid-protocol-version,
 *   corrupted-last-checkpoint-kernel, no-delta-log-folder: log-only or negative fixtures.
 * - delta-kernel-rs/timestamp-partitioned-table: partition directories not Hive-escaped (raw ':').
 * - delta-spark/identity_test_written_by_version_5: identity-column metadata on a (1,2) protocol.
 * - delta-spark/table-with-dv-large: its deletion-vector .bin files are not in the corpus copy.
 * Spark writes INT96 timestamps by default, hence allowInt96 where a table has timestamps.
 */
const GOOD_TABLES: [string, ValidateOptions][] = [
  ['dat/basic_append', {}],
  ['dat/basic_partitioned', {}],
  ['delta-golden/data-reader-partition-values', {}],
  ['delta-golden/data-reader-nested-struct', {}],
  ['delta-golden/data-reader-timestamp_ntz', {}],
  ['delta-golden/data-skipping-basic-stats-all-types-checkpoint', { allowInt96: true }],
  ['delta-golden/table-with-columnmapping-mode-name', { allowInt96: true }],
  ['delta-golden/dv-partitioned-with-checkpoint', {}],
  ['delta-kernel-java/basic-with-checkpoint', {}],
  ['delta-kernel-rs/v1-multi-part-struct-stats-only', {}],
  ['delta-kernel-rs/v2-checkpoints-json-with-sidecars', {}],
  ['delta-rs/simple_table', {}],
  // Log-only fixture: its add paths ('1', '15') are not real files.
  ['delta-golden/checkpoint', { checkFiles: false }],
];

describe('validateTable on real corpus tables', () => {
  it.each(GOOD_TABLES)('%s is valid', async (rel, options) => {
    const dir = copyTable(rel);
    const report = await validateTable(dir, options);
    expect(report.errors).toEqual([]);
    const expected = expectedOf(rel);
    expect(report.version).toBe(expected.version);
    if (expected.logFacts?.activeFilesCount !== undefined)
      expect(report.activeFiles).toBe(expected.logFacts.activeFilesCount);
  });

  it('reports a leftover temp file as a warning, not an error', async () => {
    const report = await assertValidTable(copyTable('delta-rs/simple_table'));
    expect(report.warnings).toContainEqual(
      expect.stringMatching(/_delta_log\/\.tmp\/00000000000000000005\.json: temporary file/),
    );
    await expect(assertValidTable(copyTable('delta-rs/simple_table'), { failOnWarnings: true })).rejects.toThrow(
      InvalidDeltaTableError,
    );
  });

  it('refuses INT96 timestamps unless allowed', async () => {
    const report = await validateTable(copyTable('delta-golden/data-skipping-basic-stats-all-types-checkpoint'));
    expectError(report, /column as_timestamp: Delta timestamp stored as INT96; INT96 timestamps are deprecated/);
  });
});

describe('validateTable on corrupted copies', () => {
  it('finds a missing commit version', async () => {
    const dir = copyTable('delta-rs/simple_table');
    fs.rmSync(commitPath(dir, 2));
    expectError(
      await validateTable(dir),
      /00000000000000000002\.json: commit version 2 missing: versions must be contiguous \(found 1 then 3\)/,
    );
  });

  it('replays from a checkpoint when older commits were cleaned up, and needs that checkpoint', async () => {
    const dir = copyTable('delta-kernel-java/basic-with-checkpoint');
    for (let v = 0; v < 10; v++) fs.rmSync(commitPath(dir, v));
    const report = await validateTable(dir);
    expect(report.errors).toEqual([]);
    expect(report.activeFiles).toBe(30);
    fs.rmSync(path.join(dir, '_delta_log', '00000000000000000010.checkpoint.parquet'));
    fs.rmSync(path.join(dir, '_delta_log', '_last_checkpoint'));
    expectError(
      await validateTable(dir),
      /the log starts at version 10 but no complete, readable checkpoint covers the versions before it/,
    );
  });

  it('finds a first version without protocol and metaData', async () => {
    const dir = copyTable('dat/basic_append');
    editCommit(dir, 0, (lines) => lines.filter((l) => !l.startsWith('{"protocol"')));
    const report = await validateTable(dir);
    expectError(report, /v0 \(00000000000000000000\.json\): no protocol action at or before this commit/);
    expect(report.errors).toHaveLength(1);
  });

  it('finds a deleted data file', async () => {
    const dir = copyTable('dat/basic_partitioned');
    fs.rmSync(path.join(dir, 'letter=a/part-00000-cf134b04-a0a9-4d4a-a53c-4feb53f10315.c000.snappy.parquet'));
    expectError(
      await validateTable(dir),
      /v1 active file letter=a\/part-00000-cf134b04.*\(added in v1\): data file does not exist/,
    );
  });

  it('finds wrong numRecords, min and max stats', async () => {
    const dir = copyTable('dat/basic_append');
    const stats = {
      numRecords: 4,
      minValues: { letter: 'b', number: 1, a_float: 1.1 },
      maxValues: { letter: 'c', number: 2, a_float: 3.3 },
      nullCount: { letter: 0, number: 1, a_float: 0 },
    };
    editCommit(dir, 0, (lines) => editAdd(lines, 'part-00000-3c9f01c2', (add) => (add.stats = JSON.stringify(stats))));
    const report = await validateTable(dir);
    expectError(report, /added in v0\): stats\.numRecords is 4, but the file has 3 rows/);
    expectError(
      report,
      /stats\.minValues\.letter = "b", but the true minimum is "a": the minimum must be <= every value/,
    );
    expectError(
      report,
      /stats\.maxValues\.number = 2, but the true maximum is "3": the maximum must be >= every value/,
    );
    expectError(report, /stats\.nullCount\.number = 1, but the file has 0 nulls/);
    expect(report.errors).toHaveLength(4);
  });

  it('finds a partition value that contradicts its directory or its type', async () => {
    const dir = copyTable('delta-golden/data-reader-partition-values');
    editCommit(dir, 0, (lines) =>
      editAdd(lines, 'as_int=0/', (add) => ((add.partitionValues as Record<string, string>).as_int = 'zero')),
    );
    const report = await validateTable(dir);
    expectError(
      report,
      /v0 \(00000000000000000000\.json:\d+\): add\.partitionValues\.as_int: 'zero' is not an integer/,
    );
    expectError(report, /partition directory 'as_int=0' means as_int="0" but add\.partitionValues\.as_int is "zero"/);
  });

  it('finds a partition directory that is not URI-encoded in add.path', async () => {
    const dir = copyTable('delta-golden/data-reader-partition-values');
    // 'a:b' must be Hive-escaped to 'a%3Ab' and then URI-encoded to 'a%253Ab' in add.path.
    editCommit(dir, 0, (lines) =>
      editAdd(lines, 'as_int=0/', (add) => (add.path = String(add.path).replace(/%253A/g, '%3A'))),
    );
    const report = await validateTable(dir);
    expectError(report, /partition directory 'as_timestamp=2021-09-08 11:11:11' must Hive-escape ":" as %XX/);
    expectError(report, /data file does not exist/);
  });

  it('finds readerFeatures at reader version 2', async () => {
    const dir = copyTable('dat/basic_append');
    editCommit(dir, 0, (lines) =>
      lines.map((l) =>
        l.startsWith('{"protocol"')
          ? JSON.stringify({
              protocol: {
                minReaderVersion: 2,
                minWriterVersion: 7,
                readerFeatures: ['columnMapping'],
                writerFeatures: ['columnMapping'],
              },
            })
          : l,
      ),
    );
    expectError(
      await validateTable(dir),
      /v0 \(00000000000000000000\.json:1\): protocol\.readerFeatures may only exist with minReaderVersion 3, but minReaderVersion is 2/,
    );
  });

  it('finds table properties whose feature the protocol lacks', async () => {
    const dir = copyTable('dat/basic_append');
    editCommit(dir, 0, (lines) =>
      lines.map((l) => {
        const obj = JSON.parse(l) as { metaData?: { configuration: Record<string, string> } };
        if (obj.metaData)
          obj.metaData.configuration = {
            'delta.enableDeletionVectors': 'true',
            'delta.constraints.positive': 'number > 0',
          };
        return JSON.stringify(obj);
      }),
    );
    const report = await validateTable(dir);
    expectError(
      report,
      /delta\.enableDeletionVectors=true requires reader\+writer feature 'deletionVectors'.*protocol is \(1, 2\)/,
    );
    expectError(report, /a CHECK constraint \(delta\.constraints\.\*\) requires writer feature 'checkConstraints'/);
  });

  it('finds an unknown action key', async () => {
    const dir = copyTable('dat/basic_append');
    editCommit(dir, 1, (lines) => [...lines, '{"addFile":{"path":"x.parquet"}}']);
    expectError(await validateTable(dir), /v1 \(00000000000000000001\.json:3\): unknown action key 'addFile'/);
  });

  it('finds a truncated JSON line', async () => {
    const dir = copyTable('dat/basic_append');
    editCommit(dir, 1, (lines) => [lines[0].slice(0, 80), ...lines.slice(1)]);
    expectError(
      await validateTable(dir),
      /v1 \(00000000000000000001\.json:1\): line is not valid JSON \(truncated or partial write\?\)/,
    );
  });

  it('finds a checkpoint that disagrees with the commits before it', async () => {
    const dir = copyTable('delta-kernel-java/basic-with-checkpoint');
    editCommit(dir, 3, (lines) => lines.filter((l) => !l.includes('part-00000-14b8a37a')));
    expectError(
      await validateTable(dir, { checkData: false }),
      /checkpoint 00000000000000000010\.checkpoint\.parquet: checkpoint has 1 add\(s\) that are not active in the replayed commits: part-00000-14b8a37a/,
    );
  });

  it('finds a _last_checkpoint that points nowhere or miscounts', async () => {
    const dir = copyTable('delta-kernel-java/basic-with-checkpoint');
    const file = path.join(dir, '_delta_log', '_last_checkpoint');
    const last = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...last, size: 25, checksum: undefined }));
    expectError(
      await validateTable(dir, { checkData: false }),
      /_last_checkpoint: "size" is 25, but checkpoint 00000000000000000010\.checkpoint\.parquet holds 24 actions/,
    );
    fs.writeFileSync(file, JSON.stringify({ version: 12, size: 24 }));
    expectError(
      await validateTable(dir, { checkData: false }),
      /_last_checkpoint: points at version 12, but there is no complete checkpoint for that version/,
    );
  });

  it('finds an add.size that differs from the file', async () => {
    const dir = copyTable('dat/basic_append');
    editCommit(dir, 1, (lines) => editAdd(lines, 'part-00000-4ae8c002', (add) => (add.size = 1000)));
    expectError(await validateTable(dir, { checkData: false }), /add\.size is 1000, but the file has 984 bytes/);
  });

  it('finds the same data file active twice', async () => {
    const dir = copyTable('dat/basic_append');
    editCommit(dir, 1, (lines) => [...lines, lines[0].replace('"dataChange":true', '"dataChange":true,"tags":{}')]);
    expectError(
      await validateTable(dir, { checkData: false }),
      /path part-00000-4ae8c002.* is added twice in one commit/,
    );
  });

  it('assertValidTable lists every problem in its message', async () => {
    const dir = copyTable('dat/basic_append');
    editCommit(dir, 1, (lines) => [lines[0].slice(0, 80), '{"bogus":{}}']);
    const err = await assertValidTable(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidDeltaTableError);
    expect((err as Error).message).toMatch(
      /\(2 error\(s\), 0 warning\(s\)\):\n {2}error: v1 .*not valid JSON.*\n {2}error: v1 .*unknown action key 'bogus'/,
    );
  });
});

describe('validateTable on synthetic tables (Parquet written by DuckDB)', () => {
  let instance: DuckDBInstance;
  let duck: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    duck = await instance.connect();
  });
  afterAll(() => {
    duck.closeSync();
    instance.closeSync();
  });

  const long = 'x'.repeat(40);
  const schema = {
    type: 'struct',
    fields: [
      { name: 'id', type: 'long', nullable: true, metadata: {} },
      { name: 's', type: 'string', nullable: true, metadata: {} },
      { name: 'ts', type: 'timestamp', nullable: true, metadata: {} },
      {
        name: 'st',
        type: { type: 'struct', fields: [{ name: 'a', type: 'integer', nullable: true, metadata: {} }] },
        nullable: true,
        metadata: {},
      },
    ],
  };
  const select = `SELECT * FROM (VALUES
      (1::BIGINT, '${long}a', TIMESTAMPTZ '2024-01-01 00:00:00.123456+00', {'a': 5}),
      (2::BIGINT, '${long}b', TIMESTAMPTZ '2024-01-02 00:00:00.999999+00', {'a': NULL}))
    t(id, s, ts, st)`;
  // Spark-style stats: strings cut to 32 characters (max + tie-breaker), timestamps truncated to ms.
  const goodStats = {
    numRecords: 2,
    minValues: { id: 1, s: long.slice(0, 32), ts: '2024-01-01T00:00:00.123Z', st: { a: 5 } },
    maxValues: { id: 2, s: `${long.slice(0, 32)}\ufffd`, ts: '2024-01-02T00:00:00.999Z', st: { a: 5 } },
    nullCount: { id: 0, s: 0, ts: 0, st: { a: 1 } },
  };

  async function makeTable(opts: {
    schema?: object;
    select?: string;
    stats?: object;
    protocol?: object;
  }): Promise<string> {
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'synthetic-'));
    fs.mkdirSync(path.join(dir, '_delta_log'));
    const file = 'part-00000.parquet';
    await duck.run(`COPY (${opts.select ?? select}) TO '${path.join(dir, file)}' (FORMAT parquet)`);
    const lines = [
      { commitInfo: { timestamp: 1700000000000, operation: 'WRITE' } },
      { protocol: opts.protocol ?? { minReaderVersion: 1, minWriterVersion: 2 } },
      {
        metaData: {
          id: 'synthetic',
          format: { provider: 'parquet', options: {} },
          schemaString: JSON.stringify(opts.schema ?? schema),
          partitionColumns: [],
          configuration: {},
        },
      },
      {
        add: {
          path: file,
          partitionValues: {},
          size: fs.statSync(path.join(dir, file)).size,
          modificationTime: 1700000000000,
          dataChange: true,
          stats: JSON.stringify(opts.stats ?? goodStats),
        },
      },
    ];
    fs.writeFileSync(commitPath(dir, 0), lines.map((l) => JSON.stringify(l)).join('\n'));
    return dir;
  }

  it('accepts truncated string and millisecond timestamp stats and nested struct stats', async () => {
    expect((await validateTable(await makeTable({}))).errors).toEqual([]);
  });

  it('finds a wrong nested stat and an over-truncated timestamp', async () => {
    const stats = { ...goodStats, maxValues: { ...goodStats.maxValues, ts: '2024-01-02T00:00:00.998Z', st: { a: 4 } } };
    const report = await validateTable(await makeTable({ stats }));
    expectError(report, /stats\.maxValues\.st\.a = 4, but the true maximum is "5"/);
    expectError(
      report,
      /stats\.maxValues\.ts = "2024-01-02T00:00:00\.998Z", but the true maximum is "2024-01-02T00:00:00\.999999": the maximum may be below the data by less than 1 ms only/,
    );
    expect(report.errors).toHaveLength(2);
  });

  it('finds timestamp_ntz stored as UTC-adjusted and timestamps stored as nanoseconds', async () => {
    const ntzSchema = {
      type: 'struct',
      fields: [
        { name: 'ntz', type: 'timestamp_ntz', nullable: true, metadata: {} },
        { name: 'ns', type: 'timestamp', nullable: true, metadata: {} },
      ],
    };
    const report = await validateTable(
      await makeTable({
        schema: ntzSchema,
        select: "SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' AS ntz, TIMESTAMP_NS '2024-01-01 00:00:00' AS ns",
        stats: { numRecords: 1 },
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['timestampNtz'],
          writerFeatures: ['timestampNtz'],
        },
      }),
    );
    expectError(
      report,
      /column ntz: Delta timestamp_ntz stored as INT64 TIMESTAMP\(MICROS, isAdjustedToUTC=true\); timestamp_ntz requires isAdjustedToUTC=false/,
    );
    expectError(
      report,
      /column ns: Delta timestamp stored as INT64 TIMESTAMP\(NANOS, isAdjustedToUTC=false\); Delta timestamps are microseconds, the file stores NANOS/,
    );
  });

  it('finds a timestamp_ntz column without the timestampNtz feature', async () => {
    const ntzSchema = {
      type: 'struct',
      fields: [{ name: 'ntz', type: 'timestamp_ntz', nullable: true, metadata: {} }],
    };
    const report = await validateTable(
      await makeTable({
        schema: ntzSchema,
        select: "SELECT TIMESTAMP '2024-01-01 00:00:00' AS ntz",
        stats: { numRecords: 1 },
      }),
    );
    expectError(
      report,
      /a timestamp_ntz column requires reader\+writer feature 'timestampNtz' in the protocol; protocol is \(1, 2\)/,
    );
  });
});

describe('validateTable on checkpoints written by DuckDB', () => {
  let instance: DuckDBInstance;
  let duck: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    duck = await instance.connect();
  });
  afterAll(() => {
    duck.closeSync();
    instance.closeSync();
  });

  const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

  /** A v1 checkpoint of dat/basic_append at version 1, with Spark's column layout unless `sizeType` says otherwise. */
  async function writeCheckpoint(dir: string, sizeType: string, dropAdd?: string): Promise<void> {
    type Action = {
      protocol?: Record<string, number>;
      metaData?: Record<string, string>;
      add?: Record<string, string | number>;
    };
    const actions = [0, 1].flatMap((v) =>
      fs
        .readFileSync(commitPath(dir, v), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Action),
    );
    const p = actions.find((a) => a.protocol)!.protocol!;
    const md = actions.find((a) => a.metaData)!.metaData!;
    const adds = actions.filter((a) => a.add && !String(a.add.path).includes(dropAdd ?? '\u0000')).map((a) => a.add!);
    const nullAdd = `NULL::STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size ${sizeType}, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR)`;
    const rows = [
      `SELECT NULL::STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT) AS txn, ${nullAdd} AS add,
         NULL::STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN) AS remove,
         NULL::STRUCT(id VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT) AS metaData,
         {'minReaderVersion': ${p.minReaderVersion}::INTEGER, 'minWriterVersion': ${p.minWriterVersion}::INTEGER} AS protocol`,
      `SELECT NULL, NULL, NULL, {'id': ${q(md.id)}, 'format': {'provider': 'parquet', 'options': MAP {}::MAP(VARCHAR, VARCHAR)}, 'schemaString': ${q(md.schemaString)},
         'partitionColumns': []::VARCHAR[], 'configuration': MAP {}::MAP(VARCHAR, VARCHAR), 'createdTime': ${md.createdTime}::BIGINT}, NULL`,
      ...adds.map(
        (
          a,
        ) => `SELECT NULL, {'path': ${q(String(a.path))}, 'partitionValues': MAP {}::MAP(VARCHAR, VARCHAR), 'size': ${a.size}::${sizeType},
           'modificationTime': ${a.modificationTime}::BIGINT, 'dataChange': false, 'stats': ${q(String(a.stats))}}, NULL, NULL, NULL`,
      ),
    ];
    await duck.run(
      `COPY (${rows.join(' UNION ALL ')}) TO '${path.join(dir, '_delta_log', '00000000000000000001.checkpoint.parquet')}' (FORMAT parquet)`,
    );
  }

  it('accepts a checkpoint with Spark-compatible columns that matches the commits', async () => {
    const dir = copyTable('dat/basic_append');
    await writeCheckpoint(dir, 'BIGINT');
    const report = await validateTable(dir, { checkData: false });
    expect(report.errors).toEqual([]);
  });

  it('finds checkpoint columns with the wrong type and a checkpoint missing an active file', async () => {
    const dir = copyTable('dat/basic_append');
    await writeCheckpoint(dir, 'INTEGER', 'part-00000-4ae8c002');
    const report = await validateTable(dir, { checkData: false });
    expectError(
      report,
      /checkpoint 00000000000000000001\.checkpoint\.parquet: checkpoint add\.size is INT32( INT_32)?, Spark writes INT64/,
    );
    expectError(report, /checkpoint lacks 1 active file\(s\) of the replayed commits: part-00000-4ae8c002/);
  });
});

describe('lastCheckpointChecksum', () => {
  it('matches the protocol example', () => {
    const json = {
      k0: "'v 0'",
      checksum: 'adsaskfljadfkjadfkj',
      k1: { k2: 2, k3: ['v3', [1, 2], { k4: 'v4', k5: ['v5', 'v6', 'v7'] }] },
    };
    expect(lastCheckpointChecksum(json)).toBe('6a92d155a59bf2eecbd4b4ec7fd1f875');
  });
});
