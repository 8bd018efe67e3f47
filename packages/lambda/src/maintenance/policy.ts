/**
 * Which tables the scheduled maintenance looks after, and how: env DELTA_MAINTENANCE_TABLES
 * (JSON) or a file or s3:// object named by DELTA_MAINTENANCE_TABLES_FILE. Validated at cold start, so a bad
 * configuration fails the first invocation loudly instead of skipping tables quietly.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { parseCatalogConfig } from '../catalog-sync.js';
import { configSource, readConfig, readLocalConfig } from '../config-file.js';
import { MaintenanceConfigError } from '../errors.js';

export type { OptimizePolicy, TablePolicy, VacuumPolicy } from './policy-types.js';
import type { TablePolicy } from './policy-types.js';

function fail(message: string): never {
  throw new MaintenanceConfigError(`DELTA_MAINTENANCE_TABLES: ${message}`);
}

function positive(v: unknown, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    fail(`${where} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

/** A count or a size in bytes: a JSON whole number of at least 1 (a string, 2.5 or 0 is refused). */
function positiveInteger(v: unknown, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    fail(`${where} must be a whole number of at least 1, got ${JSON.stringify(v)}`);
  return v;
}

function parseOne(raw: unknown, i: number): TablePolicy {
  if (typeof raw === 'string') return { table: raw };
  if (!raw || typeof raw !== 'object') fail(`entry ${i} must be a table URI or an object with "table"`);
  const o = raw as Record<string, unknown>;
  if (typeof o['table'] !== 'string' || o['table'] === '') fail(`entry ${i} has no "table" URI`);
  const known = new Set(['table', 'checkpoint', 'optimize', 'vacuum', 'cleanupLogs', 'catalog']);
  const extra = Object.keys(o).find((k) => !known.has(k));
  if (extra) fail(`entry ${i} (${o['table']}) has an unknown key "${extra}"; known: ${[...known].join(', ')}`);
  const policy: TablePolicy = { table: o['table'] };
  if (o['checkpoint'] !== undefined) policy.checkpoint = o['checkpoint'] === true;
  if (o['cleanupLogs'] !== undefined) policy.cleanupLogs = o['cleanupLogs'] === true;
  if (o['catalog'] !== undefined) policy.catalog = parseCatalogConfig(o['catalog'], `entry ${i} catalog`, fail);
  if (o['optimize'] === false) policy.optimize = false;
  else if (o['optimize'] !== undefined) {
    const p = o['optimize'] as Record<string, unknown>;
    const where = `entry ${i} optimize`;
    policy.optimize = {
      targetSize: positiveInteger(p['targetSize'], `${where}.targetSize`),
      minFilesPerBin: positiveInteger(p['minFilesPerBin'], `${where}.minFilesPerBin`),
      maxBins: positiveInteger(p['maxBins'], `${where}.maxBins`),
      fanOutMinBins: positiveInteger(p['fanOutMinBins'], `${where}.fanOutMinBins`),
      binsPerWorker: positiveInteger(p['binsPerWorker'], `${where}.binsPerWorker`),
      maxWorkers: positiveInteger(p['maxWorkers'], `${where}.maxWorkers`),
    };
    if (p['zOrderBy'] !== undefined) {
      if (!Array.isArray(p['zOrderBy']) || !p['zOrderBy'].every((c) => typeof c === 'string'))
        fail(`${where}.zOrderBy must be a list of column names`);
      policy.optimize.zOrderBy = p['zOrderBy'] as string[];
    }
    if (p['where'] !== undefined) {
      if (typeof p['where'] !== 'string') fail(`${where}.where must be a predicate string`);
      policy.optimize.where = p['where'];
    }
  }
  if (o['vacuum'] === false) policy.vacuum = false;
  else if (o['vacuum'] !== undefined) {
    const v = o['vacuum'] as Record<string, unknown>;
    const mode = v['mode'];
    if (mode !== undefined && mode !== 'lite' && mode !== 'full')
      fail(`entry ${i} vacuum.mode must be "lite" or "full"`);
    policy.vacuum = { retentionHours: positive(v['retentionHours'], `entry ${i} vacuum.retentionHours`), mode };
  }
  return policy;
}

/** Validate a list of table policies (strings are table URIs with default policies). */
export function parsePolicies(raw: unknown): TablePolicy[] {
  if (!Array.isArray(raw)) fail('must be a JSON list of tables');
  return raw.map(parseOne);
}

const failConfig = (message: string): never => fail(message);

function parsePoliciesText(text: string): TablePolicy[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    fail(`is not valid JSON (${(err as Error).message})`);
  }
  return parsePolicies(raw);
}

const NOT_SET = 'not set: give a JSON list of tables (or DELTA_MAINTENANCE_TABLES_FILE, a file or s3:// object)';

/** Policies from DELTA_MAINTENANCE_TABLES or a local DELTA_MAINTENANCE_TABLES_FILE. */
export function loadPolicies(env: NodeJS.ProcessEnv = process.env): TablePolicy[] {
  const src = configSource('DELTA_MAINTENANCE_TABLES', env);
  if (!src) fail(NOT_SET);
  if (src.kind === 's3') fail(`${src.source} is an S3 object: load it with loadPoliciesFrom`);
  return parsePoliciesText(readLocalConfig(src, failConfig));
}

/** Policies from DELTA_MAINTENANCE_TABLES or DELTA_MAINTENANCE_TABLES_FILE, a local file or an s3:// object. */
export async function loadPoliciesFrom(env: NodeJS.ProcessEnv, s3: () => S3Client): Promise<TablePolicy[]> {
  const src = configSource('DELTA_MAINTENANCE_TABLES', env);
  if (!src) fail(NOT_SET);
  return parsePoliciesText(await readConfig(src, s3, failConfig));
}
