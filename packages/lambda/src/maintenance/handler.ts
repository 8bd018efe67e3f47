/**
 * The scheduled maintenance Lambda and its optimize worker. The maintenance function runs
 * every configured table (maintenance/run.ts) within its own deadline and, when a worker
 * function is configured, fans large OPTIMIZE plans out to it. It never throws for one
 * table's failure: the report lists every table's outcome, and failures are logged as errors
 * and counted in metrics (an alarm on TablesFailed sees them).
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createS3Store, resolveAwsConfig, type AwsClients } from '@delta-serverless/aws';
import { storeForUri, type DmlResult, type ObjectStore, type StorageOptions } from '@delta-serverless/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { defaultLogger, defaultMetrics, type IngestLogger, type IngestMetrics } from '../observability.js';
import { lambdaInvoker, runWorkerRequest, type OptimizeWorkerResponse, type WorkerInvoker } from './fan-out.js';
import { isDmlWorkerRequest, runDmlWorkerRequest } from './dml-worker.js';
import { loadPolicies, parsePolicies, type TablePolicy } from './policy.js';
import { runMaintenance, type MaintenanceReport } from './run.js';

export interface MaintenanceHandlerConfig {
  /** Table policies (validated here); default: DELTA_MAINTENANCE_TABLES / _FILE. */
  tables?: readonly (TablePolicy | string)[];
  clients?: AwsClients;
  storageOptions?: StorageOptions;
  /** Fan-out target; default: a Lambda invoker for DELTA_OPTIMIZE_WORKER_FUNCTION when set. */
  invokeWorker?: WorkerInvoker;
  /** Kept free before the Lambda deadline (default 60 s). */
  safetyMarginMs?: number;
  /** Without a Lambda context (local runs): the time budget of one run (default 14 min). */
  defaultBudgetMs?: number;
  minStepMs?: number;
  now?: () => number;
  logger?: IngestLogger;
  metrics?: IngestMetrics;
}

/** Opens table stores: s3:// through the AWS package (shared clients), anything else through core. */
export function tableStores(clients?: AwsClients, storageOptions?: StorageOptions): (uri: string) => ObjectStore {
  return (uri) =>
    /^s3a?:\/\//.test(uri) ? createS3Store(uri, { clients, storageOptions }) : storeForUri(uri, storageOptions);
}

export type MaintenanceHandler = (event?: unknown, context?: Partial<Context>) => Promise<MaintenanceReport>;

/** Build the maintenance handler; the next run resumes at the first table this one deferred. */
export function createMaintenanceHandler(config: MaintenanceHandlerConfig = {}): MaintenanceHandler {
  const policies = config.tables ? parsePolicies(config.tables) : loadPolicies();
  const logger = config.logger ?? defaultLogger('delta-maintenance');
  const metrics = config.metrics ?? defaultMetrics('delta-maintenance');
  const storeFor = tableStores(config.clients, config.storageOptions);
  const workerName = process.env['DELTA_OPTIMIZE_WORKER_FUNCTION'];
  const invokeWorker =
    config.invokeWorker ??
    (workerName
      ? lambdaInvoker(new LambdaClient({ region: resolveAwsConfig(config.storageOptions).region }), workerName)
      : undefined);
  let resumeAt = 0;

  return async (_event, context) => {
    const budget = context?.getRemainingTimeInMillis?.() ?? config.defaultBudgetMs ?? 14 * 60_000;
    const deadline = Date.now() + budget - (config.safetyMarginMs ?? 60_000);
    try {
      const report = await runMaintenance(policies, {
        storeFor,
        deadline,
        invokeWorker,
        startAt: resumeAt,
        minStepMs: config.minStepMs,
        now: config.now,
        onStep: (table, step) => logger.info('maintenance step', { table, ...step }),
      });
      resumeAt = report.resumeAt;
      for (const t of report.tables) {
        if (t.status === 'failed') logger.error('maintenance failed for table', { table: t.table, error: t.error });
        else if (t.status !== 'ok')
          logger.warn(`maintenance ${t.status} for table (the next run continues)`, { table: t.table });
      }
      const count = (s: string) => report.tables.filter((t) => t.status === s).length;
      metrics.addMetric('TablesMaintained', MetricUnit.Count, count('ok') + count('partial'));
      metrics.addMetric('TablesFailed', MetricUnit.Count, count('failed'));
      metrics.addMetric('TablesDeferred', MetricUnit.Count, count('deferred'));
      return report;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

export type OptimizeWorkerHandler = (
  event: unknown,
  context?: Partial<Context>,
) => Promise<OptimizeWorkerResponse | DmlResult>;

/** Build the optimize worker: rewrites the OPTIMIZE bins or DELETE/UPDATE files it is sent, commits nothing. */
export function createOptimizeWorkerHandler(
  config: { clients?: AwsClients; storageOptions?: StorageOptions } = {},
): OptimizeWorkerHandler {
  const storeFor = tableStores(config.clients, config.storageOptions);
  return (event) =>
    isDmlWorkerRequest(event)
      ? runDmlWorkerRequest(event, storeFor)
      : runWorkerRequest(event as Parameters<typeof runWorkerRequest>[0], storeFor);
}
