/**
 * The ingest function: consumes the ingest queue (S3 ObjectCreated events of the landing
 * prefix) and commits each upload to its route's table exactly once. Its routes live in its
 * environment, or in an S3 object when they do not fit (infra/environment.ts).
 */
import type { Settings } from './config.js';
import { assertFits, configObjectKey, ingestConfig, ingestEnvironment, type Placement } from './environment.js';
import { ingestFunction } from './functions.js';
import { ARCHITECTURE, functionCode, RUNTIME } from './handlers.js';
import { ingestStatements } from './permissions.js';

export interface IngestDeps {
  bucket: sst.aws.Bucket;
  lockTable: sst.aws.Dynamo;
  queue: sst.aws.Queue;
}

/** Create the ingest function, its configuration object (if any) and its SQS event source mapping. */
export function createIngest(settings: Settings, { bucket, lockTable, queue }: IngestDeps, placement: Placement) {
  const i = settings.ingest;
  const configKey =
    placement === 'object' ? bucket.name.apply((b) => configObjectKey(settings, ingestConfig(settings, b))) : undefined;
  if (configKey) {
    new aws.s3.BucketObjectv2('IngestRoutesObject', {
      bucket: bucket.name,
      key: configKey,
      content: bucket.name.apply((b) => ingestConfig(settings, b).json),
      contentType: 'application/json',
    });
  }
  const fn = new sst.aws.Function('IngestFunction', {
    ...functionCode('ingest', settings),
    runtime: RUNTIME,
    architecture: ARCHITECTURE,
    ...ingestFunction(settings),
    environment: $resolve([bucket.name, lockTable.name]).apply(([b, t]) =>
      assertFits(
        'ingest',
        ingestEnvironment(settings, { bucket: b, lockTable: t, worker: '' }, placement),
        $app.name,
        $app.stage,
      ),
    ),
    permissions: $resolve([bucket.arn, lockTable.arn, queue.arn, configKey ?? '']).apply(
      ([bucketArn, lockTableArn, queueArn, key]) =>
        ingestStatements(settings, { bucketArn, lockTableArn, queueArn, configKey: key || undefined }),
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
