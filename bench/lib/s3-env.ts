/**
 * Child side of the S3 benchmarks: the endpoints come from the environment the parent set
 * (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY; see s3-services.ts). A session holds one pair of SDK clients with
 * request counting (`RequestCounter`) and wave tracking across both services.
 */
import type * as Aws from '@delta-serverless/aws';
import type { StorageOptions } from '@delta-serverless/core';
import { importCoreWithInternal, timed, type CoreWithInternal } from './libs.js';
import { WaveTracker } from './s3-tracker.js';

export type AwsModule = typeof Aws;
export type Coordinator = 'conditional' | 'dynamodb';

/** Bucket and lock table the parent creates (one embedded service set per benchmark run). */
export const BENCH_BUCKET = 'delta-bench';
export const BENCH_LOCK_TABLE = 'delta_log_bench';

/** S3-like latency added per call by the `-lat` variants: S3 30 ms, DynamoDB 10 ms. */
export const AWS_LIKE_LATENCY: Record<string, number> = { 's3:': 30, 'dynamodb:': 10 };

export const importAws = (): Promise<AwsModule> => import('@delta-serverless/aws');

/** delta-rs style storage options selecting a coordinator. */
export function storageOptionsFor(coordinator: Coordinator): StorageOptions {
  return coordinator === 'dynamodb'
    ? { AWS_S3_LOCKING_PROVIDER: 'dynamodb', DELTA_DYNAMO_TABLE_NAME: BENCH_LOCK_TABLE }
    : { AWS_S3_LOCKING_PROVIDER: 'conditional' };
}

export interface S3Session {
  core: CoreWithInternal;
  aws: AwsModule;
  /** Time to import core + aws (fresh process only). */
  importMs: number;
  clients: Aws.AwsClients;
  tracker: WaveTracker;
  coordinator: Coordinator;
  /** A store for `s3://BENCH_BUCKET/<prefix>` with the session's clients and coordinator. */
  store(prefix: string): Aws.S3Store;
  /** Zero the request counter and the wave tracker. */
  reset(): void;
}

const sessions = new Map<string, S3Session>();

/**
 * Clients for this process (reused by later calls with the same settings: warm runs keep
 * their connections, like a warm Lambda).
 */
export async function s3Session(coordinator: Coordinator, latencyMs: Record<string, number> = {}): Promise<S3Session> {
  const key = JSON.stringify({ coordinator, latencyMs });
  const known = sessions.get(key);
  if (known) {
    known.reset();
    return { ...known, importMs: 0 };
  }
  const t = await timed(async () => {
    const core = await importCoreWithInternal();
    const aws = await importAws();
    return { core, aws };
  });
  const { core, aws } = t.value;
  const options = storageOptionsFor(coordinator);
  const clients = aws.createClients(aws.resolveAwsConfig(options));
  const tracker = new WaveTracker(latencyMs);
  tracker.install(clients.s3, 's3:');
  tracker.install(await clients.dynamo(), 'dynamodb:');
  const session: S3Session = {
    core,
    aws,
    importMs: t.ms,
    clients,
    tracker,
    coordinator,
    store: (prefix) => aws.createS3Store(`s3://${BENCH_BUCKET}/${prefix}`, { storageOptions: options, clients }),
    reset: () => {
      clients.counter.reset();
      tracker.reset();
    },
  };
  sessions.set(key, session);
  return session;
}

/** Strip the table prefix and `_delta_log/` from keys in wave summaries. */
export function shortKey(prefix: string): (target: string) => string {
  return (t) => t.replace(`${prefix}/`, '').replace(/^_delta_log\/(?=.)/, '');
}
