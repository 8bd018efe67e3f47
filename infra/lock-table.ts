/** The DynamoDB lock table of Delta Spark's S3DynamoDBLogStore protocol (schema in lock-table-schema.ts). */
import { LOCK_TABLE_SCHEMA } from './lock-table-schema.js';

/** Create the lock table: HASH tablePath, RANGE fileName, on-demand, TTL on expireTime. */
export function createLockTable() {
  const table = new sst.aws.Dynamo('LockTable', {
    fields: { ...LOCK_TABLE_SCHEMA.fields },
    primaryIndex: { ...LOCK_TABLE_SCHEMA.primaryIndex },
    ttl: LOCK_TABLE_SCHEMA.ttl,
    transform: {
      table: (args) => {
        args.billingMode = LOCK_TABLE_SCHEMA.billingMode;
      },
    },
  });
  return { lockTable: table };
}
