/**
 * Configuration of S3 tables, named like delta-rs's storage options so settings carry over:
 * every key can be given in `storageOptions` (SDK), as a CLI `--storage-option`, or in the
 * environment. Explicit options win over the environment.
 *
 * | key | meaning |
 * |---|---|
 * | `AWS_REGION` (`AWS_DEFAULT_REGION`) | region |
 * | `AWS_ENDPOINT_URL_S3` (`AWS_ENDPOINT_URL`) | custom S3 endpoint (MinIO, Ceph, emulators): path-style |
 * | `AWS_ENDPOINT_URL_DYNAMODB` | custom DynamoDB endpoint |
 * | `AWS_ENDPOINT_URL_GLUE` | custom Glue endpoint (moto's server, for catalog sync tests) |
 * | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` | static credentials (else the default chain) |
 * | `AWS_S3_LOCKING_PROVIDER` | `dynamodb` selects the lock table; otherwise S3 conditional writes |
 * | `DELTA_DYNAMO_TABLE_NAME` | lock table name (default `delta_log`) |
 * | `DELTA_DYNAMO_TABLE_PATH_SCHEME` | `s3a` or `s3`: scheme of `tablePath` in lock entries (default: the table URI's) |
 * | `AWS_VIRTUAL_HOSTED_STYLE_REQUEST` | `true` forces virtual-hosted addressing on a custom endpoint |
 * | `AWS_MAX_ATTEMPTS` | SDK attempts per request (default 5) |
 */
import { InvalidArgumentError, type StorageOptions } from '@delta-serverless/core';
import { parsePositiveCount } from '@delta-serverless/core/internal';

export type LockingProvider = 'conditional' | 'dynamodb';

export interface AwsConfig {
  region: string;
  s3Endpoint?: string;
  dynamoEndpoint?: string;
  glueEndpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  lockingProvider: LockingProvider;
  lockTableName: string;
  tablePathScheme?: 's3' | 's3a';
  forcePathStyle: boolean;
  maxAttempts: number;
}

export function resolveAwsConfig(options: StorageOptions = {}, env: NodeJS.ProcessEnv = process.env): AwsConfig {
  const get = (...keys: string[]): string | undefined => {
    for (const k of keys) {
      const v = options[k] ?? options[k.toLowerCase()];
      if (v !== undefined && v !== '') return v;
    }
    for (const k of keys) if (env[k]) return env[k];
    return undefined;
  };
  const provider = (get('AWS_S3_LOCKING_PROVIDER') ?? 'conditional').toLowerCase();
  if (provider !== 'dynamodb' && provider !== 'conditional' && provider !== 'none') {
    throw new InvalidArgumentError(
      `AWS_S3_LOCKING_PROVIDER=${provider} is not supported; use "dynamodb" or leave it unset for S3 conditional writes`,
    );
  }
  const scheme = get('DELTA_DYNAMO_TABLE_PATH_SCHEME')?.toLowerCase();
  if (scheme !== undefined && scheme !== 's3' && scheme !== 's3a') {
    throw new InvalidArgumentError(`DELTA_DYNAMO_TABLE_PATH_SCHEME must be s3 or s3a (got ${scheme})`);
  }
  const accessKeyId = get('AWS_ACCESS_KEY_ID');
  const secretAccessKey = get('AWS_SECRET_ACCESS_KEY');
  const s3Endpoint = get('AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL');
  const attempts = get('AWS_MAX_ATTEMPTS');
  const maxAttempts = attempts === undefined ? 5 : parsePositiveCount(attempts, 'AWS_MAX_ATTEMPTS');
  return {
    region: get('AWS_REGION', 'AWS_DEFAULT_REGION') ?? 'us-east-1',
    s3Endpoint,
    dynamoEndpoint: get('AWS_ENDPOINT_URL_DYNAMODB'),
    glueEndpoint: get('AWS_ENDPOINT_URL_GLUE'),
    credentials:
      accessKeyId && secretAccessKey
        ? { accessKeyId, secretAccessKey, sessionToken: get('AWS_SESSION_TOKEN') }
        : undefined,
    lockingProvider: provider === 'dynamodb' ? 'dynamodb' : 'conditional',
    lockTableName: get('DELTA_DYNAMO_TABLE_NAME') ?? 'delta_log',
    tablePathScheme: scheme as 's3' | 's3a' | undefined,
    forcePathStyle: s3Endpoint !== undefined && get('AWS_VIRTUAL_HOSTED_STYLE_REQUEST') !== 'true',
    maxAttempts,
  };
}
