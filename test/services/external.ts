/** External tier: servers someone else runs (docker-compose MinIO + DynamoDB Local, real AWS). */
import { startMoto } from './moto.js';
import type { Services } from './types.js';

function required(name: string): string {
  const v = process.env[name];
  if (!v) {
    throw new Error(
      `DS_TEST_TIER=external needs ${name}; e.g. AWS_ENDPOINT_URL_S3=http://127.0.0.1:9000 ` +
        'AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 AWS_REGION=us-east-1 ' +
        'AWS_ACCESS_KEY_ID=minioadmin AWS_SECRET_ACCESS_KEY=minioadmin (see test/services/README.md)',
    );
  }
  return v;
}

/**
 * Reads endpoints and credentials from the environment: AWS_ENDPOINT_URL_S3,
 * AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION (or AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY; optional AWS_ENDPOINT_URL_SQS, and DS_TEST_CONDITIONAL_WRITES=false for
 * a store that ignores If-None-Match. AWS_ENDPOINT_URL_GLUE names a Glue endpoint; without it
 * moto's server is started for Glue (the only thing started).
 */
export async function startExternal(): Promise<Services> {
  const region = process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  const glueEndpoint = process.env['AWS_ENDPOINT_URL_GLUE'];
  const moto = glueEndpoint ? undefined : await startMoto();
  const services: Services = {
    tier: 'external',
    s3Endpoint: required('AWS_ENDPOINT_URL_S3'),
    dynamoEndpoint: required('AWS_ENDPOINT_URL_DYNAMODB'),
    glueEndpoint: glueEndpoint ?? moto!.endpoint,
    region: region ?? required('AWS_REGION'),
    credentials: {
      accessKeyId: required('AWS_ACCESS_KEY_ID'),
      secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
    },
    conditionalWrites: process.env['DS_TEST_CONDITIONAL_WRITES'] !== 'false',
    stop: async () => {
      await moto?.stop();
    },
  };
  const sqs = process.env['AWS_ENDPOINT_URL_SQS'];
  if (sqs) services.sqsEndpoint = sqs;
  return services;
}
