/**
 * The writer on S3, with both commit coordinators (S3 conditional writes and the DynamoDB
 * lock table): a table goes through create, append, overwrite, replaceWhere, dynamic
 * partition overwrite, schema merge, restore and checkpoint, and every version reads back as
 * a model says; partition values hostile to S3 keys and Hive escaping round-trip; a write
 * larger than 20 MB streams through a multipart upload in bounded memory. Each table is then
 * downloaded with the MinIO client and checked by the independent validator.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  batchToObjects,
  DeltaTable,
  writeDeltaTable,
  type JsonValue,
  type StorageOptions,
} from '@delta-serverless/core';
import { versionPrefix } from '@delta-serverless/core/internal';
import { createClients, createS3Store, resolveAwsConfig } from '@delta-serverless/aws';
import { getBytes, minio, newBucket } from '../services/index.js';
import {
  COORDINATORS,
  freshStorageOptions,
  listAllKeys,
  lockEntries,
  removeTempDirs,
  validateS3Table,
  type Coordinator,
} from './fixtures/s3-tables.js';

type Row = Record<string, JsonValue>;

/** A full garbage collection, available without --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

let bucket = '';
beforeAll(async () => {
  bucket = await newBucket('ds-write');
});
afterAll(removeTempDirs);

/** Rows (id long, part string, v int = id * 10), optionally with a string column `extra`. */
function rows(ids: number[], parts: (string | null)[], extra?: (string | null)[]): arrow.Table {
  const cols: Record<string, arrow.Vector> = {
    id: arrow.makeVector(BigInt64Array.from(ids, BigInt)),
    part: arrow.vectorFromArray(parts, new arrow.Utf8()),
    v: arrow.makeVector(Int32Array.from(ids, (i) => i * 10)),
  };
  if (extra) cols['extra'] = arrow.vectorFromArray(extra, new arrow.Utf8());
  return new arrow.Table(cols);
}

/** Model rows matching `rows(...)`. */
function model(ids: number[], parts: (string | null)[]): Row[] {
  return ids.map((id, i) => ({ id, part: parts[i]!, v: id * 10 }));
}

const byId = (a: Row, b: Row) => Number(a['id']) - Number(b['id']);

/** Every row of the table at a version (or the held one), as plain values sorted by id. */
async function readRows(table: DeltaTable, version?: number, filter?: string): Promise<Row[]> {
  const out = await table.toArrow(version === undefined ? { filter } : { version, filter });
  return out.batches.flatMap((b) => batchToObjects(b)).sort(byId);
}

/** Only the id/part/v columns of rows. */
const core = (rs: Row[]) => rs.map((r) => ({ id: r['id']!, part: r['part']!, v: r['v']! }));

/** The log keys prove which coordinator committed: lock-protocol temp objects and lock entries, or neither. */
async function expectCommittedBy(
  coordinator: Coordinator,
  storageOptions: StorageOptions,
  prefix: string,
  versions: number,
): Promise<void> {
  const logKeys = await listAllKeys(bucket, `${prefix}/_delta_log/`);
  const temps = logKeys.filter((k) => k.includes('/_delta_log/.tmp/'));
  const commits = logKeys.filter((k) => /\/\d{20}\.json$/.test(k));
  expect(commits).toHaveLength(versions);
  if (coordinator === 'conditional') {
    expect(temps).toEqual([]);
    return;
  }
  expect(temps).toHaveLength(versions);
  const entries = await lockEntries(`s3://${bucket}/${prefix}`, storageOptions['DELTA_DYNAMO_TABLE_NAME']!);
  expect(entries.map((e) => e.fileName)).toEqual(
    Array.from({ length: versions }, (_, v) => `${versionPrefix(v)}.json`),
  );
  expect(entries.every((e) => e.complete === 'true')).toBe(true);
}

describe.each(COORDINATORS)('writer on S3 (%s coordinator)', (coordinator) => {
  test('create, append, overwrite, replaceWhere, dynamic overwrite, schema merge, restore, checkpoint', async () => {
    const storageOptions = await freshStorageOptions(coordinator);
    const prefix = `ops-${coordinator}`;
    const uri = `s3://${bucket}/${prefix}`;
    const schema = new arrow.Schema([
      new arrow.Field('id', new arrow.Int64(), true),
      new arrow.Field('part', new arrow.Utf8(), true),
      new arrow.Field('v', new arrow.Int32(), true),
    ]);
    const states: Row[][] = [];
    const table = await DeltaTable.create(uri, { schema, partitionBy: ['part'], storageOptions });
    expect(table.version).toBe(0);
    states.push([]);

    let r = await table.append(rows([1, 2, 3, 4], ['a', 'a', 'b', 'c']));
    expect(r.version).toBe(1);
    states.push(model([1, 2, 3, 4], ['a', 'a', 'b', 'c']));

    // A second handle (another writer) appends; the first must see it before its next write.
    const other = await writeDeltaTable(uri, rows([5, 6], ['b', 'd']), { storageOptions });
    expect(other.version).toBe(2);
    states.push([...states[1]!, ...model([5, 6], ['b', 'd'])]);

    r = await table.overwrite(rows([10, 11], ['z', 'a']));
    expect(r.version).toBe(3);
    expect(r.metrics.numRemovedFiles).toBe(5); // a, b (x2), c, d
    states.push(model([10, 11], ['z', 'a']));

    r = await table.append(rows([12, 13, 14], ['a', 'b', 'c']));
    expect(r.version).toBe(4);
    states.push([...states[3]!, ...model([12, 13, 14], ['a', 'b', 'c'])]);

    r = await table.write(rows([20], ['a']), { mode: 'overwrite', replaceWhere: "part = 'a'" });
    expect(r.version).toBe(5);
    states.push([...states[4]!.filter((x) => x['part'] !== 'a'), ...model([20], ['a'])]);

    r = await table.write(rows([30, 31], ['b', 'e']), { mode: 'overwrite', partitionOverwrite: 'dynamic' });
    expect(r.version).toBe(6);
    states.push([...states[5]!.filter((x) => x['part'] !== 'b'), ...model([30, 31], ['b', 'e'])]);

    r = await table.write(rows([40], ['c'], ['x']), { schemaMode: 'merge' });
    expect(r.version).toBe(7);
    expect(table.snapshot.schema.fields.map((f) => f.name)).toEqual(['id', 'part', 'v', 'extra']);
    states.push([...states[6]!, ...model([40], ['c'])]);

    const restored = await table.restore({ version: 4 });
    expect(restored.version).toBe(8);
    expect(restored.restoredVersion).toBe(4);
    states.push(states[4]!);

    const cp = await table.checkpoint();
    expect(cp.version).toBe(8);
    r = await table.append(rows([50], ['f']));
    expect(r.version).toBe(9);
    states.push([...states[8]!, ...model([50], ['f'])]);

    // A fresh handle loads from the checkpoint and agrees at every version.
    const fresh = await DeltaTable.open(uri, { storageOptions });
    expect(fresh.version).toBe(9);
    for (let v = 0; v < states.length; v++) {
      expect(core(await readRows(fresh, v)), `version ${v}`).toEqual([...states[v]!].sort(byId));
    }
    const v7 = await readRows(fresh, 7);
    expect(v7.map((x) => x['extra'] ?? null)).toEqual(v7.map((x) => (x['id'] === 40 ? 'x' : null)));
    // Partition pruning on S3 keys: only part = 'a' rows.
    expect(core(await readRows(fresh, undefined, "part = 'a'"))).toEqual(model([11, 12], ['a', 'a']));

    const keys = await listAllKeys(bucket, `${prefix}/_delta_log/`);
    expect(keys).toContain(`${prefix}/_delta_log/${versionPrefix(8)}.checkpoint.parquet`);
    expect(JSON.parse(await getBytes(bucket, `${prefix}/_delta_log/_last_checkpoint`).then(String))).toMatchObject({
      version: 8,
    });
    await expectCommittedBy(coordinator, storageOptions, prefix, 10);
    const report = await validateS3Table({ bucket, prefix });
    expect(report.version).toBe(9);
    expect(report.activeFiles).toBe(fresh.snapshot.numFiles);
  });

  test('partition values hostile to S3 keys and Hive escaping round-trip', async () => {
    const storageOptions = await freshStorageOptions(coordinator);
    const prefix = `hostile-${coordinator}`;
    const uri = `s3://${bucket}/${prefix}`;
    const values = [
      'a=b',
      'x/y',
      '11:11',
      '%',
      '%25',
      'a+b',
      ' ',
      ' lead',
      'ünï 日本 🚀',
      '..',
      'q?#[]&$@!',
      'back\\slash',
      'it\'s "q"',
      'tab\there',
      '~*(),;',
      null,
    ];
    const ids = values.map((_, i) => i);
    const res = await writeDeltaTable(uri, rows(ids, values), { partitionBy: ['part'], storageOptions });
    expect(res.version).toBe(0);
    expect(res.metrics.numFiles).toBe(values.length);
    // Appending to the same partitions goes to the same directories.
    await writeDeltaTable(
      uri,
      rows(
        ids.map((i) => i + 100),
        values,
      ),
      { storageOptions },
    );

    const table = await DeltaTable.open(uri, { storageOptions });
    const all = core(await readRows(table));
    expect(all).toEqual(
      [
        ...model(ids, values),
        ...model(
          ids.map((i) => i + 100),
          values,
        ),
      ].sort(byId),
    );
    for (const [i, value] of values.entries()) {
      const filter = value === null ? 'part IS NULL' : `part = '${value.replaceAll("'", "''")}'`;
      const got = await readRows(table, undefined, filter);
      expect(
        got.map((x) => x['id']),
        filter,
      ).toEqual([i, i + 100]);
    }

    // Every add path, URI-decoded, is an existing S3 key of the logged size.
    const keys = new Set(await listAllKeys(bucket, `${prefix}/`));
    const files = table.snapshot.files();
    expect(files).toHaveLength(values.length * 2);
    for (const f of files) {
      const key = `${prefix}/${decodeURIComponent(f.path)}`;
      expect(keys.has(key), key).toBe(true);
      const stat = await minio().statObject(bucket, key);
      expect(stat.size).toBe(Number(f.size));
    }
    // Hive escaping of the directory names (as Spark writes them).
    const dirs = new Set(files.map((f) => decodeURIComponent(f.path).split('/')[0]));
    for (const d of [
      'part=a%3Db',
      'part=x%2Fy',
      'part=11%3A11',
      'part=%25',
      'part=%2525',
      'part=__HIVE_DEFAULT_PARTITION__',
    ])
      expect(dirs, d).toContain(d);
    await validateS3Table({ bucket, prefix });
  });

  // The coordinator only writes the commit; the data path is the same. Memory is measured once
  // (conditional, ~100 MB: far above what the write may hold); dynamodb writes ~25 MB.
  const measureMemory = coordinator === 'conditional';
  test(`a write over 20 MB streams through a multipart upload${measureMemory ? ' in bounded memory' : ''}`, async () => {
    const storageOptions = await freshStorageOptions(coordinator);
    const prefix = `large-${coordinator}`;
    const uri = `s3://${bucket}/${prefix}`;
    const clients = createClients(resolveAwsConfig(storageOptions));
    const store = createS3Store(uri, { storageOptions, clients });

    const BATCH_ROWS = 8192;
    const BATCHES = measureMemory ? 48 : 12;
    const PAYLOAD = 256; // random bytes per row: incompressible, so the file is ~100 MB (~25 MB)
    const written = { ids: 0n, hash: createHash('sha256') };
    function* batches(): Generator<arrow.RecordBatch> {
      for (let b = 0; b < BATCHES; b++) {
        const ids = BigInt64Array.from({ length: BATCH_ROWS }, (_, i) => BigInt(b * BATCH_ROWS + i));
        const data = randomFillSync(new Uint8Array(BATCH_ROWS * PAYLOAD));
        const offsets = Int32Array.from({ length: BATCH_ROWS + 1 }, (_, i) => i * PAYLOAD);
        for (const id of ids) written.ids += id;
        written.hash.update(data);
        const payload = arrow.makeData({ type: new arrow.Binary(), length: BATCH_ROWS, valueOffsets: offsets, data });
        yield new arrow.RecordBatch({ id: arrow.makeVector(ids).data[0]!, payload });
      }
    }

    // Live memory (after a full GC) each time the writer pulls a batch: what the write holds on to.
    const gc = collector();
    gc();
    const baseline = process.memoryUsage();
    const live: number[] = [];
    const sampled = (async function* () {
      let n = 0;
      for (const b of batches()) {
        if (measureMemory && n++ % 2 === 0) {
          gc();
          const m = process.memoryUsage();
          live.push(m.arrayBuffers + m.heapUsed - baseline.arrayBuffers - baseline.heapUsed);
        }
        yield b;
      }
    })();
    const res = await writeDeltaTable(store, sampled, { rowGroupSize: BATCH_ROWS, compression: 'none' });
    const total = BATCHES * BATCH_ROWS * PAYLOAD;
    expect(res.metrics.numFiles).toBe(1);
    const size = res.metrics.numOutputBytes;
    expect(size).toBeGreaterThan(20 * 1024 * 1024);
    expect(size).toBeGreaterThan(total);

    // One multipart upload of 8 MiB parts; the only other PUTs are the commit and its 0.crc.
    const counts = clients.counter.snapshot();
    expect(counts['s3:CreateMultipartUpload']).toBe(1);
    expect(counts['s3:UploadPart']).toBe(Math.ceil(size / (8 * 1024 * 1024)));
    expect(counts['s3:CompleteMultipartUpload']).toBe(1);
    expect(counts['s3:PutObject']).toBe(coordinator === 'conditional' ? 2 : 3); // commit, crc (+ lock temp)

    // Live memory levels off far below the file size: what the write holds is bounded by the
    // parts in flight and a row group, not by what it has written (linear growth would reach
    // ~100 MiB and triple between the first and the last third).
    if (measureMemory) {
      const third = Math.floor(live.length / 3);
      const early = Math.max(...live.slice(0, third));
      const late = Math.max(...live.slice(-third));
      console.log(
        `[large write ${coordinator}] ${(size / 2 ** 20).toFixed(1)} MiB in ${counts['s3:UploadPart']} parts; live memory ` +
          `growth: peak ${(Math.max(...live) / 2 ** 20).toFixed(1)} MiB, first third ${(early / 2 ** 20).toFixed(1)} MiB, last third ${(late / 2 ** 20).toFixed(1)} MiB`,
      );
      expect(Math.max(...live)).toBeLessThan(size * 0.75);
      expect(late).toBeLessThan(early + 32 * 2 ** 20);
    }

    // The object is whole and the data reads back.
    const [add] = res.snapshot.files();
    const stat = await minio().statObject(bucket, `${prefix}/${decodeURIComponent(add!.path)}`);
    expect(stat.size).toBe(size);
    const table = await DeltaTable.open(uri, { storageOptions });
    // One file, read in file order: the payload bytes hash the same as written.
    const back = { ids: 0n, hash: createHash('sha256'), rows: 0 };
    for await (const b of table.scan({ columns: ['id', 'payload'] })) {
      back.rows += b.numRows;
      for (const id of b.getChild('id')!) back.ids += id as bigint;
      for (const d of b.getChild('payload')!.data) {
        const offsets = d.valueOffsets as Int32Array;
        back.hash.update(d.values.subarray(offsets[d.offset]!, offsets[d.offset + d.length]!));
      }
    }
    expect(back.rows).toBe(BATCHES * BATCH_ROWS);
    expect(back.ids).toBe(written.ids);
    expect(back.hash.digest('hex')).toBe(written.hash.digest('hex'));
    await validateS3Table({ bucket, prefix });
  });
});
