/**
 * The DynamoDB lock-table coordinator (Delta Spark's S3DynamoDBLogStore protocol) on s3://
 * tables, through the public API (DeltaTable / writeDeltaTable with delta-rs storage options).
 * Lock entries are read with a raw DynamoDB client and objects with MinIO, so the checks do
 * not trust the engine. Half-done commits of Spark and delta-rs are built by hand in their
 * exact shape (support/foreign-commits.ts) and must be recovered by our readers and writers.
 */
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, test } from 'vitest';
import { createLockTable, createS3Store, type DynamoDbCoordinator } from '@delta-serverless/aws';
import { CommitFailedError, DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { getText, listKeys, uniqueName } from '../services/index.js';
import { foreignCommitContent, foreignTempPath, leaveIncompleteCommit, pad20 } from './support/foreign-commits.js';
import {
  batch,
  dynamoClient,
  freshIds,
  lockEntries,
  logVersions,
  newClients,
  newS3Table,
  openStore,
  range,
  readIds,
  storageOptions,
  validateS3Table,
  type S3Table,
} from './support/tables.js';

const S3A = { DELTA_DYNAMO_TABLE_PATH_SCHEME: 's3a' };
const s3aPath = (t: S3Table): string => `s3a://${t.bucket}/${t.prefix}`;

/** A table with versions 0 (ids 0..4) and 1 (ids 5..9) written in dynamodb mode, s3a tablePath. */
async function twoVersions(): Promise<S3Table> {
  const t = await newS3Table();
  const opts = storageOptions('dynamodb', t.lockTable, S3A);
  await writeDeltaTable(t.uri, batch(range(0, 5)), { storageOptions: opts });
  await writeDeltaTable(t.uri, batch(range(5, 5)), { storageOptions: opts });
  return t;
}

function coordinatorOf(t: S3Table): DynamoDbCoordinator {
  return openStore(t, 'dynamodb', undefined, S3A).commitCoordinator as DynamoDbCoordinator;
}

describe('createLockTable', () => {
  test("is idempotent and creates Spark's key schema, on-demand", async () => {
    const name = uniqueName('ds_lock', 200).replaceAll('-', '_');
    const dynamo = await newClients(storageOptions('dynamodb')).dynamo();
    const first = await createLockTable(dynamo, name);
    const second = await createLockTable(dynamo, name);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.ttlEnabled).toBe(first.ttlEnabled);

    const { Table } = await dynamoClient().send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'tablePath', KeyType: 'HASH' },
      { AttributeName: 'fileName', KeyType: 'RANGE' },
    ]);
    expect(
      [...(Table?.AttributeDefinitions ?? [])].sort((a, b) => a.AttributeName!.localeCompare(b.AttributeName!)),
    ).toEqual([
      { AttributeName: 'fileName', AttributeType: 'S' },
      { AttributeName: 'tablePath', AttributeType: 'S' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    if (first.ttlEnabled) {
      const ttl = await dynamoClient().send(new DescribeTimeToLiveCommand({ TableName: name }));
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expireTime');
    }

    // The created table works as a lock table right away.
    const t = { ...(await newS3Table()), lockTable: name };
    const w = await writeDeltaTable(t.uri, batch([1]), { storageOptions: storageOptions('dynamodb', name) });
    expect(w.version).toBe(0);
    expect(await lockEntries(name, t.uri)).toHaveLength(1);
  });
});

describe('commits in dynamodb mode', () => {
  test("leave lock entries in Spark's exact shape (s3a tablePath, no trailing slash)", async () => {
    const t = await newS3Table();
    const opts = storageOptions('dynamodb', t.lockTable, S3A);
    const before = Math.floor(Date.now() / 1000);
    // A trailing slash on the URI must not reach the tablePath.
    const w0 = await writeDeltaTable(`${t.uri}/`, batch(range(0, 5)), { storageOptions: opts });
    const table = await DeltaTable.open(t.uri, { storageOptions: opts });
    const w1 = await table.append(batch(range(5, 5)));
    expect([w0.version, w1.version]).toEqual([0, 1]);
    const after = Math.floor(Date.now() / 1000);

    expect(await lockEntries(t.lockTable, t.uri)).toEqual([]); // nothing under the s3:// spelling
    const items = await lockEntries(t.lockTable, s3aPath(t));
    expect(items).toHaveLength(2);
    for (const [v, item] of items.entries()) {
      expect(Object.keys(item).sort()).toEqual(['complete', 'expireTime', 'fileName', 'tablePath', 'tempPath']);
      expect(item['tablePath']).toEqual({ S: `s3a://${t.bucket}/tables/t` });
      expect(item['fileName']).toEqual({ S: `${pad20(v)}.json` });
      expect(item['complete']).toEqual({ S: 'true' });
      const tempPath = item['tempPath']!.S!;
      expect(tempPath).toMatch(
        new RegExp(`^\\.tmp/${pad20(v)}\\.json\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
      );
      const expire = Number(item['expireTime']!.N);
      expect(Number.isInteger(expire)).toBe(true);
      expect(expire).toBeGreaterThanOrEqual(before + 86_400);
      expect(expire).toBeLessThanOrEqual(after + 86_400);
      // The temp object (relative to _delta_log) holds exactly the commit's bytes.
      const commit = await getText(t.bucket, `${t.prefix}/_delta_log/${pad20(v)}.json`);
      expect(await getText(t.bucket, `${t.prefix}/_delta_log/${tempPath}`)).toBe(commit);
    }
    expect(await logVersions(t)).toEqual([0, 1]);
    expect(await readIds(table)).toEqual(range(0, 10));
    await validateS3Table(t);
  });

  test('without DELTA_DYNAMO_TABLE_PATH_SCHEME the tablePath keeps the URI scheme (s3a:// URIs too)', async () => {
    const t = await newS3Table();
    await writeDeltaTable(t.uri, batch([1]), { storageOptions: storageOptions('dynamodb', t.lockTable) });
    expect((await lockEntries(t.lockTable, t.uri)).map((i) => i['fileName']?.S)).toEqual([`${pad20(0)}.json`]);
    await writeDeltaTable(s3aPath(t), batch([2]), { storageOptions: storageOptions('dynamodb', t.lockTable) });
    expect((await lockEntries(t.lockTable, s3aPath(t))).map((i) => i['fileName']?.S)).toEqual([`${pad20(1)}.json`]);
    expect(await logVersions(t)).toEqual([0, 1]);
    await validateS3Table(t);
  });

  test('latestVersion() is the newest entry, incomplete ones included; undefined for a new table', async () => {
    const t = await twoVersions();
    expect(await coordinatorOf(t).latestVersion()).toBe(1);
    const other = await newS3Table();
    expect(await coordinatorOf({ ...other, lockTable: t.lockTable }).latestVersion()).toBeUndefined();
    await leaveIncompleteCommit(t, s3aPath(t), 2, foreignTempPath('spark', 2), 'unused', false);
    expect(await coordinatorOf(t).latestVersion()).toBe(2);
    expect((await coordinatorOf(t).latestEntry())?.complete).toBe(false);
    await validateS3Table(t); // what S3 holds: versions 0 and 1
  });
});

describe('recovery of half-done commits', () => {
  for (const style of ['spark', 'delta-rs'] as const) {
    test(`a reader finishes an INCOMPLETE ${style} entry: N.json = temp content, entry complete`, async () => {
      const t = await twoVersions();
      const tempPath = foreignTempPath(style, 2);
      const content = await foreignCommitContent(t, 2, 1);
      await leaveIncompleteCommit(t, s3aPath(t), 2, tempPath, content);
      expect(await logVersions(t)).toEqual([0, 1]);
      // A conditional-mode reader does not consult the lock table: it still sees version 1.
      expect((await freshIds(t, 'conditional')).version).toBe(1);

      const reader = await DeltaTable.open(t.uri, { storageOptions: storageOptions('dynamodb', t.lockTable, S3A) });
      expect(reader.version).toBe(2);
      expect(await readIds(reader)).toEqual([...range(0, 10), ...range(5, 5)].sort((a, b) => a - b));
      expect(await getText(t.bucket, `${t.prefix}/_delta_log/${pad20(2)}.json`)).toBe(content);
      const entry = (await lockEntries(t.lockTable, s3aPath(t)))[2]!;
      expect(entry['complete']).toEqual({ S: 'true' });
      expect(entry['tempPath']).toEqual({ S: tempPath });
      expect(Number(entry['expireTime']?.N)).toBeGreaterThan(Date.now() / 1000 + 86_000);
      await validateS3Table(t);
    });
  }

  test('a writer racing at the version of an incomplete entry loses cleanly and commits next', async () => {
    const t = await twoVersions();
    const writer = await DeltaTable.open(t.uri, { store: openStore(t, 'dynamodb', undefined, S3A) });
    expect(writer.version).toBe(1);
    // Another (Spark) writer claims version 2 and stops before its copy.
    const content = await foreignCommitContent(t, 2, 1);
    await leaveIncompleteCommit(t, s3aPath(t), 2, foreignTempPath('spark', 2), content);

    // A deadline well under the test timeout: a writer that cannot get past version 2 fails.
    const w = await writer.append(batch(range(100, 3), 'ours'), { retry: { deadlineMs: 10_000 } });
    expect(w.version).toBe(3);
    expect(w.conflictsRetried).toBe(1);
    expect(await logVersions(t)).toEqual([0, 1, 2, 3]);
    expect(await getText(t.bucket, `${t.prefix}/_delta_log/${pad20(2)}.json`)).toBe(content);
    const entries = await lockEntries(t.lockTable, s3aPath(t));
    expect(entries.map((e) => [e['fileName']?.S, e['complete']?.S])).toEqual(
      [0, 1, 2, 3].map((v) => [`${pad20(v)}.json`, 'true']),
    );
    // Our losing attempt's temp file was cleaned up; the winner's and our winning one stay.
    const temps = await listKeys(t.bucket, `${t.prefix}/_delta_log/.tmp/`);
    expect(temps.filter((k) => k.includes(`${pad20(2)}.json.`))).toHaveLength(1);
    const { ids } = await freshIds(t, 'dynamodb');
    expect(ids).toEqual([...range(0, 10), ...range(5, 5), ...range(100, 3)].sort((a, b) => a - b));
    await validateS3Table(t);
  });

  test('an incomplete entry whose temp file is gone: a typed error that says what to do', async () => {
    const t = await twoVersions();
    const tempPath = foreignTempPath('spark', 2);
    await leaveIncompleteCommit(t, s3aPath(t), 2, tempPath, 'never uploaded', false);
    const opts = storageOptions('dynamodb', t.lockTable, S3A);
    const err = await DeltaTable.open(t.uri, { storageOptions: opts }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommitFailedError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${pad20(2)}.json`);
    expect(msg).toContain(tempPath);
    expect(msg).toContain(s3aPath(t));
    expect(msg).toMatch(/cannot be recovered/);
    expect(msg).toMatch(/Inspect the lock table entry/);
    // A writer stops the same way instead of committing over the hole.
    await expect(writeDeltaTable(t.uri, batch([99]), { storageOptions: opts })).rejects.toBeInstanceOf(
      CommitFailedError,
    );
    expect(await logVersions(t)).toEqual([0, 1]);
    await validateS3Table(t); // nothing committed over the hole
  });

  test('an incomplete entry whose N.json already exists is only marked complete', async () => {
    const t = await twoVersions();
    const store = createS3Store(t.uri, { storageOptions: storageOptions('dynamodb', t.lockTable, S3A) });
    // Version 2 landed (copy done) but its writer died before the completion mark; temp gone.
    const w = await writeDeltaTable(t.uri, batch([42]), { storageOptions: storageOptions('conditional') });
    expect(w.version).toBe(2);
    await leaveIncompleteCommit(t, s3aPath(t), 2, foreignTempPath('spark', 2), 'n/a', false);
    await store.commitCoordinator!.recover!(store);
    const entry = (await lockEntries(t.lockTable, s3aPath(t)))[2]!;
    expect(entry['complete']).toEqual({ S: 'true' });
    expect((await freshIds(t, 'dynamodb')).ids).toContain(42);
    await validateS3Table(t);
  });
});
