/**
 * The ingest handler's route mode `cdc` through the real handler (embedded S3, real HTTP):
 * change files of one batch are applied in turn, each with its txn; a malformed change file
 * fails only its own message (named line in the log) while the others commit; a redelivered
 * batch is skipped.
 */
import { describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { TOMBSTONE_MARK } from '@delta-serverless/core/internal';
import { createIngestHandler } from '@delta-serverless/lambda';
import { newBucket } from '../services/index.js';
import { failures, notification, Recorder, sqsEvent, upload } from './support/ingest.js';
import { newClients, newS3Table, openStore, storageOptions, validateS3Table } from './support/tables.js';

describe('ingest route mode cdc', () => {
  test('applies change files by key; a malformed one fails alone; redelivery is skipped', async () => {
    const [landing, t] = await Promise.all([newBucket('landing'), newS3Table('tables/orders')]);
    const opts = storageOptions('conditional');
    const rec = new Recorder();
    const handler = createIngestHandler({
      routes: [
        {
          prefix: `s3://${landing}/dms/`,
          table: t.uri,
          cdc: { format: 'dms', keys: ['id'], sequence: 'seq' },
        },
      ],
      clients: newClients(opts),
      storageOptions: opts,
      logger: rec,
      metrics: rec,
    });
    const a = await upload(landing, 'dms/0001.csv', 'Op,id,name,seq\nI,1,a,01\nI,2,b,02\nI,3,c,03\n');
    const bad = await upload(landing, 'dms/0002.csv', 'Op,id,name,seq\nU,1,x,04\nZ,2,y,05\n');
    const b = await upload(landing, 'dms/0003.csv', 'Op,id,name,seq\nD,2,b,06\nU,3,c2,07\n');
    const { event, ids } = sqsEvent([a, bad, b].map((o) => notification([o])));
    expect(failures(await handler(event))).toEqual([ids[1]]);
    const failure = rec.logs.find((l) => l.message === 'object not ingested')!;
    expect(failure.extra).toMatchObject({ key: 'dms/0002.csv', stage: 'cdc-merge' });
    expect(String(failure.extra['reason'])).toContain('line 3: the Op column holds "Z"');
    const table = await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') });
    const rows = (await table.toArrow()).toArray().map((r) => r.toJSON() as Record<string, unknown>);
    expect(rows.map((r) => [Number(r['id']), r['name']]).sort()).toEqual([
      [1, 'a'],
      [3, 'c2'],
    ]);
    // Two files' txns, and the mark of the commit that remembered the delete of id 2.
    expect([...table.snapshot.state.txns.keys()].filter((id) => id !== TOMBSTONE_MARK)).toHaveLength(2);
    // The whole batch again: the two applied files are duplicates, the bad one fails again.
    const again = sqsEvent([a, bad, b].map((o) => notification([o])));
    expect(failures(await handler(again.event))).toEqual([again.ids[1]]);
    expect(rec.sum('DuplicatesSkipped')).toBe(2);
    expect((await DeltaTable.open(t.uri, { store: openStore(t, 'conditional') })).version).toBe(table.version);
    await validateS3Table(t);
  });
});
