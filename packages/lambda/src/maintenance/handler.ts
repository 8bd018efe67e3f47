/**
 * The scheduled maintenance Lambda (its optimize worker: worker-handler.ts). It runs
 * every configured table (maintenance/run.ts) within its own deadline and, when a worker
 * function is configured, fans large OPTIMIZE plans out to it. Each table is maintained under
 * its lease (lease.ts), so overlapping runs never work on the same table: the second finds it
 * `busy`. It never throws for one table's failure: the report lists every table's outcome,
 * and failures are logged as errors and counted in metrics (an alarm on TablesFailed sees them).
 */
import { randomUUID } from 'node:crypto';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { clientsFor, resolveAwsConfig, type AwsClients } from '@delta-serverless/aws';
import type { StorageOptions } from '@delta-serverless/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { catalogSyncer } from '../catalog-sync.js';
import { defaultLogger, defaultMetrics, type IngestLogger, type IngestMetrics } from '../observability.js';
import { describeError } from '../observability.js';
import { lambdaCheckpointInvoker, type CheckpointPartInvoker } from './checkpoint-parts.js';
import { lambdaInvoker, type WorkerInvoker } from './fan-out.js';
import { loadPolicies, loadPoliciesFrom, parsePolicies, type TablePolicy } from './policy.js';
import { configSource } from '../config-file.js';
import { runMaintenance, type MaintenanceReport } from './run.js';
import { tableStores } from './stores.js';

export interface MaintenanceHandlerConfig {
  /** Table policies (validated here); default: DELTA_MAINTENANCE_TABLES / _FILE (an s3:// file: at the first run). */
  tables?: readonly (TablePolicy | string)[];
  clients?: AwsClients;
  storageOptions?: StorageOptions;
  /** Fan-out target; default: a Lambda invoker for DELTA_OPTIMIZE_WORKER_FUNCTION when set. */
  invokeWorker?: WorkerInvoker;
  /** Checkpoint parts target; default: the same worker function (DELTA_OPTIMIZE_WORKER_FUNCTION) when set. */
  invokeCheckpointPart?: CheckpointPartInvoker;
  /** Files per checkpoint part: larger tables are checkpointed in parts by workers (default 250,000). */
  checkpointFilesPerPart?: number;
  /** Kept free before the Lambda deadline (default 60 s). */
  safetyMarginMs?: number;
  /** Without a Lambda context (local runs): the time budget of one run (default 14 min). */
  defaultBudgetMs?: number;
  minStepMs?: number;
  now?: () => number;
  logger?: IngestLogger;
  metrics?: IngestMetrics;
}

export type MaintenanceHandler = (event?: unknown, context?: Partial<Context>) => Promise<MaintenanceReport>;

/** Build the maintenance handler; the next run resumes at the first table this one deferred. */
export function createMaintenanceHandler(config: MaintenanceHandlerConfig = {}): MaintenanceHandler {
  const fromS3 = !config.tables && configSource('DELTA_MAINTENANCE_TABLES', process.env)?.kind === 's3';
  const eager = config.tables ? parsePolicies(config.tables) : fromS3 ? undefined : loadPolicies();
  let loading: Promise<TablePolicy[]> | undefined;
  const s3 = () => config.clients?.s3 ?? clientsFor(resolveAwsConfig(config.storageOptions)).s3;
  // An s3:// policies file is read at the first run; a failed read is retried at the next one.
  const policies = (): TablePolicy[] | Promise<TablePolicy[]> =>
    eager ??
    (loading ??= loadPoliciesFrom(process.env, s3).catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
  const logger = config.logger ?? defaultLogger('delta-maintenance');
  const metrics = config.metrics ?? defaultMetrics('delta-maintenance');
  const storeFor = tableStores(config.clients, config.storageOptions, (err, paths, root) =>
    logger.error('delete failed', { table: root, files: paths.length, first: paths[0], ...describeError(err) }),
  );
  const workerName = process.env['DELTA_OPTIMIZE_WORKER_FUNCTION'];
  const lambda = () => new LambdaClient({ region: resolveAwsConfig(config.storageOptions).region });
  const invokeWorker = config.invokeWorker ?? (workerName ? lambdaInvoker(lambda(), workerName) : undefined);
  const invokeCheckpointPart =
    config.invokeCheckpointPart ?? (workerName ? lambdaCheckpointInvoker(lambda(), workerName) : undefined);
  let resumeAt = 0;

  return async (_event, context) => {
    const budget = context?.getRemainingTimeInMillis?.() ?? config.defaultBudgetMs ?? 14 * 60_000;
    const started = Date.now();
    try {
      const report = await runMaintenance(await policies(), {
        storeFor,
        deadline: started + budget - (config.safetyMarginMs ?? 60_000),
        invokeWorker,
        invokeCheckpointPart,
        checkpointFilesPerPart: config.checkpointFilesPerPart,
        syncCatalog: catalogSyncer(config.clients, config.storageOptions),
        startAt: resumeAt,
        minStepMs: config.minStepMs,
        now: config.now,
        // Until the invocation's hard end: a run that dies frees its tables then.
        lease: { owner: context?.awsRequestId ?? randomUUID(), expiresAt: started + budget },
        onStep: (table, step) => logger.info('maintenance step', { table, ...step }),
        onWorkerError: (err, bins) =>
          logger.warn('optimize worker failed; its bins wait', { bins, ...describeError(err) }),
        onLateWorker: (bins, deleted, err) =>
          logger.warn('optimize worker answered after the commit; its files were deleted', {
            bins,
            deleted,
            ...(err ? describeError(err) : {}),
          }),
      });
      resumeAt = report.resumeAt;
      logReport(logger, report);
      const count = (s: string) => report.tables.filter((t) => t.status === s).length;
      metrics.addMetric('TablesMaintained', MetricUnit.Count, count('ok') + count('partial'));
      metrics.addMetric('TablesFailed', MetricUnit.Count, count('failed'));
      metrics.addMetric('TablesDeferred', MetricUnit.Count, count('deferred'));
      metrics.addMetric('TablesBusy', MetricUnit.Count, count('busy'));
      return report;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

function logReport(logger: IngestLogger, report: MaintenanceReport): void {
  for (const t of report.tables) {
    if (t.status === 'failed') logger.error('maintenance failed for table', { table: t.table, error: t.error });
    else if (t.status === 'busy')
      logger.info('table left to another maintenance run that holds its lease', { table: t.table, heldBy: t.heldBy });
    else if (t.status === 'skipped')
      logger.info('no table there yet (the first upload creates it); nothing to maintain', { table: t.table });
    else if (t.status !== 'ok')
      logger.warn(`maintenance ${t.status} for table (the next run continues)`, { table: t.table });
  }
}
