/**
 * Commits as other writers leave them half-done in the lock table: a Spark (S3DynamoDBLogStore)
 * or delta-rs writer that wrote its temp file and its INCOMPLETE entry, then stopped. Built
 * by hand with independent clients (MinIO for the temp object, a raw PutItem for the entry),
 * in exactly the shape those writers use, so our recovery is tested against their format.
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { getBytes, minio, putText } from '../../services/index.js';
import { dynamoClient, rawCommit, type S3Table } from './tables.js';

export const pad20 = (v: number): string => String(v).padStart(20, '0');

/** Spark's temp name (`.tmp/N.json.<uuid>`) or delta-rs's (`_commit_<uuid>.json.tmp`), relative to _delta_log. */
export function foreignTempPath(style: 'spark' | 'delta-rs', version: number): string {
  return style === 'spark' ? `.tmp/${pad20(version)}.json.${randomUUID()}` : `_commit_${randomUUID()}.json.tmp`;
}

/**
 * Commit content for `version` as a Spark writer would write it: commitInfo plus an add of a
 * copy of the first data file of `fromVersion` (so the rows of that commit appear again).
 */
export async function foreignCommitContent(t: S3Table, version: number, fromVersion: number): Promise<string> {
  const add = (await rawCommit(t, fromVersion)).find((a) => a['add'])?.['add'];
  if (!add) throw new Error(`commit ${fromVersion} has no add action to copy`);
  const copy = `part-00000-${randomUUID()}-c000.snappy.parquet`;
  const bytes = await getBytes(t.bucket, `${t.prefix}/${decodeURIComponent(String(add['path']))}`);
  await minio().putObject(t.bucket, `${t.prefix}/${copy}`, bytes, bytes.length);
  const now = Date.now();
  const lines = [
    {
      commitInfo: {
        timestamp: now,
        operation: 'WRITE',
        operationParameters: { mode: 'Append', partitionBy: '[]' },
        readVersion: version - 1,
        isolationLevel: 'Serializable',
        isBlindAppend: true,
        operationMetrics: { numFiles: '1' },
        engineInfo: 'Apache-Spark/3.5.1 Delta-Lake/3.2.0',
        txnId: randomUUID(),
      },
    },
    { add: { ...add, path: copy, modificationTime: now, dataChange: true } },
  ];
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

/**
 * Leaves commit `version` half-done: the temp object (unless `uploadTemp` is false) and the
 * INCOMPLETE lock entry `{tablePath, fileName, tempPath, complete: "false"}` (no expireTime,
 * as Spark and delta-rs write it before the copy).
 */
export async function leaveIncompleteCommit(
  t: S3Table,
  tablePath: string,
  version: number,
  tempPath: string,
  content: string,
  uploadTemp = true,
): Promise<void> {
  if (uploadTemp) await putText(t.bucket, `${t.prefix}/_delta_log/${tempPath}`, content);
  await dynamoClient().send(
    new PutItemCommand({
      TableName: t.lockTable,
      Item: {
        tablePath: { S: tablePath },
        fileName: { S: `${pad20(version)}.json` },
        tempPath: { S: tempPath },
        complete: { S: 'false' },
      },
      ConditionExpression: 'attribute_not_exists(fileName)',
    }),
  );
}
