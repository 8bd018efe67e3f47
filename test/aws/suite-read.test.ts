/**
 * The reader on S3: a representative set of conformance-corpus tables (checkpoints classic,
 * multi-part and v2 with sidecars, deletion vectors on disk and inline, column mapping,
 * partition values with special characters, CDF, time travel, INT96, negative tables) is
 * uploaded with the MinIO client under its corpus path and read through `s3://` with every
 * check of the conformance runner. Then the request economy of S3 reads: incremental refresh
 * after another writer's append is one LIST + one GET, and loading a checkpointed table takes
 * three sequential request waves — measured on the SDK calls themselves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { versionPrefix } from '@delta-serverless/core/internal';
import { createClients, createS3Store, resolveAwsConfig } from '@delta-serverless/aws';
import { listCorpus, runTable } from '../conformance/runner.js';
import type { Expected } from '../conformance/expected.js';
import { newBucket } from '../services/index.js';
import {
  COORDINATORS,
  filesUnder,
  listAllKeys,
  freshStorageOptions,
  pool,
  removeTempDirs,
  uploadDir,
  useServicesEnv,
} from './fixtures/s3-tables.js';
import { RequestTimeline } from './fixtures/request-timeline.js';
import { CORPUS } from '../support/corpus.js';

/** The tables read from S3, with the feature each one is here for. */
const TABLES: Record<string, string> = {
  'dat/basic_append': 'time travel (v0, v1)',
  'dat/basic_partitioned': 'null partition values',
  'dat/with_schema_change': 'schema change, time travel',
  'delta-golden/basic-with-inserts-deletes-checkpoint': 'classic checkpoint + later commits',
  'delta-golden/basic-with-inserts-overwrite-restore': 'overwrite + restore history, checkpoint',
  'delta-golden/checkpoint': 'classic checkpoint, adds without stats',
  'delta-golden/corrupted-last-checkpoint-kernel': 'corrupt _last_checkpoint',
  'delta-golden/only-checkpoint-files': 'checkpoint without earlier commits',
  'delta-golden/data-reader-escaped-chars': 'partition directories with %25-escaped characters',
  'delta-golden/data-reader-partition-values': 'every partition type, spaces and colons in keys',
  'delta-golden/data-reader-timestamp_ntz': 'timestamp_ntz partitions with special characters',
  'delta-golden/kernel-timestamp-int96': 'INT96 timestamps',
  'delta-golden/log-replay-special-characters': 'URL-encoded paths in the log',
  'delta-golden/dv-partitioned-with-checkpoint': 'deletion vectors (u) + checkpoint',
  'delta-golden/table-with-columnmapping-mode-name': 'column mapping (name)',
  'delta-golden/data-skipping-basic-stats-all-types-columnmapping-id': 'column mapping (id)',
  'delta-golden/v2-checkpoint-json': 'v2 checkpoint (JSON) with sidecars',
  'delta-golden/deltalog-invalid-protocol-version': 'negative: unsupported protocol',
  'delta-golden/no-delta-log-folder': 'negative: no _delta_log',
  'delta-kernel-rs/table-with-dv-small': 'deletion vector (u)',
  'delta-kernel-rs/v2-checkpoints-json-with-sidecars': 'v2 checkpoint (JSON) with many sidecars',
  'delta-kernel-rs/v2-checkpoints-parquet-without-sidecars': 'v2 checkpoint (Parquet)',
  'delta-kernel-rs/v2-classic-checkpoint-parquet': 'classic checkpoint under the v2 policy',
  'delta-kernel-rs/v1-multi-part-struct-stats-only': 'multi-part checkpoint, stats_parsed only',
  'delta-kernel-rs/v2-json-sidecars-struct-stats-only': 'v2 sidecars, stats_parsed only',
  'delta-kernel-rs/cdf-table': 'change data feed (_change_data)',
  'delta-kernel-rs/cdf-table-simple': 'change data feed',
  'delta-kernel-rs/cdf-table-with-dv': 'change data feed + inline (i) deletion vectors',
  'delta-kernel-rs/cdf-table-with-cdc-and-dvs': 'change data feed + deletion vectors',
  'delta-kernel-rs/compacted-log-files-table': 'compacted log files',
  'delta-kernel-rs/type-widening': 'type widening',
  'delta-rs/table_with_column_mapping': 'column mapping with partitions',
  'delta-rs/delta-0.2.0': 'old writer, txn, checkpoint',
  'delta-spark/table-with-dv-large': 'large deletion vectors',
  'delta-kernel-java/basic-with-checkpoint': 'classic checkpoint (kernel-java)',
};

/** Feature tags (corpus index.json) the selection must cover. */
const REQUIRED_TAGS = [
  'checkpoint:classic',
  'checkpoint:multipart',
  'checkpoint:v2-with-sidecars',
  'checkpoint:v2-parquet',
  'deletionVectors:storageType=u',
  'deletionVectors:storageType=i',
  'columnMapping:name',
  'columnMapping:id',
  'partition:special-chars',
  'paths:url-encoded',
  'cdf:enabled',
];

interface IndexEntry {
  path: string;
  logTags: string[];
  otherVersions: string[];
  negative: boolean;
}

const corpus = new Map(listCorpus(CORPUS).map((e) => [e.name, e]));
let bucket = '';

beforeAll(async () => {
  useServicesEnv();
  bucket = await newBucket('ds-read');
  const names = Object.keys(TABLES);
  const uploaded = await pool(names, 4, (name) => uploadDir(bucket, corpus.get(name)!.tableDir, name));
  // The bucket holds exactly the corpus files, under their corpus paths.
  const keys = await listAllKeys(bucket);
  expect(keys.length).toBe(uploaded.reduce((a, b) => a + b, 0));
  const wanted = names.flatMap((n) => filesUnder(corpus.get(n)!.tableDir).map((f) => `${n}/${f}`));
  expect(new Set(keys)).toEqual(new Set(wanted));
}, 120_000);

afterAll(removeTempDirs);

describe('corpus selection', () => {
  test('covers every feature the S3 reader must handle, time travel and negative tables', () => {
    const index = JSON.parse(fs.readFileSync(path.join(CORPUS, 'index.json'), 'utf8')) as { tables: IndexEntry[] };
    const chosen = index.tables.filter((t) => t.path in TABLES);
    expect(chosen.map((t) => t.path).sort()).toEqual(Object.keys(TABLES).sort());
    const tags = new Set(chosen.flatMap((t) => t.logTags));
    for (const tag of REQUIRED_TAGS) expect(tags, `no table with ${tag}`).toContain(tag);
    expect(chosen.filter((t) => t.otherVersions.length > 0).length).toBeGreaterThanOrEqual(3);
    expect(chosen.filter((t) => t.negative).length).toBe(2);
    expect(chosen.length).toBeGreaterThanOrEqual(15);
  });
});

describe.concurrent('conformance corpus on S3', () => {
  for (const name of Object.keys(TABLES)) {
    test(`${name} (${TABLES[name]})`, async () => {
      const entry = corpus.get(name);
      expect(entry, `${name} is in the corpus`).toBeDefined();
      const expected = JSON.parse(fs.readFileSync(entry!.expectedFile, 'utf8')) as Expected;
      const result = await runTable(name, `s3://${bucket}/${name}`, expected);
      expect(result.failures).toEqual([]);
      expect(result.checks).toBeGreaterThan(0);
    });
  }
});

function ids(from: number, n: number): arrow.Table {
  return arrow.tableFromArrays({ id: BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i)) });
}

async function idsOf(table: DeltaTable): Promise<number[]> {
  const t = await table.toArrow({ columns: ['id'] });
  const out: number[] = [];
  for (const b of t.batches) for (const v of b.getChild('id')!) out.push(Number(v as bigint));
  return out.sort((a, b) => a - b);
}

/** Counts without the zero entries, S3 and DynamoDB calls separately. */
function split(snapshot: Record<string, number>): { s3: Record<string, number>; dynamodb: Record<string, number> } {
  const s3: Record<string, number> = {};
  const dynamodb: Record<string, number> = {};
  for (const [k, v] of Object.entries(snapshot)) {
    if (k.startsWith('s3:')) s3[k.slice(3)] = v;
    else if (k.startsWith('dynamodb:')) dynamodb[k.slice(9)] = v;
  }
  return { s3, dynamodb };
}

describe.each(COORDINATORS)('request economy on S3 (%s coordinator)', (coordinator) => {
  test('refresh after one append by another writer: 1 ListObjectsV2 + 1 GetObject', async () => {
    const storageOptions = await freshStorageOptions(coordinator);
    const prefix = `refresh-${coordinator}`;
    const uri = `s3://${bucket}/${prefix}`;
    await writeDeltaTable(uri, ids(0, 10), { storageOptions });
    await writeDeltaTable(uri, ids(10, 10), { storageOptions });

    const clients = createClients(resolveAwsConfig(storageOptions));
    const timeline = await RequestTimeline.start(clients);
    const table = await DeltaTable.open(createS3Store(uri, { storageOptions, clients }));
    expect(table.version).toBe(1);

    // Another writer (its own clients and handle) appends version 2.
    const other = await writeDeltaTable(uri, ids(20, 10), { storageOptions });
    expect(other.version).toBe(2);

    clients.counter.reset();
    timeline.reset();
    const snap = await table.refresh();
    expect(snap.version).toBe(2);
    const counts = split(clients.counter.snapshot());
    expect(counts.s3).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    // The DynamoDB protocol checks the newest lock entry for a half-done commit (one Query).
    expect(counts.dynamodb).toEqual(coordinator === 'dynamodb' ? { Query: 1 } : {});
    const s3Calls = timeline.waves().filter((c) => c.kind.startsWith('s3:'));
    expect(s3Calls.map((c) => [c.wave, c.kind, c.key, c.startAfter])).toEqual([
      [1, 's3:ListObjectsV2', `${prefix}/_delta_log/`, `${prefix}/_delta_log/${versionPrefix(1)}.~`],
      [2, 's3:GetObject', `${prefix}/_delta_log/${versionPrefix(2)}.json`, undefined],
    ]);
    expect(await idsOf(table)).toEqual(Array.from({ length: 30 }, (_, i) => i));

    // Nothing new: a single listing and the same snapshot.
    clients.counter.reset();
    expect(await table.refresh()).toBe(snap);
    expect(split(clients.counter.snapshot()).s3).toEqual({ ListObjectsV2: 1 });
  });

  test('load of a checkpointed table: 3 request waves (_last_checkpoint, LIST, checkpoint + commits)', async () => {
    const storageOptions = await freshStorageOptions(coordinator);
    const name = 'delta-golden/basic-with-inserts-deletes-checkpoint';
    const clients = createClients(resolveAwsConfig(storageOptions));
    const timeline = await RequestTimeline.start(clients);
    const table = await DeltaTable.open(createS3Store(`s3://${bucket}/${name}`, { storageOptions, clients }));
    expect(table.version).toBe(13);
    expect(table.snapshot.numFiles).toBe(7);

    const log = `${name}/_delta_log`;
    const calls = timeline.waves();
    const s3Calls = calls.filter((c) => c.kind.startsWith('s3:'));
    expect(s3Calls.map((c) => [c.wave, c.kind, c.key, c.startAfter ?? null])).toEqual([
      [1, 's3:GetObject', `${log}/_last_checkpoint`, null],
      [2, 's3:ListObjectsV2', `${log}/`, `${log}/${versionPrefix(9)}.~`],
      ...[
        `${log}/${versionPrefix(10)}.checkpoint.parquet`,
        `${log}/${versionPrefix(11)}.json`,
        `${log}/${versionPrefix(12)}.json`,
        `${log}/${versionPrefix(13)}.json`,
      ].map((key) => [3, 's3:GetObject', key, null]),
    ]);
    expect(timeline.waveCount).toBe(3);
    // The checkpoint comes in one ranged GET of its listed size.
    expect(s3Calls[2]!.range).toBe('bytes=0-16478');
    const counts = split(clients.counter.snapshot());
    expect(counts.s3).toEqual({ GetObject: 5, ListObjectsV2: 1 });
    if (coordinator === 'dynamodb') {
      // Lock-table recovery runs beside the first wave, not as a wave of its own.
      expect(counts.dynamodb).toEqual({ Query: 1 });
      expect(calls.find((c) => c.kind === 'dynamodb:Query')!.wave).toBe(1);
    } else expect(counts.dynamodb).toEqual({});
  });
});
