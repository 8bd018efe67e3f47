/**
 * Routing: which Delta table an uploaded object goes to, and how it is decoded. Read once at
 * cold start from `DELTA_INGEST_ROUTES` (JSON) or the file named by `DELTA_INGEST_ROUTES_FILE`,
 * and validated there, so a bad configuration fails loudly before any message is consumed.
 * The longest matching prefix wins.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { CHANGE_FORMATS, parseIntervalMs, TEXT_ENCODINGS, type TextEncoding } from '@delta-serverless/core/internal';
import { parseCatalogConfig, type CatalogConfig } from '../catalog-sync.js';
import { configSource, readConfig, readLocalConfig } from '../config-file.js';
import { IngestConfigError } from '../errors.js';
import type { CdcRouteConfig } from './cdc-route.js';
import type { SourceObject } from './events.js';

export type { CdcRouteConfig } from './cdc-route.js';

export type InputFormatName = 'csv' | 'ndjson' | 'parquet';

export interface CsvRouteOptions {
  header?: boolean;
  delimiter?: string;
  quote?: string;
  nullValues?: string[];
}

export interface TimePartition {
  /** Derived partition column (e.g. `date`). */
  column: string;
  /** Timestamp (or date / ISO string / epoch ms) column it is derived from. */
  from: string;
  /** `day`: `YYYY-MM-DD` (a date column); `hour`: `YYYY-MM-DD-HH` (a string column). UTC. */
  granularity: 'day' | 'hour';
}

export interface RouteConfig {
  /** `s3://bucket/prefix/`: objects whose bucket and key start with it. */
  prefix: string;
  /** Target table URI, e.g. `s3://bucket/tables/events`. */
  table: string;
  /** Default: from the key's extension. */
  format?: InputFormatName;
  compression?: 'auto' | 'gzip' | 'none';
  partitionBy?: string[];
  /** 'merge' lets objects add columns; 'strict' (default) fails an object whose schema differs. */
  schemaMode?: 'merge' | 'strict';
  csv?: CsvRouteOptions;
  /** Text encoding of CSV/NDJSON objects: 'utf-8' (default; invalid bytes fail the object), 'latin1' or 'windows-1252' (converted). */
  encoding?: TextEncoding;
  /** Most columns an object may have (default 10,000); a wider object fails alone before its data is read. */
  maxColumns?: number;
  timePartition?: TimePartition;
  /** 'reference': add a Parquet object already under the table root without copying it. */
  mode?: 'rewrite' | 'reference';
  /** Keep the table registered in this Glue database (synced when a commit changes the metadata). */
  catalog?: CatalogConfig;
  /** Apply change files by key (route mode `cdc`) instead of appending. */
  cdc?: CdcRouteConfig;
}

export interface Route extends Required<Pick<RouteConfig, 'prefix' | 'table' | 'schemaMode' | 'mode'>> {
  bucket: string;
  keyPrefix: string;
  format?: InputFormatName;
  compression?: 'auto' | 'gzip' | 'none';
  partitionBy: string[];
  csv?: CsvRouteOptions;
  encoding?: TextEncoding;
  maxColumns?: number;
  timePartition?: TimePartition;
  catalog?: CatalogConfig;
  cdc?: CdcRouteConfig;
}

const ROUTE_KEYS = new Set([
  'prefix',
  'table',
  'format',
  'compression',
  'partitionBy',
  'schemaMode',
  'csv',
  'encoding',
  'maxColumns',
  'timePartition',
  'mode',
  'catalog',
  'cdc',
]);

function fail(i: number, msg: string): never {
  throw new IngestConfigError(`ingest route ${i}: ${msg}`);
}

function positiveInteger(i: number, name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    fail(i, `${name} must be a whole number of at least 1 (got ${JSON.stringify(v)})`);
  return v;
}

function oneOf<T extends string>(i: number, name: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T))
    fail(i, `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${JSON.stringify(v)})`);
  return v as T;
}

function s3Location(i: number, name: string, uri: unknown): { bucket: string; key: string } {
  if (typeof uri !== 'string' || !/^s3a?:\/\/[^/]+/.test(uri))
    fail(i, `${name} must be an s3:// URI like s3://bucket/path/ (got ${JSON.stringify(uri)})`);
  const rest = uri.replace(/^s3a?:\/\//, '');
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

function validateRoute(raw: unknown, i: number): Route {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(i, 'must be an object { prefix, table, ... }');
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).filter((k) => !ROUTE_KEYS.has(k));
  if (unknown.length > 0) fail(i, `unknown keys ${unknown.join(', ')}; allowed: ${[...ROUTE_KEYS].join(', ')}`);
  const src = s3Location(i, 'prefix', r['prefix']);
  const table = s3Location(i, 'table', r['table']);
  if (table.key.replace(/\/+$/, '') === '')
    fail(i, 'table must name a path inside the bucket (s3://bucket/tables/name)');
  const partitionBy = r['partitionBy'];
  if (
    partitionBy !== undefined &&
    (!Array.isArray(partitionBy) || !partitionBy.every((c) => typeof c === 'string' && c))
  )
    fail(i, 'partitionBy must be a list of column names');
  let timePartition: TimePartition | undefined;
  if (r['timePartition'] !== undefined) {
    const tp = r['timePartition'] as Record<string, unknown>;
    if (typeof tp !== 'object' || tp === null) fail(i, 'timePartition must be { column, from, granularity }');
    if (typeof tp['column'] !== 'string' || !tp['column']) fail(i, 'timePartition.column must be a column name');
    if (typeof tp['from'] !== 'string' || !tp['from']) fail(i, 'timePartition.from must be a column name');
    const granularity = oneOf(i, 'timePartition.granularity', tp['granularity'], ['day', 'hour'] as const);
    if (!granularity) fail(i, "timePartition.granularity is required ('day' or 'hour')");
    timePartition = { column: tp['column'], from: tp['from'], granularity };
  }
  const csv = r['csv'];
  if (csv !== undefined && (typeof csv !== 'object' || csv === null || Array.isArray(csv)))
    fail(i, 'csv must be an object { header?, delimiter?, quote?, nullValues? }');
  const format = oneOf(i, 'format', r['format'], ['csv', 'ndjson', 'parquet'] as const);
  const mode = oneOf(i, 'mode', r['mode'], ['rewrite', 'reference'] as const) ?? 'rewrite';
  const partitions = (partitionBy as string[] | undefined) ?? (timePartition ? [timePartition.column] : []);
  if (mode === 'reference' && (timePartition || partitions.length > 0))
    fail(
      i,
      "mode 'reference' adds objects as they are: it cannot derive columns or partition (drop timePartition/partitionBy)",
    );
  return {
    prefix: `s3://${src.bucket}/${src.key}`,
    bucket: src.bucket,
    keyPrefix: src.key,
    table: `s3://${table.bucket}/${table.key.replace(/\/+$/, '')}`,
    format,
    compression: oneOf(i, 'compression', r['compression'], ['auto', 'gzip', 'none'] as const),
    partitionBy: [...partitions],
    schemaMode: oneOf(i, 'schemaMode', r['schemaMode'], ['merge', 'strict'] as const) ?? 'strict',
    csv: csv as CsvRouteOptions | undefined,
    encoding: oneOf(i, 'encoding', r['encoding'], TEXT_ENCODINGS),
    maxColumns: positiveInteger(i, 'maxColumns', r['maxColumns']),
    timePartition,
    mode,
    ...(r['catalog'] !== undefined ? { catalog: parseCatalogConfig(r['catalog'], 'catalog', (m) => fail(i, m)) } : {}),
    ...(r['cdc'] !== undefined ? { cdc: validateCdc(i, r['cdc'], r) } : {}),
  };
}

const CDC_KEYS = new Set(['format', 'keys', 'sequence', 'deletes', 'tombstoneRetention']);

function validateCdc(i: number, raw: unknown, r: Record<string, unknown>): CdcRouteConfig | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(i, "cdc must be an object { format: 'dms' | 'debezium', keys: [...], sequence?, deletes? }");
  const c = raw as Record<string, unknown>;
  const unknown = Object.keys(c).filter((k) => !CDC_KEYS.has(k));
  if (unknown.length > 0) fail(i, `unknown cdc keys ${unknown.join(', ')}; allowed: ${[...CDC_KEYS].join(', ')}`);
  const format = oneOf(i, 'cdc.format', c['format'], CHANGE_FORMATS);
  if (!format) fail(i, "cdc.format is required ('dms' or 'debezium')");
  const keys = c['keys'];
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string' && k))
    fail(i, 'cdc.keys must be a non-empty list of key column names');
  const sequence = c['sequence'];
  if (sequence !== undefined && (typeof sequence !== 'string' || !sequence))
    fail(i, 'cdc.sequence must be a column name');
  const deletes = oneOf(i, 'cdc.deletes', c['deletes'], ['remove', 'tombstone'] as const);
  if (deletes === 'tombstone' && sequence === undefined && format === 'dms')
    fail(i, "cdc.deletes 'tombstone' needs cdc.sequence (DMS changes carry no order of their own)");
  const retention = c['tombstoneRetention'];
  if (retention !== undefined) {
    if (deletes === 'tombstone') fail(i, "cdc.tombstoneRetention applies to deletes 'remove' only; remove it");
    try {
      parseIntervalMs(String(retention));
    } catch {
      fail(
        i,
        `cdc.tombstoneRetention must be an interval such as 'interval 30 days' (got ${JSON.stringify(retention)})`,
      );
    }
  }
  for (const k of ['mode', 'timePartition'] as const)
    if (r[k] !== undefined) fail(i, `${k} does not apply to a cdc route (changes are merged by key); remove it`);
  if (format === 'debezium' && r['format'] !== undefined && r['format'] !== 'ndjson')
    fail(i, "a Debezium cdc route reads JSON lines: drop format or set it to 'ndjson'");
  if (format === 'dms' && r['format'] === 'ndjson') fail(i, "AWS DMS writes CSV or Parquet: format cannot be 'ndjson'");
  return {
    format,
    keys: [...(keys as string[])],
    ...(sequence !== undefined ? { sequence: sequence as string } : {}),
    ...(deletes !== undefined ? { deletes } : {}),
    ...(retention !== undefined ? { tombstoneRetention: String(retention) } : {}),
  };
}

/** Validate a parsed routing configuration (a list of routes). */
export function parseRoutes(config: unknown): Route[] {
  if (!Array.isArray(config) || config.length === 0)
    throw new IngestConfigError('ingest routes must be a non-empty JSON list of { prefix, table, ... }');
  const routes = config.map(validateRoute);
  const seen = new Set<string>();
  for (const r of routes) {
    if (seen.has(r.prefix)) throw new IngestConfigError(`ingest routes: prefix ${r.prefix} is listed twice`);
    seen.add(r.prefix);
  }
  // Routes to one table must agree on its layout (one commit holds all of a batch's objects).
  const byTable = new Map<string, Route>();
  for (const r of routes) {
    const other = byTable.get(r.table);
    if (other && JSON.stringify(other.partitionBy) !== JSON.stringify(r.partitionBy))
      throw new IngestConfigError(
        `ingest routes ${other.prefix} and ${r.prefix} both write ${r.table} but partition it differently`,
      );
    if (other && JSON.stringify(other.cdc) !== JSON.stringify(r.cdc))
      throw new IngestConfigError(
        `ingest routes ${other.prefix} and ${r.prefix} both write ${r.table} but apply changes differently (cdc); ` +
          'a table is fed either by appends or by one change stream',
      );
    if (other && JSON.stringify(other.catalog) !== JSON.stringify(r.catalog))
      throw new IngestConfigError(
        `ingest routes ${other.prefix} and ${r.prefix} both write ${r.table} but name different catalog registrations`,
      );
    byTable.set(r.table, r);
  }
  return routes;
}

const NO_ROUTES =
  'no ingest routes: set DELTA_INGEST_ROUTES to a JSON list like [{"prefix":"s3://landing/events/","table":"s3://lake/tables/events"}] ' +
  'or DELTA_INGEST_ROUTES_FILE to a file or s3:// object holding it';

const failConfig = (message: string): never => {
  throw new IngestConfigError(message);
};

function parseRoutesText(text: string, source: string): Route[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new IngestConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  return parseRoutes(parsed);
}

/** Routes from DELTA_INGEST_ROUTES or a local DELTA_INGEST_ROUTES_FILE (loadRoutesFrom also reads s3:// files). */
export function loadRoutes(env: NodeJS.ProcessEnv = process.env): Route[] {
  const src = configSource('DELTA_INGEST_ROUTES', env);
  if (!src) throw new IngestConfigError(NO_ROUTES);
  if (src.kind === 's3') throw new IngestConfigError(`${src.source} is an S3 object: load it with loadRoutesFrom`);
  return parseRoutesText(readLocalConfig(src, failConfig), src.source);
}

/** Routes from DELTA_INGEST_ROUTES or DELTA_INGEST_ROUTES_FILE, a local file or an s3:// object. */
export async function loadRoutesFrom(env: NodeJS.ProcessEnv, s3: () => S3Client): Promise<Route[]> {
  const src = configSource('DELTA_INGEST_ROUTES', env);
  if (!src) throw new IngestConfigError(NO_ROUTES);
  return parseRoutesText(await readConfig(src, s3, failConfig), src.source);
}

/** The route of an object: the longest prefix match on bucket and key, or undefined. */
export function matchRoute(routes: readonly Route[], obj: Pick<SourceObject, 'bucket' | 'key'>): Route | undefined {
  let best: Route | undefined;
  for (const r of routes) {
    if (r.bucket !== obj.bucket || !obj.key.startsWith(r.keyPrefix)) continue;
    if (!best || r.keyPrefix.length > best.keyPrefix.length) best = r;
  }
  return best;
}
