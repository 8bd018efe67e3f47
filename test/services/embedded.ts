/** Embedded tier: fauxqs (S3 + SQS, with conditional writes) and dynalite, in this process. */
// A relative import of the emulators alone (no workspace package behind it): globalSetup is
// loaded without the 'source' export condition, and a fresh clone has no dist/ to fall back on.
import { startEmulators } from '../../packages/cli/src/local-stack/emulators/index.js';
import { TEST_CREDENTIALS, TEST_REGION, type Services } from './types.js';

/** Starts the in-process emulators on 127.0.0.1 (free ports); zero setup. */
export async function startEmbedded(): Promise<Services> {
  const e = await startEmulators();
  return {
    tier: 'embedded',
    s3Endpoint: e.s3Endpoint,
    sqsEndpoint: e.sqsEndpoint,
    dynamoEndpoint: e.dynamoEndpoint,
    region: TEST_REGION,
    credentials: { ...TEST_CREDENTIALS },
    conditionalWrites: true,
    stop: () => e.stop(),
  };
}
