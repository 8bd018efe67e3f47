/**
 * The ingest function: consumes the ingest queue (S3 ObjectCreated events of the landing
 * prefix) and commits each upload to its route's table exactly once.
 */
import { ingestRoutesEnv, type Settings } from './config.js';
import { ARCHITECTURE, engineEnvironment, functionCode, RUNTIME } from './handlers.js';
import { ingestStatements } from './permissions.js';

export interface IngestDeps {
  bucket: sst.aws.Bucket;
  lockTable: sst.aws.Dynamo;
  queue: sst.aws.Queue;
}

/** Create the ingest function and its SQS event source mapping. */
export function createIngest(settings: Settings, { bucket, lockTable, queue }: IngestDeps) {
  const i = settings.ingest;
  const fn = new sst.aws.Function('IngestFunction', {
    ...functionCode('ingest', settings),
    runtime: RUNTIME,
    architecture: ARCHITECTURE,
    memory: `${i.memoryMb} MB`,
    timeout: `${i.timeoutSeconds} seconds`,
    ...(i.reservedConcurrency !== undefined ? { concurrency: { reserved: i.reservedConcurrency } } : {}),
    environment: $resolve([bucket.name, lockTable.name]).apply(([b, t]) => ({
      ...engineEnvironment(t, settings),
      DELTA_INGEST_ROUTES: ingestRoutesEnv(b, settings),
    })),
    permissions: $resolve([bucket.arn, lockTable.arn, queue.arn]).apply(([bucketArn, lockTableArn, queueArn]) =>
      ingestStatements(settings, { bucketArn, lockTableArn, queueArn }),
    ),
  });
  // Our own mapping (not queue.subscribe): SST's subscriber cannot set maximum concurrency.
  const eventSource = new aws.lambda.EventSourceMapping('IngestEventSource', {
    eventSourceArn: queue.arn,
    functionName: fn.name,
    batchSize: i.batchSize,
    maximumBatchingWindowInSeconds: i.maxBatchingWindowSeconds,
    // The handler returns batchItemFailures: only failed uploads are retried.
    functionResponseTypes: ['ReportBatchItemFailures'],
    // Caps pollers at the source, so a burst does not throttle (throttled messages would count
    // towards the DLQ) and concurrent commits to one table stay few.
    scalingConfig: { maximumConcurrency: i.maxConcurrency },
  });
  return { ingest: fn, eventSource };
}
