/**
 * Catalog sync against a real Glue API over HTTP (moto's server, started by global-setup).
 * The expected Glue table is written out here from the sources in docs/catalog.md (Athena's,
 * Spark's and Trino's shapes), not computed with the code under test. Requests are counted
 * at the wire by a proxy in front of Glue, and moto's table versions show whether a write
 * happened at all.
 */
import {
  GetTableCommand,
  GetTableVersionsCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
} from '@aws-sdk/client-glue';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CatalogLocationError,
  CatalogTableConflictError,
  describeCatalog,
  GlueDatabaseNotFoundError,
  syncCatalog,
  type SyncCatalogOptions,
} from '@delta-serverless/aws';
import { DeltaTable, writeDeltaTable, type StructType } from '@delta-serverless/core';
import { glueConfig, services, uniqueName } from '../services/index.js';
import { PASS, seen, startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { newClients, newS3Table, storageOptions, validateS3Table } from './support/tables.js';

let proxy: FaultProxy;
let glue: GlueClient;
beforeAll(async () => {
  proxy = await startFaultProxy(services().glueEndpoint, 'glue');
  glue = new GlueClient(glueConfig());
});
afterAll(async () => {
  glue.destroy();
  await proxy.stop();
});

/** Storage options whose Glue calls go through the counting proxy. */
function viaProxy(): SyncCatalogOptions['storageOptions'] {
  return storageOptions('conditional', undefined, { AWS_ENDPOINT_URL_GLUE: proxy.endpoint });
}

const newDatabase = () => uniqueName('ds_cat', 200).replaceAll('-', '_');

async function glueTable(database: string, name: string): Promise<Table> {
  return (await glue.send(new GetTableCommand({ DatabaseName: database, Name: name }))).Table!;
}

async function versionCount(database: string, name: string): Promise<number> {
  const out = await glue.send(new GetTableVersionsCommand({ DatabaseName: database, TableName: name }));
  return out.TableVersions?.length ?? 0;
}

/** Glue requests seen since `from`, by operation. */
function calls(from: number): string[] {
  return proxy.log.slice(from).map((e) => e.op);
}

const WIDE: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: { type: 'long' }, nullable: false, metadata: { comment: 'row id' } },
    { name: 'i', type: { type: 'integer' }, nullable: true, metadata: {} },
    { name: 's', type: { type: 'short' }, nullable: true, metadata: {} },
    { name: 'b', type: { type: 'byte' }, nullable: true, metadata: {} },
    { name: 'f', type: { type: 'float' }, nullable: true, metadata: {} },
    { name: 'd', type: { type: 'double' }, nullable: true, metadata: {} },
    { name: 'ok', type: { type: 'boolean' }, nullable: true, metadata: {} },
    { name: 'bin', type: { type: 'binary' }, nullable: true, metadata: {} },
    { name: 'day', type: { type: 'date' }, nullable: true, metadata: {} },
    { name: 'ts', type: { type: 'timestamp' }, nullable: true, metadata: {} },
    { name: 'ntz', type: { type: 'timestamp_ntz' }, nullable: true, metadata: {} },
    { name: 'amount', type: { type: 'decimal', precision: 12, scale: 2 }, nullable: true, metadata: {} },
    {
      name: 'tags',
      type: { type: 'array', elementType: { type: 'string' }, containsNull: true },
      nullable: true,
      metadata: {},
    },
    {
      name: 'attrs',
      type: { type: 'map', keyType: { type: 'string' }, valueType: { type: 'integer' }, valueContainsNull: true },
      nullable: true,
      metadata: {},
    },
    {
      name: 'point',
      type: {
        type: 'struct',
        fields: [
          { name: 'x', type: { type: 'double' }, nullable: true, metadata: {} },
          { name: 'my field', type: { type: 'string' }, nullable: true, metadata: {} },
        ],
      },
      nullable: true,
      metadata: {},
    },
    { name: 'country', type: { type: 'string' }, nullable: true, metadata: {} },
  ],
};

describe('syncCatalog on Glue (moto)', () => {
  it('registers a table as Athena, Trino and Spark expect; an unchanged table then costs one GetTable', async () => {
    const t = await newS3Table('tables/Wide-Sales');
    const database = newDatabase();
    const opts = storageOptions('conditional');
    await DeltaTable.create(t.uri, {
      schema: WIDE,
      partitionBy: ['country'],
      // Column mapping: the nested name `my field` needs it (Spark refuses spaces without).
      properties: { 'delta.appendOnly': 'true', 'delta.columnMapping.mode': 'name' },
      description: 'sales, one row per order',
      storageOptions: opts,
    });
    const from = proxy.log.length;
    const r = await syncCatalog(t.uri, { database, createDatabase: true, storageOptions: viaProxy() });
    expect(r).toMatchObject({ action: 'created', database, name: 'wide_sales', version: 0, createdDatabase: true });
    expect(calls(from)).toEqual(['GetTable', 'GetDatabase', 'CreateDatabase', 'CreateTable']);

    const g = await glueTable(database, 'wide_sales');
    const location = `s3://${t.bucket}/tables/Wide-Sales`;
    expect(g.TableType).toBe('EXTERNAL_TABLE');
    expect(g.Description).toBe('sales, one row per order');
    expect(g.PartitionKeys ?? []).toEqual([]);
    expect(g.StorageDescriptor).toMatchObject({
      Location: location,
      InputFormat: 'org.apache.hadoop.mapred.SequenceFileInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat',
      SerdeInfo: {
        SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
        Parameters: { 'serialization.format': '1', path: location },
      },
    });
    expect(g.StorageDescriptor?.Columns).toEqual([
      { Name: 'id', Type: 'bigint', Comment: 'row id' },
      { Name: 'i', Type: 'int' },
      { Name: 's', Type: 'smallint' },
      { Name: 'b', Type: 'tinyint' },
      { Name: 'f', Type: 'float' },
      { Name: 'd', Type: 'double' },
      { Name: 'ok', Type: 'boolean' },
      { Name: 'bin', Type: 'binary' },
      { Name: 'day', Type: 'date' },
      { Name: 'ts', Type: 'timestamp' },
      { Name: 'ntz', Type: 'timestamp' },
      { Name: 'amount', Type: 'decimal(12,2)' },
      { Name: 'tags', Type: 'array<string>' },
      { Name: 'attrs', Type: 'map<string,int>' },
      { Name: 'point', Type: 'struct<x:double,`my field`:string>' },
      { Name: 'country', Type: 'string' },
    ]);
    const p = g.Parameters!;
    expect(p).toMatchObject({
      EXTERNAL: 'TRUE',
      table_type: 'DELTA',
      'spark.sql.sources.provider': 'delta',
      'spark.sql.partitionProvider': 'catalog',
      'spark.sql.sources.schema.numParts': '1',
      'delta.appendOnly': 'true',
      'delta.minReaderVersion': '3',
      'delta.lastUpdateVersion': '0',
      comment: 'sales, one row per order',
    });
    expect(Number(p['delta.lastCommitTimestamp'])).toBeGreaterThan(Date.parse('2026-01-01'));
    // Spark reads the schema back from its parts: the log's schema JSON, partition column included.
    const logSchema = (await DeltaTable.open(t.uri, { storageOptions: opts })).snapshot.metadata.schemaString;
    const sparkSchema = JSON.parse(p['spark.sql.sources.schema.part.0']!) as {
      fields: { name: string; type: unknown }[];
    };
    expect(sparkSchema).toEqual(JSON.parse(logSchema));
    expect(sparkSchema.fields.map((f) => f.name)).toEqual(WIDE.fields.map((f) => f.name));
    expect(sparkSchema.fields[11]!.type).toBe('decimal(12,2)');

    // Appends change no metadata: the sync reads and writes nothing else.
    const appended = await writeDeltaTable(t.uri, rows({ id: [7n], country: ['NZ'] }), { storageOptions: opts });
    expect(appended.version).toBe(1);
    const before = proxy.log.length;
    expect((await syncCatalog(t.uri, { database, storageOptions: viaProxy() })).action).toBe('unchanged');
    expect(calls(before)).toEqual(['GetTable']);
    expect(await versionCount(database, 'wide_sales')).toBe(1);
    expect(await describeCatalog(t.uri, { database, storageOptions: viaProxy() })).toMatchObject({
      registered: true,
      inSync: true,
      differences: [],
    });
    await validateS3Table(t);
  });

  it('follows schema evolution: one UpdateTable with the new column, keeping what other tools set', async () => {
    const t = await newS3Table('tables/events');
    const database = newDatabase();
    const opts = storageOptions('conditional');
    await writeDeltaTable(t.uri, rows({ id: [1n, 2n] }), { storageOptions: opts });
    await syncCatalog(t.uri, { database, createDatabase: true, storageOptions: viaProxy() });
    // Another tool adds a parameter and a serde setting of its own.
    const g0 = await glueTable(database, 'events');
    await glue.send(
      new UpdateTableCommand({
        DatabaseName: database,
        TableInput: {
          Name: 'events',
          TableType: g0.TableType,
          Parameters: { ...g0.Parameters, owner_team: 'data-eng' },
          StorageDescriptor: {
            ...g0.StorageDescriptor,
            SerdeInfo: {
              ...g0.StorageDescriptor!.SerdeInfo,
              Parameters: { ...g0.StorageDescriptor!.SerdeInfo!.Parameters, 'custom.setting': 'x' },
            },
          },
          PartitionKeys: [],
        },
      }),
    );
    const before = await describeCatalog(t.uri, { database, storageOptions: viaProxy() });
    expect(before.inSync).toBe(true);

    await writeDeltaTable(t.uri, rows({ id: [3n], note: ['new'] }), { storageOptions: opts, schemaMode: 'merge' });
    const stale = await describeCatalog(t.uri, { database, storageOptions: viaProxy() });
    expect(stale.inSync).toBe(false);
    expect(stale.differences).toEqual(expect.arrayContaining(['columns', 'parameter spark.sql.sources.schema.part.0']));

    const from = proxy.log.length;
    const r = await syncCatalog(t.uri, { database, storageOptions: viaProxy() });
    expect(r.action).toBe('updated');
    expect(r.version).toBe(1);
    expect(calls(from)).toEqual(['GetTable', 'UpdateTable']);
    const g = await glueTable(database, 'events');
    expect(g.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type])).toEqual([
      ['id', 'bigint'],
      ['note', 'string'],
    ]);
    expect(g.Parameters).toMatchObject({ owner_team: 'data-eng', 'delta.lastUpdateVersion': '1' });
    expect(g.StorageDescriptor?.SerdeInfo?.Parameters).toMatchObject({ 'custom.setting': 'x' });
    expect(await versionCount(database, 'events')).toBe(3);
    expect((await syncCatalog(t.uri, { database, storageOptions: viaProxy() })).action).toBe('unchanged');
    expect(await versionCount(database, 'events')).toBe(3);
    await validateS3Table(t);
  });

  it('retries an update that lost a race (ConcurrentModificationException) on the table Glue has then', async () => {
    const t = await newS3Table('tables/raced');
    const database = newDatabase();
    const opts = storageOptions('conditional');
    await writeDeltaTable(t.uri, rows({ id: [1n] }), { storageOptions: opts });
    await syncCatalog(t.uri, { database, createDatabase: true, storageOptions: viaProxy() });
    await writeDeltaTable(t.uri, rows({ id: [2n], extra: ['e'] }), { storageOptions: opts, schemaMode: 'merge' });
    let injected = 0;
    proxy.decide = (req) =>
      req.op === 'UpdateTable' && injected++ === 0
        ? { kind: 'status', status: 400, code: 'ConcurrentModificationException', message: 'version changed' }
        : PASS;
    const from = proxy.log.length;
    try {
      expect((await syncCatalog(t.uri, { database, storageOptions: viaProxy() })).action).toBe('updated');
    } finally {
      proxy.decide = () => PASS;
    }
    expect(calls(from)).toEqual(['GetTable', 'UpdateTable', 'GetTable', 'UpdateTable']);
    expect(seen(proxy, 'UpdateTable').slice(-2)).toEqual(['status', 'pass:200']);
    expect((await glueTable(database, 'raced')).StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual([
      'id',
      'extra',
    ]);
    await validateS3Table(t);
  });

  it('never moves Glue back to an older version of the table', async () => {
    const t = await newS3Table('tables/newer');
    const database = newDatabase();
    const opts = storageOptions('conditional');
    await writeDeltaTable(t.uri, rows({ id: [1n] }), { storageOptions: opts });
    await writeDeltaTable(t.uri, rows({ id: [2n], extra: ['e'] }), { storageOptions: opts, schemaMode: 'merge' });
    await syncCatalog(t.uri, { database, createDatabase: true, storageOptions: viaProxy() });
    const old = await DeltaTable.open(t.uri, { storageOptions: opts, version: 0 });
    const r = await syncCatalog(old.snapshot, { database, storageOptions: viaProxy() });
    expect(r.action).toBe('newer');
    expect((await glueTable(database, 'newer')).StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual([
      'id',
      'extra',
    ]);
    expect(await versionCount(database, 'newer')).toBe(1);
    await validateS3Table(t);
  });

  it('a partitioned table: partition columns are Glue columns, not partition keys', async () => {
    const t = await newS3Table('tables/by_day');
    const database = newDatabase();
    await writeDeltaTable(t.uri, rows({ id: [1n, 2n], day: ['2026-01-01', '2026-01-02'] }), {
      storageOptions: storageOptions('conditional'),
      partitionBy: ['day'],
    });
    await syncCatalog(t.uri, { database, createDatabase: true, name: 'Daily', storageOptions: viaProxy() });
    const g = await glueTable(database, 'daily');
    expect(g.PartitionKeys ?? []).toEqual([]);
    expect(g.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual(['id', 'day']);
    await validateS3Table(t);
  });

  it('refuses a missing database unless asked to create it, and a foreign table of the same name', async () => {
    const t = await newS3Table('tables/plain');
    const database = newDatabase();
    await writeDeltaTable(t.uri, rows({ id: [1n] }), { storageOptions: storageOptions('conditional') });
    await expect(syncCatalog(t.uri, { database, storageOptions: viaProxy() })).rejects.toBeInstanceOf(
      GlueDatabaseNotFoundError,
    );
    await syncCatalog(t.uri, { database, createDatabase: true, storageOptions: viaProxy() });
    const other = await newS3Table('tables/plain');
    await writeDeltaTable(other.uri, rows({ id: [1n] }), { storageOptions: storageOptions('conditional') });
    const err = await syncCatalog(other.uri, { database, storageOptions: viaProxy() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogTableConflictError);
    expect((err as Error).message).toContain(`points at s3://${t.bucket}/tables/plain`);
    await validateS3Table(t);
  });

  it('refuses a table that is not on S3', async () => {
    const local = mkdtempSync(join(tmpdir(), 'ds-cat-'));
    try {
      await writeDeltaTable(local, rows({ id: [1n] }));
      await expect(syncCatalog(local, { database: 'db', storageOptions: viaProxy() })).rejects.toBeInstanceOf(
        CatalogLocationError,
      );
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });

  it('uses the clients it is given (request counting)', async () => {
    const t = await newS3Table('tables/counted');
    const opts = storageOptions('conditional');
    await writeDeltaTable(t.uri, rows({ id: [1n] }), { storageOptions: opts });
    const clients = newClients(opts);
    await syncCatalog(t.uri, { database: newDatabase(), createDatabase: true, storageOptions: opts, clients });
    expect(clients.counter.snapshot()).toMatchObject({ 'glue:GetTable': 1, 'glue:CreateTable': 1 });
    clients.destroy();
    await validateS3Table(t);
  });
});

function rows(cols: Record<string, (bigint | string)[]>): arrow.Table {
  const vectors: Record<string, arrow.Vector> = {};
  for (const [k, v] of Object.entries(cols)) {
    vectors[k] =
      typeof v[0] === 'bigint'
        ? arrow.makeVector(BigInt64Array.from(v as bigint[]))
        : arrow.vectorFromArray(v as string[], new arrow.Utf8());
  }
  return new arrow.Table(vectors);
}
