/** Real-server tier: DynamoDB Local (Java) and Ceph RGW (honours If-None-Match on PutObject). */
import { startCephRgw } from './ceph-rgw.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { startMoto } from './moto.js';
import { startAll } from '../../packages/cli/src/local-stack/emulators/index.js';
import { TEST_CREDENTIALS, TEST_REGION, type Services } from './types.js';

/** Starts DynamoDB Local and a single-node Ceph RGW side by side (~15 s, RGW dominates). */
export async function startReal(): Promise<Services> {
  const [s3, dynamo, glue] = await startAll<{ endpoint: string; stop(): Promise<void> }>([
    startCephRgw(),
    startDynamoDbLocal(),
    startMoto(),
  ]);
  return {
    tier: 'real',
    s3Endpoint: s3.endpoint,
    dynamoEndpoint: dynamo.endpoint,
    glueEndpoint: glue!.endpoint,
    region: TEST_REGION,
    credentials: { ...TEST_CREDENTIALS },
    conditionalWrites: true,
    stop: async () => {
      await Promise.all([s3!.stop(), dynamo!.stop(), glue!.stop()]);
    },
  };
}
