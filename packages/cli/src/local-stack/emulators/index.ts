/**
 * The embedded AWS emulators: fauxqs (S3 with conditional writes, SQS) and dynalite
 * (DynamoDB), in this process, on 127.0.0.1 and free ports. Used by the local dev stack, the
 * demo, the test suites' embedded tier and the S3 benchmarks.
 */
import { startDynalite } from './dynalite.js';
import { startFauxqs, type FauxqsOptions } from './fauxqs.js';
import { startAll } from './start-all.js';

export { startAll } from './start-all.js';
export { startFauxqs, type Fauxqs, type FauxqsOptions } from './fauxqs.js';
export { formEncodeKey, objectCreatedRecord, type S3NotificationRecord } from './notifications.js';
export { startDynalite, type Dynalite } from './dynalite.js';
export { KeyLocks } from './key-locks.js';
export { compareKeys } from './key-order.js';
export { checkWritePreconditions } from './conditional-writes.js';

/** Running emulators. S3 and SQS share one endpoint (fauxqs). */
export interface Emulators {
  s3Endpoint: string;
  sqsEndpoint: string;
  dynamoEndpoint: string;
  stop(): Promise<void>;
}

/** Starts fauxqs and dynalite side by side (~0.2-0.5 s); if one fails, neither keeps running. */
export async function startEmulators(options: FauxqsOptions = {}): Promise<Emulators> {
  const [s3, dynamo] = await startAll<{ endpoint: string; stop(): Promise<void> }>([
    startFauxqs(options),
    startDynalite(),
  ]);
  return {
    s3Endpoint: s3.endpoint,
    sqsEndpoint: s3.endpoint,
    dynamoEndpoint: dynamo.endpoint,
    stop: async () => {
      await Promise.all([s3.stop(), dynamo.stop()]);
    },
  };
}
