import { readFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLockTable } from '@delta-serverless/aws';
import { describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  ingestRoutesEnv,
  ingestVisibilityTimeoutSeconds,
  maintenanceTablesEnv,
  resolveSettings,
  VISIBILITY_TIMEOUT_FACTOR,
} from '../../infra/config.js';
import { InfraConfigError } from '../../infra/errors.js';
import { engineEnvironment } from '../../infra/environment.js';
import { ARCHITECTURE, functionCode, PARQUET_WASM_VERSION, RUNTIME } from '../../infra/handlers.js';
import { lifecycleRules } from '../../infra/lifecycle.js';
import { LOCK_TABLE_SCHEMA } from '../../infra/lock-table-schema.js';
import { matchRoute, parseRoutes } from '../../packages/lambda/src/ingest/routes.js';
import { parsePolicies } from '../../packages/lambda/src/maintenance/policy.js';

const cfg = (o: object) => ({ DS_CONFIG: JSON.stringify(o) });

describe('settings', () => {
  it('defaults: landing/ and tables/, hourly maintenance, 15-minute maintenance timeout', () => {
    const s = resolveSettings('dev', {});
    expect(s.landingPrefix).toBe('landing/');
    expect(s.tablesPrefix).toBe('tables/');
    expect(s.maintenanceSchedule).toBe('rate(1 hour)');
    expect(s.maintenanceFunction.timeoutSeconds).toBe(900);
    expect(s.versioning).toBe(false);
  });

  it('stage overrides, then DS_CONFIG; function objects merge key by key', () => {
    expect(resolveSettings('production', {}).ingest.maxConcurrency).toBe(20);
    const s = resolveSettings('production', cfg({ ingest: { timeoutSeconds: 300 }, landingPrefix: 'in/' }));
    expect(s.ingest).toMatchObject({ timeoutSeconds: 300, maxConcurrency: 20, memoryMb: DEFAULTS.ingest.memoryMb });
    expect(s.landingPrefix).toBe('in/');
    expect(resolveSettings('dev', { DS_PREBUILT_BUNDLES: '1' }).prebuiltBundles).toBe(true);
  });

  it('visibility timeout >= 6x the ingest function timeout, for defaults and overrides', () => {
    for (const timeoutSeconds of [DEFAULTS.ingest.timeoutSeconds, 30, 900]) {
      const s = resolveSettings('dev', cfg({ ingest: { timeoutSeconds } }));
      expect(VISIBILITY_TIMEOUT_FACTOR).toBe(6);
      expect(ingestVisibilityTimeoutSeconds(s)).toBeGreaterThanOrEqual(6 * timeoutSeconds);
      expect(ingestVisibilityTimeoutSeconds(s)).toBe(6 * timeoutSeconds + s.ingest.maxBatchingWindowSeconds);
    }
  });

  it.each([
    ['overlapping prefixes', { landingPrefix: 'data/', tablesPrefix: 'data/tables/' }, /overlap/],
    ['prefix without slash', { landingPrefix: 'landing' }, /ending in "\/"/],
    ['absolute prefix', { tablesPrefix: '/tables/' }, /relative S3 key prefix/],
    ['nested tables', { routes: [{ prefix: 'a/', table: 'a' }], maintenance: [{ table: 'a/b' }] }, /must not nest/],
    [
      'overlapping routes',
      {
        routes: [
          { prefix: 'a/', table: 'x' },
          { prefix: 'a/b/', table: 'y' },
        ],
      },
      /overlap/,
    ],
    ['timeout over 15 minutes', { ingest: { timeoutSeconds: 901 } }, /ingest.timeoutSeconds/],
    [
      'reserved below max concurrency',
      { ingest: { maxConcurrency: 10, reservedConcurrency: 5 } },
      /reservedConcurrency/,
    ],
    ['batch over 10 without window', { ingest: { batchSize: 50, maxBatchingWindowSeconds: 0 } }, /batchSize/],
    ['reference-mode routes', { routes: [{ prefix: 'r/', table: 'r', mode: 'reference' }] }, /reference/],
    [
      'cdc routes without keys',
      { routes: [{ prefix: 'c/', table: 'c', cdc: { format: 'dms', keys: [] } }] },
      /cdc.keys/,
    ],
    [
      'cdc routes with a time partition',
      {
        routes: [
          {
            prefix: 'c/',
            table: 'c',
            cdc: { format: 'debezium', keys: ['id'] },
            timePartition: { column: 'd', from: 'ts', granularity: 'day' },
          },
        ],
      },
      /does not apply to a cdc route/,
    ],
    ['bad schedule', { maintenanceSchedule: 'every hour' }, /maintenanceSchedule/],
    ['config prefix inside the tables', { configPrefix: 'tables/config/' }, /configPrefix .* overlap/],
    ['queue retention over SQS maximum', { ingest: { queueRetentionDays: 15 } }, /ingest.queueRetentionDays/],
    ['backlog alarm after the queue drops', { alarms: { backlogAgeHours: 14 * 24 } }, /alarms.backlogAgeHours/],
    ['alarm topic that is not an SNS ARN', { alarms: { topicArn: 'my-topic' } }, /SNS topic ARN/],
    ['maintenance reserved concurrency 0', { maintenanceFunction: { reservedConcurrency: 0 } }, /reservedConcurrency/],
    ['unknown config source', { configSource: 'ssm' }, /configSource/],
  ])('rejects %s', (_name, override, message) => {
    expect(() => resolveSettings('dev', cfg(override))).toThrow(InfraConfigError);
    expect(() => resolveSettings('dev', cfg(override))).toThrow(message);
  });

  it('rejects DS_CONFIG that is not a JSON object', () => {
    expect(() => resolveSettings('dev', { DS_CONFIG: '{nope' })).toThrow(/not valid JSON/);
    expect(() => resolveSettings('dev', { DS_CONFIG: '[]' })).toThrow(/JSON object/);
  });

  it('function environments carry full key prefixes and table URIs', () => {
    const s = resolveSettings('dev', cfg({ routes: [{ prefix: 'sales/', table: 'sales', format: 'csv' }] }));
    expect(JSON.parse(ingestRoutesEnv('b1', s))).toEqual([
      { prefix: 's3://b1/landing/sales/', table: 's3://b1/tables/sales', format: 'csv' },
    ]);
    expect(JSON.parse(maintenanceTablesEnv('b1', s))).toEqual([
      { table: 's3://b1/tables/events', checkpoint: true, optimize: {}, vacuum: { retentionHours: 168 } },
    ]);
    // The maintenance handler's own parser accepts its policies.
    expect(parsePolicies(JSON.parse(maintenanceTablesEnv('b1', s)))[0]).toMatchObject({
      table: 's3://b1/tables/events',
      vacuum: { retentionHours: 168 },
    });
    // The ingest handler's own parser accepts them and routes an upload to the table.
    const routes = parseRoutes(JSON.parse(ingestRoutesEnv('b1', s)));
    expect(matchRoute(routes, { bucket: 'b1', key: 'landing/sales/2026/a.csv' })?.table).toBe('s3://b1/tables/sales');
    expect(matchRoute(routes, { bucket: 'b1', key: 'tables/sales/_delta_log/0.json' })).toBeUndefined();
    // A change-stream route passes through to the handler's parser.
    const cdc = resolveSettings(
      'dev',
      cfg({ routes: [{ prefix: 'dms/', table: 'orders', cdc: { format: 'dms', keys: ['id'], sequence: 'seq' } }] }),
    );
    expect(parseRoutes(JSON.parse(ingestRoutesEnv('b1', cdc)))[0]!.cdc).toEqual({
      format: 'dms',
      keys: ['id'],
      sequence: 'seq',
    });
    expect(engineEnvironment('locks')).toEqual({
      AWS_S3_LOCKING_PROVIDER: 'dynamodb',
      DELTA_DYNAMO_TABLE_NAME: 'locks',
    });
  });
});

describe('lifecycle rules', () => {
  it('one temp-file rule per configured table, plus multipart abort after 1 day', () => {
    const s = resolveSettings(
      'dev',
      cfg({ routes: [{ prefix: 's/', table: 'sales' }], maintenance: [{ table: 'a/b' }] }),
    );
    const rules = lifecycleRules(s);
    expect(rules.filter((r) => r.expiration).map((r) => r.filter.prefix)).toEqual([
      'tables/sales/_delta_log/.tmp/',
      'tables/a/b/_delta_log/.tmp/',
    ]);
    expect(
      rules.every((r) => !r.expiration || !('days' in r.expiration) || r.expiration.days === s.tmpExpirationDays),
    ).toBe(true);
    expect(rules.find((r) => r.abortIncompleteMultipartUpload)).toMatchObject({
      filter: { prefix: '' },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    });
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(rules.some((r) => r.noncurrentVersionExpiration)).toBe(false);
  });

  it('with versioning on, noncurrent versions and then their delete markers expire (VACUUM must free space)', () => {
    const rules = lifecycleRules(resolveSettings('dev', cfg({ versioning: true })));
    const rule = rules.find((r) => r.noncurrentVersionExpiration)!;
    expect(rule).toMatchObject({
      filter: { prefix: '' },
      noncurrentVersionExpiration: { noncurrentDays: 7 },
      expiration: { expiredObjectDeleteMarker: true },
    });
  });
});

describe('lock table', () => {
  it("matches Delta Spark's schema: HASH tablePath S, RANGE fileName S, on-demand, TTL expireTime", () => {
    expect(LOCK_TABLE_SCHEMA).toEqual({
      fields: { tablePath: 'string', fileName: 'string' },
      primaryIndex: { hashKey: 'tablePath', rangeKey: 'fileName' },
      ttl: 'expireTime',
      billingMode: 'PAY_PER_REQUEST',
    });
  });

  it('matches the table the engine creates (delta-serverless create-lock-table)', async () => {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    // Records the requests; answers as an ACTIVE table would.
    const client = {
      send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: cmd.constructor.name, input: cmd.input });
        return { Table: { TableStatus: 'ACTIVE' }, $metadata: {} };
      },
    } as unknown as DynamoDBClient;
    await createLockTable(client, 'locks');
    const create = sent.find((c) => c.name === 'CreateTableCommand')!.input;
    const { fields, primaryIndex, ttl, billingMode } = LOCK_TABLE_SCHEMA;
    expect(create.BillingMode).toBe(billingMode);
    expect(create.KeySchema).toEqual([
      { AttributeName: primaryIndex.hashKey, KeyType: 'HASH' },
      { AttributeName: primaryIndex.rangeKey, KeyType: 'RANGE' },
    ]);
    expect(create.AttributeDefinitions).toEqual(
      Object.keys(fields).map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    );
    const ttlSpec = sent.find((c) => c.name === 'UpdateTimeToLiveCommand')!.input;
    expect(ttlSpec.TimeToLiveSpecification).toEqual({ AttributeName: ttl, Enabled: true });
  });
});

describe('function code', () => {
  it('arm64 on a Node.js 22 runtime', () => {
    expect(ARCHITECTURE).toBe('arm64');
    expect(RUNTIME).toBe('nodejs22.x');
  });

  it('SST bundling installs the parquet-wasm version packages/core depends on', () => {
    const core = JSON.parse(readFileSync(new URL('../../packages/core/package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(core.dependencies['parquet-wasm']).toBe(PARQUET_WASM_VERSION);
    const code = functionCode('ingest', resolveSettings('dev', {}));
    expect(code).toMatchObject({
      handler: 'packages/lambda/src/functions/ingest.handler',
      nodejs: { install: { 'parquet-wasm': PARQUET_WASM_VERSION }, esbuild: { conditions: ['source'] } },
    });
  });

  it('prebuilt mode deploys the bundle directory of pnpm bundle', () => {
    const s = resolveSettings('dev', { DS_PREBUILT_BUNDLES: 'true' });
    expect(functionCode('optimize-worker', s)).toEqual({
      bundle: 'dist/lambda/optimize-worker',
      handler: 'index.handler',
    });
  });

  it('ships no source maps: Node would parse them at every cold start', () => {
    const code = functionCode('ingest', resolveSettings('dev', {}));
    expect(code).toMatchObject({ nodejs: { sourcemap: false } });
    // Nothing sets --enable-source-maps, in either mode.
    for (const prebuilt of [{}, { DS_PREBUILT_BUNDLES: '1' }]) {
      const s = resolveSettings('dev', prebuilt);
      expect(JSON.stringify(functionCode('maintenance', s))).not.toMatch(/source-maps/);
    }
  });
});
