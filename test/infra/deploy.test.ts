/**
 * What a real `sst deploy` and a year in production would hit (issue #18), checked on the
 * infrastructure's pure functions: function shapes (no reserved concurrency unless asked for,
 * no async retries on the maintenance function), the schedule expression, the 4 KB
 * environment limit and the configuration objects that avoid it, queue retention and alarms.
 */
import { describe, expect, it } from 'vitest';
import {
  DLQ_RETENTION_SECONDS,
  INGEST_TXN_RETENTION_DAYS,
  ingestQueueRetentionSeconds,
  queueAlarms,
  resolveSettings,
  type Settings,
} from '../../infra/config.js';
import {
  configObjectKey,
  configPlacement,
  environmentBytes,
  ingestConfig,
  ingestEnvironment,
  LAMBDA_ENV_LIMIT_BYTES,
  LONGEST_NAMES,
  maintenanceEnvironment,
  sstEnvironment,
  workerEnvironment,
} from '../../infra/environment.js';
import { InfraConfigError } from '../../infra/errors.js';
import { ingestFunction, maintenanceFunction, workerFunction } from '../../infra/functions.js';
import { INGEST_TABLE_PROPERTIES } from '../../packages/lambda/src/ingest/commit-group.js';
import { parseRoutes } from '../../packages/lambda/src/ingest/routes.js';
import { parseIntervalMs } from '@delta-serverless/core/internal';

const cfg = (o: object) => ({ DS_CONFIG: JSON.stringify(o) });
const DAY_MS = 86_400_000;

describe('function shapes', () => {
  it('maintenance: no reserved concurrency by default (it fails deploys on low-quota accounts), async retries 0', () => {
    const s = resolveSettings('dev', {});
    expect(maintenanceFunction(s)).toEqual({ memory: '1024 MB', timeout: '900 seconds', retries: 0 });
    expect(resolveSettings('production', {}).maintenanceFunction.reservedConcurrency).toBeUndefined();
    const opted = resolveSettings('dev', cfg({ maintenanceFunction: { reservedConcurrency: 1 } }));
    expect(maintenanceFunction(opted)).toMatchObject({ concurrency: { reserved: 1 }, retries: 0 });
  });

  it('ingest and worker: reserved concurrency only when set; no retries setting (not invoked asynchronously)', () => {
    const s = resolveSettings('dev', cfg({ ingest: { reservedConcurrency: 10 }, worker: { reservedConcurrency: 4 } }));
    expect(ingestFunction(s)).toEqual({ memory: '1024 MB', timeout: '120 seconds', concurrency: { reserved: 10 } });
    expect(workerFunction(s)).toEqual({ memory: '2048 MB', timeout: '900 seconds', concurrency: { reserved: 4 } });
    expect(workerFunction(resolveSettings('dev', {}))).not.toHaveProperty('concurrency');
  });
});

describe('maintenance schedule', () => {
  it.each(['rate(1 hour)', 'rate(15 minutes)', 'rate(1 day)', 'cron(0 3 * * ? *)', 'cron(0/15 * ? * MON-FRI *)'])(
    'accepts %s',
    (maintenanceSchedule) => {
      expect(resolveSettings('dev', cfg({ maintenanceSchedule })).maintenanceSchedule).toBe(maintenanceSchedule);
    },
  );

  it.each([
    ['rate(1 hours)', /singular unit/],
    ['rate(5 minute)', /plural unit/],
    ['rate(0 minutes)', /positive whole number/],
    ['rate(2 weeks)', /unit other than/],
    ['rate(1.5 hours)', /positive integer/],
    ['cron(0 12 * * * *)', /both daysOfMonth and daysOfWeek/],
    ['cron(0 25 * * ? *)', /hours field/],
    ['cron(* * * *)', /Expected 6 values/],
    ['at(2026-01-01T00:00:00)', /one-time schedule/],
    ['hourly', /must be "rate/],
  ])('refuses %s, saying why', (maintenanceSchedule, why) => {
    expect(() => resolveSettings('dev', cfg({ maintenanceSchedule }))).toThrow(InfraConfigError);
    expect(() => resolveSettings('dev', cfg({ maintenanceSchedule }))).toThrow(why);
  });
});

/** `n` routes with realistic names. */
const manyRoutes = (n: number) => ({
  routes: Array.from({ length: n }, (_, i) => ({
    prefix: `source-${i}/`,
    table: `warehouse/table_${i}`,
    format: 'csv',
  })),
});

describe("Lambda's 4 KB of environment", () => {
  it('the defaults fit with the longest names AWS allows, SST’s own variables included', () => {
    const s = resolveSettings('dev', {});
    expect(configPlacement(s, 'delta-serverless')).toEqual({ ingest: 'environment', maintenance: 'environment' });
    for (const env of [
      ingestEnvironment(s, LONGEST_NAMES, 'environment'),
      maintenanceEnvironment(s, LONGEST_NAMES, 'environment'),
    ]) {
      expect(environmentBytes({ ...env, ...sstEnvironment('delta-serverless', 'dev') })).toBeLessThanOrEqual(
        LAMBDA_ENV_LIMIT_BYTES,
      );
    }
    expect(workerEnvironment()).toEqual({});
  });

  it('many routes go to an S3 object named by DELTA_INGEST_ROUTES_FILE, which the handler parses', () => {
    const s = resolveSettings('dev', cfg(manyRoutes(40)));
    expect(environmentBytes(ingestEnvironment(s, LONGEST_NAMES, 'environment'))).toBeGreaterThan(
      LAMBDA_ENV_LIMIT_BYTES,
    );
    expect(configPlacement(s, 'delta-serverless').ingest).toBe('object');
    const names = { bucket: 'ds-data', lockTable: 'locks', worker: 'w' };
    const env = ingestEnvironment(s, names, 'object');
    const key = configObjectKey(s, ingestConfig(s, 'ds-data'));
    expect(key).toMatch(/^config\/ingest-routes-[0-9a-f]{16}\.json$/);
    expect(env).toEqual({
      AWS_S3_LOCKING_PROVIDER: 'dynamodb',
      DELTA_DYNAMO_TABLE_NAME: 'locks',
      DELTA_INGEST_ROUTES_FILE: `s3://ds-data/${key}`,
    });
    expect(environmentBytes({ ...env, ...sstEnvironment('delta-serverless', 'dev') })).toBeLessThan(1024);
    expect(parseRoutes(JSON.parse(ingestConfig(s, 'ds-data').json))).toHaveLength(40);
    // Content-addressed: another configuration is another key (the function is updated with it).
    const other = resolveSettings('dev', cfg(manyRoutes(41)));
    expect(configObjectKey(other, ingestConfig(other, 'ds-data'))).not.toBe(key);
  });

  it('configSource "environment" refuses what does not fit, with the size and the way out', () => {
    const s = resolveSettings('dev', cfg({ ...manyRoutes(40), configSource: 'environment' }));
    expect(() => configPlacement(s, 'delta-serverless')).toThrow(InfraConfigError);
    expect(() => configPlacement(s, 'delta-serverless')).toThrow(
      /ingest function's environment would take up to \d+ bytes, over Lambda's 4096.*"auto" or "object"/,
    );
    const always = resolveSettings('dev', cfg({ configSource: 'object' }));
    expect(configPlacement(always, 'delta-serverless')).toEqual({ ingest: 'object', maintenance: 'object' });
  });

  it('many maintenance policies go to an object too', () => {
    const s = resolveSettings(
      'dev',
      cfg({
        maintenance: Array.from({ length: 30 }, (_, i) => ({
          table: `warehouse/t_${i}`,
          optimize: { zOrderBy: ['a', 'b'] },
        })),
      }),
    );
    expect(configPlacement(s, 'delta-serverless')).toEqual({ ingest: 'environment', maintenance: 'object' });
    expect(maintenanceEnvironment(s, LONGEST_NAMES, 'object')['DELTA_MAINTENANCE_TABLES_FILE']).toMatch(
      /^s3:\/\/b+\/config\/maintenance-tables-[0-9a-f]{16}\.json$/,
    );
  });
});

describe('how long an upload event can wait', () => {
  it('the ingest queue keeps messages 14 days (not SQS’s 4), its DLQ 14 days', () => {
    const s: Settings = resolveSettings('dev', {});
    expect(ingestQueueRetentionSeconds(s)).toBe(14 * 86_400);
    expect(DLQ_RETENTION_SECONDS).toBe(14 * 86_400);
  });

  it('tables the ingest function creates keep txns longer than a message lives (one redrive included)', () => {
    const retentionMs = parseIntervalMs(INGEST_TABLE_PROPERTIES['delta.setTransactionRetentionDuration']!);
    expect(retentionMs).toBe(INGEST_TXN_RETENTION_DAYS * DAY_MS);
    // A message lives at most 14 days from its first enqueue (the DLQ keeps that timestamp);
    // a redrive starts another 14. Older events are refused by the handler, not re-ingested.
    expect(retentionMs).toBeGreaterThan(2 * DLQ_RETENTION_SECONDS * 1000);
  });

  it('alarms on a backlog older than a day and on any dead letter, to a topic when given', () => {
    const s = resolveSettings('dev', cfg({ alarms: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' } }));
    expect(queueAlarms(s).map((a) => [a.name, a.queue, a.metricName, a.threshold])).toEqual([
      ['IngestBacklogAge', 'ingest', 'ApproximateAgeOfOldestMessage', 86_400],
      ['IngestDeadLetters', 'dead-letter', 'ApproximateNumberOfMessagesVisible', 0],
    ]);
    expect(s.alarms.topicArn).toBe('arn:aws:sns:eu-west-1:123456789012:ops');
  });
});
