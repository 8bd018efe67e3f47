/**
 * Scheduled maintenance: a CronV2 runs the maintenance function (checkpoint, OPTIMIZE, VACUUM
 * per table policy), which fans OPTIMIZE bins out to the optimize worker.
 */
import { maintenanceTablesEnv, type Settings } from './config.js';
import { ARCHITECTURE, engineEnvironment, functionCode, RUNTIME } from './handlers.js';
import { maintenanceStatements, workerStatements } from './permissions.js';

export interface MaintenanceDeps {
  bucket: sst.aws.Bucket;
  lockTable: sst.aws.Dynamo;
}

/** Create the optimize worker, the maintenance function and its schedule. */
export function createMaintenance(settings: Settings, { bucket, lockTable }: MaintenanceDeps) {
  const w = settings.worker;
  const worker = new sst.aws.Function('OptimizeWorker', {
    ...functionCode('optimize-worker', settings),
    runtime: RUNTIME,
    architecture: ARCHITECTURE,
    memory: `${w.memoryMb} MB`,
    timeout: `${w.timeoutSeconds} seconds`,
    ...(w.reservedConcurrency !== undefined ? { concurrency: { reserved: w.reservedConcurrency } } : {}),
    environment: lockTable.name.apply((t) => engineEnvironment(t, settings)),
    permissions: $resolve([bucket.arn, lockTable.arn]).apply(([bucketArn, lockTableArn]) =>
      workerStatements(settings, { bucketArn, lockTableArn }),
    ),
  });
  const m = settings.maintenanceFunction;
  const fn = new sst.aws.Function('MaintenanceFunction', {
    ...functionCode('maintenance', settings),
    runtime: RUNTIME,
    architecture: ARCHITECTURE,
    memory: `${m.memoryMb} MB`,
    timeout: `${m.timeoutSeconds} seconds`,
    // One run at a time: two overlapping runs would compete for the same tables' commits.
    concurrency: { reserved: 1 },
    environment: $resolve([bucket.name, lockTable.name, worker.name]).apply(([b, t, wn]) => ({
      ...engineEnvironment(t, settings),
      DELTA_MAINTENANCE_TABLES: maintenanceTablesEnv(b, settings),
      DELTA_OPTIMIZE_WORKER_FUNCTION: wn,
    })),
    permissions: $resolve([bucket.arn, lockTable.arn, worker.arn]).apply(([bucketArn, lockTableArn, workerArn]) =>
      maintenanceStatements(settings, { bucketArn, lockTableArn, workerArn }),
    ),
  });
  const cron = new sst.aws.CronV2('Maintenance', {
    function: fn,
    schedule: settings.maintenanceSchedule,
    // The next scheduled run repeats the work; retries would only queue behind reserved concurrency 1.
    retries: 0,
  });
  return { maintenance: fn, worker, cron };
}
