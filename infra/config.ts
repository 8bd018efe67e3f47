/**
 * Deploy settings of the delta-serverless app: where uploads land, where tables live, which
 * upload prefixes feed which tables, maintenance policies and function sizes.
 *
 * Plain module (no SST globals) so tests can import it. Precedence, lowest first:
 * DEFAULTS, STAGE_OVERRIDES[stage], then the JSON object in the `DS_CONFIG` environment
 * variable (e.g. `DS_CONFIG='{"routes":[{"prefix":"orders/","table":"orders"}]}' sst deploy`).
 * Objects (ingest, maintenanceFunction, worker) merge key by key; arrays replace.
 */
import type { CdcRouteConfig } from '../packages/lambda/src/ingest/cdc-route.js';
import type { TablePolicy } from '../packages/lambda/src/maintenance/policy-types.js';
import { InfraConfigError } from './errors.js';
import { checkSchedule } from './schedule.js';

/**
 * An upload prefix that feeds one table. Besides `prefix` and `table` (relative here, turned
 * into the `s3://` URIs the ingest handler expects), the keys are those of the handler's route
 * (packages/lambda/src/ingest/routes.ts), passed through unchanged.
 */
export interface IngestRouteConfig {
  /** Key prefix below the landing prefix, ending in `/` (e.g. `events/`). */
  prefix: string;
  /** Table name below the tables prefix (the table lives at `<tablesPrefix><table>/`). */
  table: string;
  /** Input format; when absent the ingest handler infers it from the key's extension. */
  format?: 'parquet' | 'csv' | 'ndjson';
  compression?: 'auto' | 'gzip' | 'none';
  /** Partition columns used when the first upload creates the table. */
  partitionBy?: string[];
  schemaMode?: 'merge' | 'strict';
  csv?: { header?: boolean; delimiter?: string; quote?: string; nullValues?: string[] };
  timePartition?: { column: string; from: string; granularity: 'day' | 'hour' };
  /** Only 'rewrite': a 'reference' route needs uploads under the table root, outside the landing prefix. */
  mode?: 'rewrite';
  /** Register the table in the deployment's Glue database and keep it in sync (infra/catalog.ts). */
  catalog?: CatalogRef;
  /**
   * Route mode `cdc`: uploads are change files (AWS DMS CSV/Parquet or Debezium JSON lines)
   * applied by key through MERGE, e.g. `{ format: 'dms', keys: ['id'], sequence: 'seq' }`.
   */
  cdc?: CdcRouteConfig;
}

/**
 * A table's Glue registration in the deployment's database (`catalogDatabase`): `true`, or
 * `{ name }` for a Glue table name other than the default (the table's last path segment).
 */
export type CatalogRef = true | { name?: string };

/**
 * What the scheduled maintenance does to one table: the maintenance handler's own policy
 * type (packages/lambda/src/maintenance/policy-types.ts), with a table name below the tables prefix
 * instead of a URI.
 */
export type MaintenancePolicyConfig = Omit<TablePolicy, 'table' | 'catalog'> & {
  /** Table name below the tables prefix. */
  table: string;
  /** Sync the table's Glue registration in each run (the deployment's database). */
  catalog?: CatalogRef;
};

/** Memory and timeout of a function. */
export interface FunctionSize {
  memoryMb: number;
  timeoutSeconds: number;
}

export interface IngestSettings extends FunctionSize {
  /** Messages per invocation (SQS event source). */
  batchSize: number;
  /** How long the event source gathers a batch before invoking. */
  maxBatchingWindowSeconds: number;
  /** Maximum concurrency of the SQS event source: bounds commit contention per table. */
  maxConcurrency: number;
  /** Optional reserved concurrency (must then be >= maxConcurrency). */
  reservedConcurrency?: number;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  /**
   * Days the ingest queue keeps a message (SQS allows 1-14; the default is 4). Its DLQ keeps
   * 14, counted from the first enqueue. Must stay below the txn retention of ingested tables.
   */
  queueRetentionDays: number;
}

export interface WorkerSettings extends FunctionSize {
  /** Optional reserved concurrency: caps the OPTIMIZE fan-out account-wide. */
  reservedConcurrency?: number;
}

export interface MaintenanceFunctionSettings extends FunctionSize {
  /**
   * Optional reserved concurrency (opt-in: it fails the deploy on accounts whose concurrency
   * quota leaves less than 100 unreserved). Overlapping runs are safe without it: each table is
   * maintained under a lease (packages/lambda/src/maintenance/lease.ts).
   */
  reservedConcurrency?: number;
}

export interface AlarmSettings {
  /** Alarm when the oldest ingest message is older than this (long before the queue drops it). */
  backlogAgeHours: number;
  /** SNS topic the alarms notify (optional: without it they only change state). */
  topicArn?: string;
}

/**
 * Where the functions find their routes and maintenance policies: in an environment variable,
 * or in an S3 object of the data bucket under `configPrefix` (Lambda allows 4 KB of
 * environment variables per function). `auto`: the environment when it fits, else the object.
 */
export type ConfigSource = 'auto' | 'environment' | 'object';

export interface Settings {
  stage: string;
  /** Uploads under this prefix are ingested (S3 notification filter). Ends in `/`. */
  landingPrefix: string;
  /** Optional key suffix filter of the notification (e.g. `.parquet`). */
  landingSuffix?: string;
  /** Tables live under this prefix. Ends in `/`; must not overlap the landing prefix. */
  tablesPrefix: string;
  routes: IngestRouteConfig[];
  maintenance: MaintenancePolicyConfig[];
  /** EventBridge Scheduler expression of the maintenance run. */
  maintenanceSchedule: `rate(${string})` | `cron(${string})`;
  /** Days after which `<table>/_delta_log/.tmp/` objects expire (DynamoDB commit temp files). */
  tmpExpirationDays: number;
  /** Days after which incomplete multipart uploads are aborted. */
  abortMultipartDays: number;
  /** S3 versioning of the data bucket (off: see infra/README.md). */
  versioning: boolean;
  /** With versioning on: days before noncurrent versions expire. */
  noncurrentVersionExpirationDays: number;
  ingest: IngestSettings;
  maintenanceFunction: MaintenanceFunctionSettings;
  worker: WorkerSettings;
  /** CloudWatch alarms on the ingest queues (a stuck backlog, dead letters). */
  alarms: AlarmSettings;
  /** See ConfigSource. */
  configSource: ConfigSource;
  /** Key prefix of the configuration objects. Ends in `/`; must not overlap the landing or tables prefix. */
  configPrefix: string;
  /** Deploy the bundles of `pnpm bundle` (dist/lambda) instead of letting SST bundle. */
  prebuiltBundles: boolean;
  /** Glue database of the tables with `catalog` (default `delta_serverless_<stage>`). */
  catalogDatabase?: string;
}

/** The AWS recommendation: queue visibility timeout >= 6x the consumer's timeout (+ batching window). */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Lambda's hard limit on a function timeout. */
const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
/** SQS's hard limit on the visibility timeout. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 12 * 60 * 60;

export const DEFAULTS: Omit<Settings, 'stage'> = {
  landingPrefix: 'landing/',
  tablesPrefix: 'tables/',
  routes: [{ prefix: 'events/', table: 'events' }],
  maintenance: [{ table: 'events', checkpoint: true, optimize: {}, vacuum: { retentionHours: 168 } }],
  maintenanceSchedule: 'rate(1 hour)',
  // Recovery needs a temp file only while its lock entry is incomplete, which the next
  // reader or writer of the table repairs; a week covers tables that sit idle for days.
  tmpExpirationDays: 7,
  abortMultipartDays: 1,
  versioning: false,
  noncurrentVersionExpirationDays: 7,
  ingest: {
    memoryMb: 1024,
    timeoutSeconds: 120,
    batchSize: 10,
    maxBatchingWindowSeconds: 5,
    maxConcurrency: 5,
    maxReceiveCount: 5,
    queueRetentionDays: 14,
  },
  maintenanceFunction: { memoryMb: 1024, timeoutSeconds: 900 },
  worker: { memoryMb: 2048, timeoutSeconds: 900 },
  alarms: { backlogAgeHours: 24 },
  configSource: 'auto',
  configPrefix: 'config/',
  prebuiltBundles: false,
};

/**
 * `delta.setTransactionRetentionDuration` of the tables the ingest function creates
 * (packages/lambda/src/ingest/commit-group.ts, tested equal), in days.
 */
export const INGEST_TXN_RETENTION_DAYS = 30;
/** SQS's longest retention: the DLQ keeps messages this long (counted from the first enqueue). */
export const MAX_QUEUE_RETENTION_DAYS = 14;

/** Per-stage changes to DEFAULTS. */
export const STAGE_OVERRIDES: Record<string, SettingsOverride> = {
  production: { ingest: { maxConcurrency: 20 } },
};

/** A partial Settings: nested function settings may be partial too. */
export type SettingsOverride = Partial<
  Omit<Settings, 'stage' | 'ingest' | 'maintenanceFunction' | 'worker' | 'alarms'>
> & {
  ingest?: Partial<IngestSettings>;
  alarms?: Partial<AlarmSettings>;
  maintenanceFunction?: Partial<MaintenanceFunctionSettings>;
  worker?: Partial<WorkerSettings>;
};

/** The settings of `stage`, with overrides from `env.DS_CONFIG` (JSON), validated. */
export function resolveSettings(stage: string, env: Record<string, string | undefined> = process.env): Settings {
  let fromEnv: SettingsOverride = {};
  if (env.DS_CONFIG) {
    try {
      fromEnv = JSON.parse(env.DS_CONFIG) as SettingsOverride;
    } catch (err) {
      throw new InfraConfigError(`DS_CONFIG is not valid JSON (${(err as Error).message}); pass a JSON object`);
    }
    if (typeof fromEnv !== 'object' || fromEnv === null || Array.isArray(fromEnv)) {
      throw new InfraConfigError('DS_CONFIG must be a JSON object of settings (see infra/config.ts)');
    }
  }
  if (env.DS_PREBUILT_BUNDLES === '1' || env.DS_PREBUILT_BUNDLES === 'true') fromEnv.prebuiltBundles = true;
  const settings = mergeSettings(mergeSettings({ stage, ...DEFAULTS }, STAGE_OVERRIDES[stage] ?? {}), fromEnv);
  validateSettings(settings);
  return settings;
}

function mergeSettings(base: Settings, o: SettingsOverride): Settings {
  return {
    ...base,
    ...o,
    stage: base.stage,
    ingest: { ...base.ingest, ...o.ingest },
    maintenanceFunction: { ...base.maintenanceFunction, ...o.maintenanceFunction },
    worker: { ...base.worker, ...o.worker },
    alarms: { ...base.alarms, ...o.alarms },
  };
}

/** Visibility timeout of the ingest queue: 6x the function timeout plus the batching window. */
export function ingestVisibilityTimeoutSeconds(s: Settings): number {
  return VISIBILITY_TIMEOUT_FACTOR * s.ingest.timeoutSeconds + s.ingest.maxBatchingWindowSeconds;
}

/** How long the ingest queue keeps a message (SQS's default would be 4 days). */
export function ingestQueueRetentionSeconds(s: Settings): number {
  return s.ingest.queueRetentionDays * 24 * 60 * 60;
}

/** The DLQ keeps messages as long as SQS allows: it counts from the first enqueue in the ingest queue. */
export const DLQ_RETENTION_SECONDS = MAX_QUEUE_RETENTION_DAYS * 24 * 60 * 60;

/** A CloudWatch alarm on one of the ingest queues. */
export interface QueueAlarm {
  name: string;
  queue: 'ingest' | 'dead-letter';
  metricName: 'ApproximateAgeOfOldestMessage' | 'ApproximateNumberOfMessagesVisible';
  threshold: number;
  description: string;
}

/** Alarms that make a stuck backlog or dead letters visible before anything is dropped. */
export function queueAlarms(s: Settings): QueueAlarm[] {
  return [
    {
      name: 'IngestBacklogAge',
      queue: 'ingest',
      metricName: 'ApproximateAgeOfOldestMessage',
      threshold: s.alarms.backlogAgeHours * 3600,
      description:
        `the oldest upload event has waited over ${s.alarms.backlogAgeHours} h; ` +
        `the queue drops it after ${s.ingest.queueRetentionDays} days`,
    },
    {
      name: 'IngestDeadLetters',
      queue: 'dead-letter',
      metricName: 'ApproximateNumberOfMessagesVisible',
      threshold: 0,
      description: 'uploads failed ingestion and wait in the dead-letter queue (inspect, fix, redrive)',
    },
  ];
}

/** Key prefix of a table: `<tablesPrefix><table>/`. */
export function tableKeyPrefix(s: Settings, table: string): string {
  return `${s.tablesPrefix}${table}/`;
}

/** The `s3://` URI of a table (no trailing slash, as the lock table keys it). */
export function tableUri(bucket: string, s: Settings, table: string): string {
  return `s3://${bucket}/${s.tablesPrefix}${table}`;
}

/** Tables the ingest function writes. */
export function ingestTables(s: Settings): string[] {
  return unique(s.routes.map((r) => r.table));
}

/** Tables the maintenance function and the optimize worker touch. */
export function maintenanceTables(s: Settings): string[] {
  return unique(s.maintenance.map((m) => m.table));
}

/** Every configured table (lifecycle rules cover these). */
export function allTables(s: Settings): string[] {
  return unique([...ingestTables(s), ...maintenanceTables(s)]);
}

/** The Glue database of the deployment: `catalogDatabase`, else `delta_serverless_<stage>`. */
export function catalogDatabaseName(s: Settings): string {
  return s.catalogDatabase ?? `delta_serverless_${s.stage.toLowerCase().replace(/[^a-z0-9_]+/g, '_')}`;
}

/** A `catalog` setting as the handlers take it: `{ database, name? }`. */
function catalogEnv(s: Settings, ref: CatalogRef | undefined): { catalog?: { database: string; name?: string } } {
  if (ref === undefined) return {};
  const name = ref === true ? undefined : ref.name;
  return { catalog: { database: catalogDatabaseName(s), ...(name !== undefined ? { name } : {}) } };
}

/** Value of the ingest function's DELTA_INGEST_ROUTES: `s3://` URIs of the upload prefixes and tables. */
export function ingestRoutesEnv(bucket: string, s: Settings): string {
  return JSON.stringify(
    s.routes.map((r) => ({
      ...r,
      prefix: `s3://${bucket}/${s.landingPrefix}${r.prefix}`,
      table: tableUri(bucket, s, r.table),
      ...catalogEnv(s, r.catalog),
    })),
  );
}

/** Value of the maintenance function's DELTA_MAINTENANCE_TABLES: policies with table URIs. */
export function maintenanceTablesEnv(bucket: string, s: Settings): string {
  return JSON.stringify(
    s.maintenance.map((m) => ({ ...m, table: tableUri(bucket, s, m.table), ...catalogEnv(s, m.catalog) })),
  );
}

/** Throw InfraConfigError naming the first invalid setting. */
export function validateSettings(s: Settings): void {
  checkPrefixes(s);
  if (s.landingSuffix !== undefined && !/^[^*]+$/.test(s.landingSuffix)) {
    throw new InfraConfigError(`landingSuffix "${s.landingSuffix}" must be a non-empty literal suffix without "*"`);
  }
  checkRoutes(s);
  checkTables(s);
  checkSchedule(s.maintenanceSchedule);
  if (!/^[a-z0-9_]{1,255}$/.test(catalogDatabaseName(s))) {
    throw new InfraConfigError(
      `catalogDatabase "${catalogDatabaseName(s)}" must be 1-255 lowercase letters, digits and underscores (Athena accepts no others)`,
    );
  }
  checkInt('tmpExpirationDays', s.tmpExpirationDays, 1, 3650);
  checkInt('abortMultipartDays', s.abortMultipartDays, 1, 3650);
  checkInt('noncurrentVersionExpirationDays', s.noncurrentVersionExpirationDays, 1, 3650);
  checkSize('ingest', s.ingest);
  checkSize('maintenanceFunction', s.maintenanceFunction);
  checkSize('worker', s.worker);
  checkIngest(s);
  if (s.worker.reservedConcurrency !== undefined)
    checkInt('worker.reservedConcurrency', s.worker.reservedConcurrency, 1, 1000);
  if (s.maintenanceFunction.reservedConcurrency !== undefined)
    checkInt('maintenanceFunction.reservedConcurrency', s.maintenanceFunction.reservedConcurrency, 1, 1000);
  if (!['auto', 'environment', 'object'].includes(s.configSource)) {
    throw new InfraConfigError(`configSource "${String(s.configSource)}" must be "auto", "environment" or "object"`);
  }
}

/** Landing, tables and config prefixes: well-formed and pairwise disjoint. */
function checkPrefixes(s: Settings): void {
  const prefixes: [string, string][] = [
    ['landingPrefix', s.landingPrefix],
    ['tablesPrefix', s.tablesPrefix],
    ['configPrefix', s.configPrefix],
  ];
  for (const [name, p] of prefixes) checkPrefix(name, p);
  // Overlap would make table writes trigger ingest notifications (a loop) or expose tables to ingest reads.
  prefixes.forEach(([a, pa], i) => {
    for (const [b, pb] of prefixes.slice(i + 1)) {
      if (pa.startsWith(pb) || pb.startsWith(pa)) {
        throw new InfraConfigError(
          `${a} "${pa}" and ${b} "${pb}" overlap; use disjoint prefixes such as "landing/", "tables/" and "config/"`,
        );
      }
    }
  });
}

function checkRoutes(s: Settings): void {
  const routePrefixes: string[] = [];
  for (const r of s.routes) {
    checkPrefix(`route prefix`, r.prefix);
    checkTableName(r.table);
    if ((r.mode as string | undefined) === 'reference') {
      throw new InfraConfigError(
        `route "${r.prefix}": mode 'reference' needs uploads under the table root, which the landing notification does not cover; use 'rewrite'`,
      );
    }
    if (r.cdc !== undefined) checkCdcRoute(r);
    const clash = routePrefixes.find((p) => p.startsWith(r.prefix) || r.prefix.startsWith(p));
    if (clash !== undefined) {
      throw new InfraConfigError(`route prefixes "${clash}" and "${r.prefix}" overlap; an upload must match one route`);
    }
    routePrefixes.push(r.prefix);
  }
}

/** The deploy-time half of the handler's cdc checks (it validates the rest at cold start). */
function checkCdcRoute(r: IngestRouteConfig): void {
  const c = r.cdc!;
  if (c.format !== 'dms' && c.format !== 'debezium')
    throw new InfraConfigError(`route "${r.prefix}": cdc.format must be 'dms' or 'debezium'`);
  if (!Array.isArray(c.keys) || c.keys.length === 0 || !c.keys.every((k) => typeof k === 'string' && k !== ''))
    throw new InfraConfigError(`route "${r.prefix}": cdc.keys must list the key columns`);
  if (r.timePartition !== undefined)
    throw new InfraConfigError(`route "${r.prefix}": timePartition does not apply to a cdc route`);
}

function checkTables(s: Settings): void {
  const seen = new Set<string>();
  for (const m of s.maintenance) {
    checkTableName(m.table);
    if (seen.has(m.table)) throw new InfraConfigError(`table "${m.table}" has two maintenance policies; merge them`);
    seen.add(m.table);
  }
  const tables = allTables(s);
  for (const a of tables) {
    for (const b of tables) {
      // A table inside another would have its files vacuumed by the outer table's VACUUM.
      if (a !== b && b.startsWith(`${a}/`)) {
        throw new InfraConfigError(`table "${b}" lies inside table "${a}"; tables must not nest`);
      }
    }
  }
}

function checkIngest(s: Settings): void {
  const i = s.ingest;
  checkInt('ingest.maxBatchingWindowSeconds', i.maxBatchingWindowSeconds, 0, 300);
  // SQS event sources take up to 10 messages per batch unless a batching window is set.
  checkInt('ingest.batchSize', i.batchSize, 1, i.maxBatchingWindowSeconds > 0 ? 10_000 : 10);
  checkInt('ingest.maxConcurrency', i.maxConcurrency, 2, 1000);
  checkInt('ingest.maxReceiveCount', i.maxReceiveCount, 1, 1000);
  if (i.reservedConcurrency !== undefined && i.reservedConcurrency < i.maxConcurrency) {
    throw new InfraConfigError(
      `ingest.reservedConcurrency (${i.reservedConcurrency}) is below ingest.maxConcurrency (${i.maxConcurrency}); ` +
        'throttled batches would go back to the queue and count towards the DLQ. Raise it or leave it unset',
    );
  }
  // Below the txn retention: a message must not outlive the record that it was ingested.
  checkInt('ingest.queueRetentionDays', i.queueRetentionDays, 1, MAX_QUEUE_RETENTION_DAYS);
  checkInt('alarms.backlogAgeHours', s.alarms.backlogAgeHours, 1, i.queueRetentionDays * 24 - 1);
  if (
    s.alarms.topicArn !== undefined &&
    !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(s.alarms.topicArn)
  )
    throw new InfraConfigError(`alarms.topicArn "${s.alarms.topicArn}" is not an SNS topic ARN`);
  const visibility = ingestVisibilityTimeoutSeconds(s);
  if (visibility > MAX_VISIBILITY_TIMEOUT_SECONDS) {
    throw new InfraConfigError(
      `ingest queue visibility timeout ${visibility} s exceeds SQS's 12 hours; lower ingest.timeoutSeconds`,
    );
  }
}

function checkPrefix(what: string, p: string): void {
  if (
    typeof p !== 'string' ||
    !/^[A-Za-z0-9!_.'()-][A-Za-z0-9!_.'()/-]*\/$/.test(p) ||
    p.includes('//') ||
    /(^|\/)\.\.?\//.test(p)
  ) {
    throw new InfraConfigError(
      `${what} "${p}" must be a relative S3 key prefix ending in "/" (letters, digits, !_.'()- and "/"), e.g. "landing/"`,
    );
  }
}

function checkTableName(t: string): void {
  if (typeof t !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.=-]*(\/[A-Za-z0-9_][A-Za-z0-9_.=-]*)*$/.test(t)) {
    throw new InfraConfigError(
      `table name "${t}" must be a relative path without leading or trailing "/" (letters, digits, _.=-), e.g. "events"`,
    );
  }
}

function checkSize(what: string, f: FunctionSize): void {
  checkInt(`${what}.memoryMb`, f.memoryMb, 128, 10_240);
  checkInt(`${what}.timeoutSeconds`, f.timeoutSeconds, 1, MAX_LAMBDA_TIMEOUT_SECONDS);
}

function checkInt(what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new InfraConfigError(`${what} is ${String(v)}; it must be an integer from ${min} to ${max}`);
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
