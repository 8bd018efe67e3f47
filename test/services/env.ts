/** The services as environment variables, for the SDK and for child processes of tests. */
import type { ServiceInfo, Tier } from './types.js';

/** Environment variables naming the services (the AWS SDK and CLI read the AWS_* ones). */
export function servicesEnv(s: ServiceInfo): Record<string, string> {
  const env: Record<string, string> = {
    DS_TEST_TIER: s.tier,
    DS_TEST_CONDITIONAL_WRITES: String(s.conditionalWrites),
    AWS_ENDPOINT_URL_S3: s.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: s.dynamoEndpoint,
    AWS_ENDPOINT_URL_GLUE: s.glueEndpoint,
    AWS_REGION: s.region,
    AWS_ACCESS_KEY_ID: s.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
  };
  if (s.sqsEndpoint) env['AWS_ENDPOINT_URL_SQS'] = s.sqsEndpoint;
  return env;
}

/** Reads back what `servicesEnv` wrote; undefined unless DS_TEST_TIER and both endpoints are set. */
export function servicesFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceInfo | undefined {
  const tier = env['DS_TEST_TIER'];
  const s3 = env['AWS_ENDPOINT_URL_S3'];
  const dynamo = env['AWS_ENDPOINT_URL_DYNAMODB'];
  if (!tier || !s3 || !dynamo) return undefined;
  const info: ServiceInfo = {
    tier: tier as Tier,
    s3Endpoint: s3,
    dynamoEndpoint: dynamo,
    glueEndpoint: env['AWS_ENDPOINT_URL_GLUE'] ?? '',
    region: env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    credentials: {
      accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? '',
      secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? '',
    },
    conditionalWrites: env['DS_TEST_CONDITIONAL_WRITES'] !== 'false',
  };
  if (env['AWS_ENDPOINT_URL_SQS']) info.sqsEndpoint = env['AWS_ENDPOINT_URL_SQS'];
  return info;
}
