/**
 * `dev`: the serverless pipeline on this machine until Ctrl-C. Starts the local stack on fixed
 * ports with its state in a data directory (objects, queued messages and lock items survive a
 * restart), runs the ingest handler on the queue (routes from --routes / DELTA_INGEST_ROUTES,
 * default: landing/<name>/ -> tables/<name> for events, sales, orders) and the maintenance
 * handler on a timer, and prints the endpoints so uploads with the AWS CLI or SDK land as
 * commits. Logs are readable on a terminal and JSON otherwise. Ctrl-C stops within a second
 * (in-flight invocations are cut short; their messages come back at the next start).
 */
import { resolve } from 'node:path';
import { createIngestHandler, createMaintenanceHandler, type RouteConfig } from '@delta-serverless/lambda';
import { InvalidArgumentError } from '@delta-serverless/core';
import type { Io } from '../io.js';
import { startLocalStack, type LocalStack } from '../local-stack/index.js';
import { cliLogger } from '../output/log.js';
import { counted, formatDuration } from '../output/format.js';

export interface DevOptions {
  /** Routes JSON (a list of RouteConfig). */
  routes?: string;
  maintenanceEvery?: string;
  /** State directory (default `.delta-serverless` in the current folder). */
  dataDir?: string;
  /** S3 + SQS port (default 4566). */
  port?: string;
  /** DynamoDB port (default 4567). */
  dynamodbPort?: string;
}

export const DEFAULT_PORT = 4566;
export const DEFAULT_DYNAMODB_PORT = 4567;
/** How long Ctrl-C waits for in-flight invocations before closing the emulators. */
const STOP_GRACE_MS = 600;

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
  if (!m || Number(m[1]) === 0)
    throw new InvalidArgumentError(`--maintenance-every must look like 60s or 5m, got "${v}"`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

export function parsePort(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new InvalidArgumentError(`${flag} must be a port number (0-65535), got "${v}"`);
  return n;
}

/** Resolves at the first Ctrl-C (or SIGTERM); a second Ctrl-C exits at once. */
function interrupted(io: Io): Promise<void> {
  return new Promise((resolveStop) => {
    const onSignal = () => {
      process.once('SIGINT', () => {
        io.out('\nstopping now.\n');
        process.exit(130);
      });
      resolveStop();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

function banner(stack: LocalStack, routes: RouteConfig[], dataDir: string, every: number, out: (s: string) => void) {
  out(
    `delta-serverless local stack is up: S3 + SQS ${stack.emulators.s3Endpoint}, DynamoDB ${stack.emulators.dynamoEndpoint}\n`,
  );
  out(
    `state in ${dataDir} (kept across restarts; found ${counted(stack.restored.objects, 'object')}, ` +
      `${counted(stack.restored.messages, 'queued message')})\n\n`,
  );
  for (const [k, v] of Object.entries(stack.env)) out(`  export ${k}=${v}\n`);
  out(`\nbucket ${stack.bucket}; upload under s3://${stack.bucket}/${stack.landingPrefix}:\n`);
  for (const r of routes) out(`  ${r.prefix}  ->  ${r.table}\n`);
  out(`\ne.g. (with the variables above exported):\n`);
  out(`  aws s3 cp data.csv s3://${stack.bucket}/${stack.landingPrefix}events/data.csv\n`);
  out(`  delta-serverless history s3://${stack.bucket}/tables/events\n`);
  out(`maintenance runs every ${every} s. Ctrl-C stops.\n\n`);
}

/** Runs until Ctrl-C. */
export async function devCommand(opts: DevOptions, io: Io): Promise<void> {
  const tty = io.tty ?? false;
  const line = (l: string) => io.out(`${l}\n`);
  const stackLog = cliLogger(line, 'local-stack', { tty });
  const every = seconds(opts.maintenanceEvery, 300);
  const dataDir = resolve(opts.dataDir ?? '.delta-serverless');
  const stack = await startLocalStack({
    dataDir,
    port: parsePort(opts.port, '--port', DEFAULT_PORT),
    dynamoPort: parsePort(opts.dynamodbPort, '--dynamodb-port', DEFAULT_DYNAMODB_PORT),
    log: (l) => stackLog.info(l),
  });
  const stop = interrupted(io);
  Object.assign(process.env, stack.env);
  const silent = { addMetric() {}, publishStoredMetrics() {} };
  try {
    const routes = parseRoutes(opts.routes ?? process.env['DELTA_INGEST_ROUTES'], stack.bucket, stack.landingPrefix);
    const ingest = createIngestHandler({ routes, logger: cliLogger(line, 'ingest', { tty }), metrics: silent });
    const tables = [...new Set(routes.map((r) => r.table))];
    const maintenance = createMaintenanceHandler({
      tables,
      minStepMs: 0,
      defaultBudgetMs: 5 * 60_000,
      logger: cliLogger(line, 'maintenance', { tty }),
      metrics: silent,
    });
    banner(stack, routes, dataDir, every, io.out);
    stack.startIngest(ingest);
    stack.startSchedule(() => maintenance({}), every * 1000);
    await stop;
  } finally {
    const started = Date.now();
    io.out('\nstopping (Ctrl-C again to stop at once)...\n');
    await stack.stop(STOP_GRACE_MS);
    io.out(`stopped in ${formatDuration(Date.now() - started)}; state kept in ${dataDir}\n`);
  }
}
