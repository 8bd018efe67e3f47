/**
 * Create the DynamoDB lock table with Delta Spark's schema: HASH `tablePath` (S), RANGE
 * `fileName` (S), on-demand billing, TTL on `expireTime` where the service supports it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StorageError } from '@delta-serverless/core';
import { loadDynamoSdk } from './dynamodb-sdk.js';

export interface CreateLockTableResult {
  created: boolean;
  /** False when the service does not support TTL (e.g. some emulators). */
  ttlEnabled: boolean;
}

export async function createLockTable(client: DynamoDBClient, tableName = 'delta_log'): Promise<CreateLockTableResult> {
  const { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand, waitUntilTableExists } =
    await loadDynamoSdk();
  let created = false;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'tablePath', AttributeType: 'S' },
          { AttributeName: 'fileName', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'tablePath', KeyType: 'HASH' },
          { AttributeName: 'fileName', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    created = true;
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceInUseException') {
      throw new StorageError(`could not create DynamoDB lock table ${tableName}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: tableName });
  let ttlEnabled = false;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: 'expireTime', Enabled: true },
      }),
    );
    ttlEnabled = true;
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    // Already enabled counts as enabled; emulators without the API leave TTL off.
    if (/ValidationException/.test(name) && /already enabled/i.test((err as Error).message)) ttlEnabled = true;
  }
  await client.send(new DescribeTableCommand({ TableName: tableName }));
  return { created, ttlEnabled };
}
