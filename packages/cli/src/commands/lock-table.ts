/** `create-lock-table`: the DynamoDB table the `dynamodb` commit coordinator uses. */
import { clientsFor, createLockTable, resolveAwsConfig } from '@delta-serverless/aws';
import { openOptions, type CommonOptions } from './common.js';

export interface LockTableCommandOptions extends CommonOptions {
  tableName?: string;
}

export async function createLockTableCommand(opts: LockTableCommandOptions, out: (s: string) => void): Promise<void> {
  const config = resolveAwsConfig(openOptions(opts).storageOptions);
  const name = opts.tableName ?? config.lockTableName;
  const r = await createLockTable(await clientsFor(config).dynamo(), name);
  out(
    `${r.created ? 'created' : 'found'} lock table ${name}${r.ttlEnabled ? ' (TTL on expireTime)' : ' (TTL not enabled: the service does not support it)'}\n`,
  );
}
