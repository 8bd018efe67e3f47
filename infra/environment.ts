/**
 * The functions' environment variables, and where their configuration goes (plain module:
 * tests check it). Lambda refuses a function whose environment variables exceed 4 KB, so the
 * size is checked at synth time against the longest names AWS allows (the real names are known
 * only at deploy): many routes or maintenance policies would otherwise fail the deploy
 * half-way. When the JSON does not fit, it goes to an S3 object of the data bucket under
 * `configPrefix` and the variable `<NAME>_FILE` names it (`configSource: 'auto'`, the default).
 */
import { createHash } from 'node:crypto';
import { ingestRoutesEnv, maintenanceTablesEnv, type Settings } from './config.js';
import { InfraConfigError } from './errors.js';

/** Lambda's limit on a function's environment variables (keys and values). */
export const LAMBDA_ENV_LIMIT_BYTES = 4096;

/** Deploy-time names the environments contain. */
export interface DeployNames {
  bucket: string;
  lockTable: string;
  worker: string;
}

/** The longest names AWS allows: a bucket name 63 characters, a table 255, a function 64. */
export const LONGEST_NAMES: DeployNames = {
  bucket: 'b'.repeat(63),
  lockTable: 't'.repeat(255),
  worker: 'w'.repeat(64),
};

/** Bytes an environment takes, counted as its JSON (quotes and separators included: an upper bound). */
export function environmentBytes(env: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(env), 'utf8');
}

/** The variables SST adds to every function (SST_RESOURCE_App, SST_KEY, SST_KEY_FILE). */
export function sstEnvironment(app: string, stage: string): Record<string, string> {
  return {
    SST_RESOURCE_App: JSON.stringify({ name: app, stage }),
    SST_KEY: 'k'.repeat(44), // base64 of a 32-byte key
    SST_KEY_FILE: 'resource.enc',
  };
}

/** Environment every function that commits shares: the DynamoDB lock table. */
export function engineEnvironment(lockTableName: string): Record<string, string> {
  return { AWS_S3_LOCKING_PROVIDER: 'dynamodb', DELTA_DYNAMO_TABLE_NAME: lockTableName };
}

/** A configuration document: inline in `variable`, or in the S3 object that `variable_FILE` names. */
export interface ConfigDocument {
  variable: 'DELTA_INGEST_ROUTES' | 'DELTA_MAINTENANCE_TABLES';
  json: string;
}

/** Where a function's configuration goes. */
export type Placement = 'environment' | 'object';

/** The config object's key: content-addressed, so a change updates the variable and new containers read it. */
export function configObjectKey(s: Settings, doc: ConfigDocument): string {
  const name = doc.variable === 'DELTA_INGEST_ROUTES' ? 'ingest-routes' : 'maintenance-tables';
  const hash = createHash('sha256').update(doc.json).digest('hex').slice(0, 16);
  return `${s.configPrefix}${name}-${hash}.json`;
}

/** The variables of a function whose configuration is `doc`, placed as `placement`. */
export function configEnvironment(
  s: Settings,
  bucket: string,
  doc: ConfigDocument,
  placement: Placement,
): Record<string, string> {
  return placement === 'environment'
    ? { [doc.variable]: doc.json }
    : { [`${doc.variable}_FILE`]: `s3://${bucket}/${configObjectKey(s, doc)}` };
}

/** The ingest function's routes, with the bucket's URIs. */
export function ingestConfig(s: Settings, bucket: string): ConfigDocument {
  return { variable: 'DELTA_INGEST_ROUTES', json: ingestRoutesEnv(bucket, s) };
}

/** The maintenance function's policies, with the bucket's URIs. */
export function maintenanceConfig(s: Settings, bucket: string): ConfigDocument {
  return { variable: 'DELTA_MAINTENANCE_TABLES', json: maintenanceTablesEnv(bucket, s) };
}

/** The ingest function's environment. */
export function ingestEnvironment(s: Settings, names: DeployNames, placement: Placement): Record<string, string> {
  return {
    ...engineEnvironment(names.lockTable),
    ...configEnvironment(s, names.bucket, ingestConfig(s, names.bucket), placement),
  };
}

/** The maintenance function's environment. */
export function maintenanceEnvironment(s: Settings, names: DeployNames, placement: Placement): Record<string, string> {
  return {
    ...engineEnvironment(names.lockTable),
    ...configEnvironment(s, names.bucket, maintenanceConfig(s, names.bucket), placement),
    DELTA_OPTIMIZE_WORKER_FUNCTION: names.worker,
  };
}

/** At deploy, with the real names: throw if an environment is over the limit after all (it cannot be). */
export function assertFits(
  fn: string,
  env: Record<string, string>,
  app: string,
  stage: string,
): Record<string, string> {
  const bytes = environmentBytes({ ...env, ...sstEnvironment(app, stage) });
  if (bytes > LAMBDA_ENV_LIMIT_BYTES)
    throw new InfraConfigError(
      `the ${fn} function's environment takes ${bytes} bytes, over Lambda's ${LAMBDA_ENV_LIMIT_BYTES}`,
    );
  return env;
}

/** The optimize worker's environment: none of ours (it never commits or opens a snapshot). */
export function workerEnvironment(): Record<string, string> {
  return {};
}

/** Where each function's configuration goes, decided with the longest names; throws when it cannot fit. */
export function configPlacement(s: Settings, app: string): { ingest: Placement; maintenance: Placement } {
  const names = LONGEST_NAMES;
  const place = (fn: string, build: (p: Placement) => Record<string, string>): Placement => {
    if (s.configSource === 'object') return 'object';
    const bytes = environmentBytes({ ...build('environment'), ...sstEnvironment(app, s.stage) });
    if (bytes <= LAMBDA_ENV_LIMIT_BYTES) return 'environment';
    if (s.configSource === 'auto') return 'object';
    throw new InfraConfigError(
      `the ${fn} function's environment would take up to ${bytes} bytes, over Lambda's ${LAMBDA_ENV_LIMIT_BYTES}; ` +
        'set "configSource" to "auto" or "object" to keep the configuration in an S3 object instead',
    );
  };
  return {
    ingest: place('ingest', (p) => ingestEnvironment(s, names, p)),
    maintenance: place('maintenance', (p) => maintenanceEnvironment(s, names, p)),
  };
}
