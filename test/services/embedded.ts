/** Embedded tier: fauxqs (S3 + SQS, with conditional writes) and dynalite, in this process. */
import { startDynalite } from './dynalite.js';
import { startFauxqs } from './fauxqs.js';
import { startAll } from './net.js';
import { TEST_CREDENTIALS, TEST_REGION, type Services } from './types.js';

/** Starts the in-process emulators on 127.0.0.1 (free ports); zero setup. */
export async function startEmbedded(): Promise<Services> {
  const [s3, dynamo] = await startAll<{ endpoint: string; stop(): Promise<void> }>([startFauxqs(), startDynalite()]);
  return {
    tier: 'embedded',
    s3Endpoint: s3.endpoint,
    sqsEndpoint: s3.endpoint,
    dynamoEndpoint: dynamo.endpoint,
    region: TEST_REGION,
    credentials: { ...TEST_CREDENTIALS },
    conditionalWrites: true,
    stop: async () => {
      await Promise.all([s3.stop(), dynamo.stop()]);
    },
  };
}
