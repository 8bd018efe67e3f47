/** Embedded tier: fauxqs (S3 + SQS, with conditional writes) and dynalite, in this process. */
// A relative import of the emulators alone (no workspace package behind it): globalSetup is
// loaded without the 'source' export condition, and a fresh clone has no dist/ to fall back on.
import { startAll, startEmulators } from '../../packages/cli/src/local-stack/emulators/index.js';
import { startMoto } from './moto.js';
import { TEST_CREDENTIALS, TEST_REGION, type Services } from './types.js';

/** Starts the in-process emulators on 127.0.0.1 (free ports), and moto's server for Glue. */
export async function startEmbedded(): Promise<Services> {
  const emulators = startEmulators();
  const glue = startMoto();
  // Both or neither: startAll stops the one that started when the other fails.
  await startAll<{ stop(): Promise<void> }>([emulators, glue]);
  const [e, moto] = [await emulators, await glue];
  return {
    tier: 'embedded',
    s3Endpoint: e.s3Endpoint,
    sqsEndpoint: e.sqsEndpoint,
    dynamoEndpoint: e.dynamoEndpoint,
    glueEndpoint: moto.endpoint,
    region: TEST_REGION,
    credentials: { ...TEST_CREDENTIALS },
    conditionalWrites: true,
    stop: async () => {
      await Promise.all([e.stop(), moto.stop()]);
    },
  };
}
