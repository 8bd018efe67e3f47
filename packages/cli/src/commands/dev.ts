/**
 * `dev`: the serverless pipeline on this machine until Ctrl-C. Starts the local stack, runs
 * the ingest handler on the queue (routes from --routes / DELTA_INGEST_ROUTES, default:
 * landing/<name>/ -> tables/<name> for any name) and the maintenance handler on a timer,
 * and prints the endpoints so uploads with the AWS CLI or SDK land as commits.
 */
import { createIngestHandler, createMaintenanceHandler, type RouteConfig } from '@delta-serverless/lambda';
import { InvalidArgumentError } from '@delta-serverless/core';
import type { Io } from '../io.js';
import { startLocalStack } from '../local-stack/index.js';

export interface DevOptions {
  /** Routes JSON (a list of RouteConfig), or @file. */
  routes?: string;
  /** Table names under tables/ to maintain, comma-separated (default: every routed table). */
  tables?: string[];
  maintenanceEvery?: string;
  verbose?: boolean;
  dataDir?: string;
  port?: string;
  dynamodbPort?: string;
}

function parseRoutes(text: string | undefined, bucket: string, landing: string): RouteConfig[] {
  if (!text) {
    return ['events', 'sales', 'orders'].map((name) => ({
      prefix: `s3://${bucket}/${landing}${name}/`,
      table: `s3://${bucket}/tables/${name}`,
      schemaMode: 'merge' as const,
    }));
  }
  try {
    const raw = JSON.parse(text) as unknown;
    if (!Array.isArray(raw)) throw new Error('not a list');
    return raw as RouteConfig[];
  } catch (err) {
    throw new InvalidArgumentError(`--routes must be a JSON list of routes: ${(err as Error).message}`);
  }
}

function seconds(v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const m = /^(\d+)(s|m)?$/.exec(v);
  if (!m) throw new InvalidArgumentError(`--maintenance-every must look like 60s or 5m, got "${v}"`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

/** Runs until Ctrl-C. */
export async function devCommand(opts: DevOptions, io: Io): Promise<void> {
  const out = io.out;
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const stack = await startLocalStack({ log: (l) => out(`[stack] ${l}\n`) });
  Object.assign(process.env, stack.env);
  try {
    const routes = parseRoutes(opts.routes ?? process.env['DELTA_INGEST_ROUTES'], stack.bucket, stack.landingPrefix);
    const ingest = createIngestHandler({ routes });
    stack.startIngest(ingest);
    const tables = [...new Set(routes.map((r) => r.table))];
    const maintenance = createMaintenanceHandler({ tables, minStepMs: 0, defaultBudgetMs: 5 * 60_000 });
    const every = seconds(opts.maintenanceEvery, 300);
    stack.startSchedule(() => maintenance({}), every * 1000);
    out(`delta-serverless local stack is up.\n\n`);
    for (const [k, v] of Object.entries(stack.env)) out(`  export ${k}=${v}\n`);
    out(`\nbucket ${stack.bucket}; upload under s3://${stack.bucket}/${stack.landingPrefix}:\n`);
    for (const r of routes) out(`  ${r.prefix}  ->  ${r.table}\n`);
    out(`\ne.g. (with the variables above exported):\n`);
    out(`  aws s3 cp data.csv s3://${stack.bucket}/${stack.landingPrefix}events/data.csv\n`);
    out(`  delta-serverless history s3://${stack.bucket}/tables/events\n`);
    out(`maintenance runs every ${every} s. Ctrl-C stops.\n`);
    await stop;
  } finally {
    await stack.stop();
  }
}
