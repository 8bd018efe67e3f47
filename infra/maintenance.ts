/**
 * Scheduled maintenance: a CronV2 runs the maintenance function (checkpoint, OPTIMIZE, VACUUM
 * per table policy), which fans OPTIMIZE bins out to the optimize worker. No reserved
 * concurrency unless configured: overlapping runs are kept apart per table by a lease in the
 * table's store (packages/lambda/src/maintenance/lease.ts). Async retries are off.
 */
import type { Settings } from './config.js';
import {
  assertFits,
  configObjectKey,
  maintenanceConfig,
  maintenanceEnvironment,
  workerEnvironment,
  type Placement,
} from './environment.js';
import { maintenanceFunction, workerFunction } from './functions.js';
import { ARCHITECTURE, functionCode, RUNTIME } from './handlers.js';
import { maintenanceStatements, workerStatements } from './permissions.js';

export interface MaintenanceDeps {
  bucket: sst.aws.Bucket;
  lockTable: sst.aws.Dynamo;
}

/** Create the optimize worker, the maintenance function (and its configuration object) and its schedule. */
export function createMaintenance(settings: Settings, { bucket, lockTable }: MaintenanceDeps, placement: Placement) {
  const worker = new sst.aws.Function('OptimizeWorker', {
    ...functionCode('optimize-worker', settings),
    runtime: RUNTIME,
    architecture: ARCHITECTURE,
    ...workerFunction(settings),
    environment: workerEnvironment(),
    permissions: bucket.arn.apply((bucketArn) => workerStatements(settings, { bucketArn })),
  });
  const configKey =
    placement === 'object'
      ? bucket.name.apply((b) => configObjectKey(settings, maintenanceConfig(settings, b)))
      : undefined;
  if (configKey) {
    new aws.s3.BucketObjectv2('MaintenanceTablesObject', {
      bucket: bucket.name,
      key: configKey,
      content: bucket.name.apply((b) => maintenanceConfig(settings, b).json),
      contentType: 'application/json',
    });
  }
  const fn = new sst.aws.Function('MaintenanceFunction', {
    ...functionCode('maintenance', settings),
    runtime: RUNTIME,
    architecture: ARCHITECTURE,
    // retries: 0 makes SST create the function's EventInvokeConfig (maximumRetryAttempts 0).
    ...maintenanceFunction(settings),
    environment: $resolve([bucket.name, lockTable.name, worker.name]).apply(([b, t, w]) =>
      assertFits(
        'maintenance',
        maintenanceEnvironment(settings, { bucket: b, lockTable: t, worker: w }, placement),
        $app.name,
        $app.stage,
      ),
    ),
    permissions: $resolve([bucket.arn, lockTable.arn, worker.arn, configKey ?? '']).apply(
      ([bucketArn, lockTableArn, workerArn, key]) =>
        maintenanceStatements(settings, { bucketArn, lockTableArn, workerArn, configKey: key || undefined }),
    ),
  });
  const cron = new sst.aws.CronV2('Maintenance', {
    function: fn,
    schedule: settings.maintenanceSchedule,
    // The schedule's own retry policy; the function's async retries are off too (above).
    retries: 0,
  });
  return { maintenance: fn, worker, cron };
}
