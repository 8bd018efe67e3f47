/**
 * Commits in the default mode, S3 conditional writes (`If-None-Match: *` on N.json), on s3://
 * tables through DeltaTable / writeDeltaTable with delta-rs storage options. What landed is
 * read back with MinIO; races are made deterministic with an SDK middleware pause.
 */
import { describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { listKeys } from '../services/index.js';
import { Gate, hookClients } from './support/sdk-hooks.js';
import {
  batch,
  freshIds,
  logVersions,
  newClients,
  newS3Table,
  openStore,
  range,
  rawCommit,
  readIds,
  storageOptions,
  txnIds,
  validateS3Table,
} from './support/tables.js';

describe('conditional-write commits on S3', () => {
  test('create + appends: one N.json per commit, no DynamoDB call, s3a:// reads the same table', async () => {
    const t = await newS3Table();
    const opts = storageOptions('conditional');
    const clients = newClients(opts);
    const store = openStore(t, 'conditional', clients);
    expect(store.commitCoordinator).toBeUndefined();

    const w0 = await writeDeltaTable(t.uri, batch(range(0, 3)), { storageOptions: opts });
    const table = await DeltaTable.open(t.uri, { store });
    const w1 = await table.append(batch(range(3, 3)));
    const w2 = await table.append(batch(range(6, 3)));
    expect([w0.version, w1.version, w2.version]).toEqual([0, 1, 2]);
    expect(clients.counter.count('s3:PutObject')).toBe(6); // 2 x (data file + commit + N.crc)
    expect(Object.keys(clients.counter.snapshot()).filter((k) => k.startsWith('dynamodb:'))).toEqual([]);

    expect(await logVersions(t)).toEqual([0, 1, 2]);
    expect(await listKeys(t.bucket, `${t.prefix}/_delta_log/.tmp/`)).toEqual([]);
    const info = (await rawCommit(t, 2))[0]!['commitInfo']!;
    expect(info['operation']).toBe('WRITE');
    expect(String(info['engineInfo'])).toMatch(/^delta-serverless\//);
    expect(info['readVersion']).toBe(1);

    const viaS3a = await DeltaTable.open(`s3a://${t.bucket}/${t.prefix}`, { storageOptions: opts });
    expect(viaS3a.version).toBe(2);
    expect(await readIds(viaS3a)).toEqual(range(0, 9));
    await validateS3Table(t);
  });

  test('a writer that loses version N to another (412 on its PUT) retries at N+1', async () => {
    const t = await newS3Table();
    const opts = storageOptions('conditional');
    await writeDeltaTable(t.uri, batch(range(0, 2)), { storageOptions: opts });

    const slowClients = newClients(opts);
    const gate = new Gate();
    let paused = false;
    await hookClients(slowClients, async (call, phase) => {
      if (
        !paused &&
        phase === 'before' &&
        call.command === 'PutObject' &&
        /_delta_log\/\d{20}\.json$/.test(call.key ?? '')
      ) {
        paused = true;
        await gate.wait();
      }
    });
    const slow = await DeltaTable.open(t.uri, { store: openStore(t, 'conditional', slowClients) });
    const fast = await DeltaTable.open(t.uri, { storageOptions: opts });

    const slowWrite = slow.append(batch(range(100, 2), 'slow'));
    await gate.reached; // the slow writer is about to PUT 1.json
    const f = await fast.append(batch(range(200, 2), 'fast'));
    expect(f.version).toBe(1);
    gate.release();
    const s = await slowWrite;
    expect(s.version).toBe(2);
    expect(s.conflictsRetried).toBe(1);
    // Two commit PUTs by the slow writer: the 412 at 1.json and the win at 2.json (+ its data file and 2.crc).
    expect(slowClients.counter.count('s3:PutObject')).toBe(4);

    expect(await logVersions(t)).toEqual([0, 1, 2]);
    expect(String((await rawCommit(t, 1))[0]!['commitInfo']!['txnId'])).not.toBe(
      String((await rawCommit(t, 2))[0]!['commitInfo']!['txnId']),
    );
    expect((await freshIds(t)).ids).toEqual([0, 1, 100, 101, 200, 201]);
    await validateS3Table(t);
  });

  test('6 concurrent appenders from one snapshot: versions 1..6, every row once', async () => {
    const t = await newS3Table();
    const opts = storageOptions('conditional');
    await writeDeltaTable(t.uri, batch([0]), { storageOptions: opts });
    const writers = await Promise.all(
      Array.from({ length: 6 }, () => DeltaTable.open(t.uri, { store: openStore(t, 'conditional') })),
    );
    const results = await Promise.all(writers.map((w, i) => w.append(batch(range(10 * (i + 1), 3), `w${i}`))));
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(results.reduce((n, r) => n + r.conflictsRetried, 0)).toBeGreaterThanOrEqual(5);
    expect(await logVersions(t)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Set(await txnIds(t)).size).toBe(7);
    const expected = [0, ...Array.from({ length: 6 }, (_, i) => range(10 * (i + 1), 3)).flat()];
    expect((await freshIds(t)).ids).toEqual(expected);
    await validateS3Table(t);
  });
});
