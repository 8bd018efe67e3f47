// What global-setup.ts hands to test files (`inject('dsServices')`).
declare module 'vitest' {
  export interface ProvidedContext {
    dsServices: ServiceInfo;
  }
}

/** Which servers the integration tests talk to (env `DS_TEST_TIER`). */
export type Tier = 'embedded' | 'real' | 'external';

/** Endpoints and credentials of the S3 / SQS / DynamoDB servers the tests use. */
export interface ServiceInfo {
  tier: Tier;
  /** S3 endpoint, path-style (`http://127.0.0.1:<port>`). */
  s3Endpoint: string;
  /** SQS endpoint where the tier has one (embedded: fauxqs). */
  sqsEndpoint?: string;
  dynamoEndpoint: string;
  /** Glue endpoint: moto's server (embedded and real tiers) or AWS_ENDPOINT_URL_GLUE (external). */
  glueEndpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** True when the S3 endpoint honours `If-None-Match: *` on PutObject (412 if the key exists). */
  conditionalWrites: boolean;
}

/** Running services; `stop()` shuts down whatever the tier started. */
export interface Services extends ServiceInfo {
  stop(): Promise<void>;
}

/** Fixed test credentials (the emulators accept anything; RGW is given these keys). */
export const TEST_CREDENTIALS = {
  accessKeyId: 'DSTESTACCESSKEY00001',
  secretAccessKey: 'dstestsecretkey0000000000000000000000001',
} as const;

export const TEST_REGION = 'us-east-1';

/** Strips `stop` so the rest can cross process boundaries (vitest provide, env vars). */
export function serviceInfo(s: ServiceInfo): ServiceInfo {
  const info: ServiceInfo = {
    tier: s.tier,
    s3Endpoint: s.s3Endpoint,
    dynamoEndpoint: s.dynamoEndpoint,
    glueEndpoint: s.glueEndpoint,
    region: s.region,
    credentials: { accessKeyId: s.credentials.accessKeyId, secretAccessKey: s.credentials.secretAccessKey },
    conditionalWrites: s.conditionalWrites,
  };
  if (s.sqsEndpoint !== undefined) info.sqsEndpoint = s.sqsEndpoint;
  return info;
}
