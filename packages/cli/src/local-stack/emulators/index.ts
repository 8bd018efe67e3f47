/**
 * The embedded AWS emulators: fauxqs (S3 with conditional writes, SQS) and dynalite
 * (DynamoDB), in this process, on 127.0.0.1 and free ports. Used by the local dev stack, the
 * demo, the test suites' embedded tier and the S3 benchmarks.
 */
import { startDynalite } from './dynalite.js';
import { join } from 'node:path';
import { startFauxqs, type Fauxqs, type FauxqsOptions } from './fauxqs.js';
import { startAll } from './start-all.js';

export { startAll } from './start-all.js';
export { startFauxqs, type Fauxqs, type FauxqsOptions } from './fauxqs.js';
export { formEncodeKey, objectCreatedRecord, type S3NotificationRecord } from './notifications.js';
export { startDynalite, type Dynalite, type DynaliteOptions } from './dynalite.js';
export { KeyLocks } from './key-locks.js';
export { compareKeys } from './key-order.js';
export { checkWritePreconditions } from './conditional-writes.js';

/** Running emulators. S3 and SQS share one endpoint (fauxqs). */
export interface Emulators {
  s3Endpoint: string;
  sqsEndpoint: string;
  dynamoEndpoint: string;
  /** Objects loaded from the data directory at start. */
  objectsLoaded: number;
  /** Put the saved queues' messages back (call after creating the queues); returns how many. */
  restoreQueues(): number;
  stop(): Promise<void>;
}

export interface EmulatorOptions extends FauxqsOptions {
  /** DynamoDB port (default: a free one); `port` is the S3 + SQS one. */
  dynamoPort?: number;
}

/**
 * Starts fauxqs and dynalite side by side (~0.2-0.5 s); if one fails, neither keeps running.
 * With `dataDir`, objects, queued messages (fauxqs) and DynamoDB items (`<dataDir>/dynamodb`)
 * survive a restart on the same directory.
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const [s3, dynamo] = await startAll<{ endpoint: string; stop(): Promise<void> }>([
    startFauxqs(options),
    startDynalite({
      port: options.dynamoPort,
      path: options.dataDir ? join(options.dataDir, 'dynamodb') : undefined,
    }),
  ]);
  const fauxqs = s3 as Fauxqs;
  return {
    s3Endpoint: s3.endpoint,
    sqsEndpoint: s3.endpoint,
    dynamoEndpoint: dynamo.endpoint,
    objectsLoaded: fauxqs.objectsLoaded,
    restoreQueues: () => fauxqs.restoreQueues(),
    stop: async () => {
      await Promise.all([s3.stop(), dynamo.stop()]);
    },
  };
}
