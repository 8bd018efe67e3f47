/**
 * Configuration too large for Lambda's 4 KB of environment variables: infra/ writes the routes
 * and the maintenance policies to an S3 object and sets DELTA_INGEST_ROUTES_FILE /
 * DELTA_MAINTENANCE_TABLES_FILE to its s3:// URI. The handlers read it at their first event
 * (embedded S3, real HTTP); a missing object fails loudly, naming the variable.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { DeltaTable } from '@delta-serverless/core';
import { createIngestHandler, createMaintenanceHandler, IngestConfigError } from '@delta-serverless/lambda';
import { newBucket, putText } from '../services/index.js';
import { csv, failures, notification, Recorder, sqsEvent, upload } from './support/ingest.js';
import { newClients, newS3Table, storageOptions, validateS3Table } from './support/tables.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['DELTA_INGEST_ROUTES', 'DELTA_INGEST_ROUTES_FILE', 'DELTA_MAINTENANCE_TABLES_FILE']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('configuration from an s3:// file', () => {
  test('the ingest handler routes with the routes object; the maintenance handler runs its policies', async () => {
    const [landing, t] = await Promise.all([newBucket('landing'), newS3Table('tables/configured')]);
    // Sixty routes: about 7 KB of JSON, more than a function's environment may hold.
    const routes = Array.from({ length: 60 }, (_, i) => ({
      prefix: `s3://${landing}/in/r${i}/`,
      table: i === 42 ? t.uri : `${t.uri}-${i}`,
    }));
    expect(JSON.stringify(routes).length).toBeGreaterThan(4096);
    await putText(t.bucket, 'config/ingest-routes.json', JSON.stringify(routes));
    await putText(t.bucket, 'config/maintenance-tables.json', JSON.stringify([{ table: t.uri, vacuum: false }]));
    delete process.env['DELTA_INGEST_ROUTES'];
    process.env['DELTA_INGEST_ROUTES_FILE'] = `s3://${t.bucket}/config/ingest-routes.json`;
    process.env['DELTA_MAINTENANCE_TABLES_FILE'] = `s3://${t.bucket}/config/maintenance-tables.json`;
    const opts = storageOptions('conditional');
    const rec = new Recorder();
    const ingest = createIngestHandler({ clients: newClients(opts), storageOptions: opts, logger: rec, metrics: rec });
    const obj = await upload(landing, 'in/r42/a.csv', csv(0, 3));
    expect(failures(await ingest(sqsEvent([notification([obj])]).event))).toEqual([]);
    expect((await DeltaTable.open(t.uri, { storageOptions: opts })).snapshot.numFiles).toBe(1);

    const maintenance = createMaintenanceHandler({
      clients: newClients(opts),
      storageOptions: opts,
      logger: rec,
      metrics: rec,
      minStepMs: 0,
    });
    const report = await maintenance({});
    expect(report.tables.map((r) => [r.table, r.status])).toEqual([[t.uri, 'ok']]);
    await validateS3Table(t);
  });

  test('a missing object fails the invocation naming the variable, and is read again next time', async () => {
    const t = await newS3Table('tables/unconfigured');
    delete process.env['DELTA_INGEST_ROUTES'];
    process.env['DELTA_INGEST_ROUTES_FILE'] = `s3://${t.bucket}/config/missing.json`;
    const opts = storageOptions('conditional');
    const rec = new Recorder();
    const ingest = createIngestHandler({ clients: newClients(opts), storageOptions: opts, logger: rec, metrics: rec });
    const { event } = sqsEvent([JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' })]);
    const err = await ingest(event).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestConfigError);
    expect((err as Error).message).toMatch(/DELTA_INGEST_ROUTES_FILE=s3:\/\/.*missing\.json cannot be read/);
    await putText(t.bucket, 'config/missing.json', JSON.stringify([{ prefix: `s3://${t.bucket}/in/`, table: t.uri }]));
    expect(failures(await ingest(event))).toEqual([]);
  });
});
