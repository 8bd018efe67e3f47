/**
 * The DynamoDB lock table, exactly as Delta Spark's S3DynamoDBLogStore expects it (and as
 * `delta-serverless create-lock-table` creates it): entries keyed by table path and commit
 * file name, expired by DynamoDB TTL on `expireTime` (epoch seconds, set when a commit completes).
 * Plain module so tests can compare it with the engine's schema.
 */
export const LOCK_TABLE_SCHEMA = {
  fields: { tablePath: 'string', fileName: 'string' },
  primaryIndex: { hashKey: 'tablePath', rangeKey: 'fileName' },
  ttl: 'expireTime',
  billingMode: 'PAY_PER_REQUEST',
} as const;
