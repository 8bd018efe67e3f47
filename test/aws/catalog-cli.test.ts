/**
 * `catalog sync` and `catalog show` through `main(argv, io)`, against moto's Glue (endpoint,
 * region and credentials from the environment global-setup exports, as a user's shell would).
 */
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { runCli as run } from '../support/cli.js';
import { writeDeltaTable } from '@delta-serverless/core';
import { uniqueName } from '../services/index.js';
import { newS3Table, storageOptions, validateS3Table } from './support/tables.js';

const ids = (xs: number[]) => new arrow.Table({ id: arrow.vectorFromArray(xs.map(BigInt), new arrow.Int64()) });

describe('catalog sync / show', () => {
  test('register, re-sync without a write, show; errors name the CLI flags', async () => {
    const t = await newS3Table('tables/cli_events');
    await writeDeltaTable(t.uri, ids([1, 2]), { storageOptions: storageOptions('conditional') });
    const db = uniqueName('ds_cli', 200).replaceAll('-', '_');

    const missing = await run('catalog', 'sync', t.uri, '--database', db);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      `error: Glue database ${db} does not exist. Create it (--create-database), or name an existing database.\n`,
    );

    const before = await run('catalog', 'show', t.uri, '--database', db, '--name', 'events');
    expect(before.out).toBe(`Glue table ${db}.events: not registered (run \`catalog sync\` to register version 0)\n`);

    const created = await run('catalog', 'sync', t.uri, '--database', db, '--name', 'events', '--create-database');
    expect(created.err).toBe('');
    expect(created.out).toBe(
      `created Glue database ${db}; created Glue table ${db}.events for s3://${t.bucket}/tables/cli_events (version 0)\n`,
    );
    const again = await run('catalog', 'sync', t.uri, '--database', db, '--name', 'events');
    expect(again.out).toBe(`Glue table ${db}.events already matches version 0; nothing written\n`);

    const shown = await run('catalog', 'show', t.uri, '--database', db, '--name', 'events');
    expect(shown.out.split('\n').slice(0, 2)).toEqual([
      `Glue table ${db}.events: in sync with version 0`,
      `  location        s3://${t.bucket}/tables/cli_events`,
    ]);
    expect(shown.out).toContain('    id  bigint\n');
    const json = JSON.parse((await run('catalog', 'show', t.uri, '--database', db, '--name', 'events', '--json')).out);
    expect(json).toMatchObject({ registered: true, inSync: true, glue: { lastSyncedVersion: 0 } });

    const bad = await run('catalog', 'sync', t.uri, '--database', db, '--name', 'Bad-Name!');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('e.g. bad_name');
    const noDb = await run('catalog', 'sync', t.uri);
    expect(noDb.code).toBe(2);
    expect(noDb.err).toContain("required option '--database <db>' not specified");
    await validateS3Table(t);
  });
});
