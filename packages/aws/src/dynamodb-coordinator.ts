/**
 * Commits through a DynamoDB lock table — exactly Delta Spark's S3DynamoDBLogStore
 * protocol, so our writers are safe beside Spark/EMR/Glue and delta-rs writers using the
 * same table. Entries: `tablePath` (HASH), `fileName` (RANGE, `N.json`), `tempPath`
 * (relative to `_delta_log`), `complete` ("true"/"false"), `expireTime` (epoch seconds,
 * the TTL attribute, set on completion).
 *
 * Commit N: (1) N.json must not exist; (2) if entry N-1 is incomplete, finish it first;
 * (3) write the actions to a temp object; (4) PutItem N with attribute_not_exists — losing
 * it means N is taken: by our own put when the SDK retried one whose response was lost (the
 * entry names our temp file: carry on), else by another writer (finish its entry if needed,
 * then report the lost race); (5) copy temp -> N.json; (6) mark complete. A crash in
 * (5)-(6) is repaired by recovery, which any reader or writer runs: take the newest entry
 * and, if incomplete, copy its temp file to N.json (if absent) and mark it complete.
 *
 * The copy is a PUT with `If-None-Match: *`, so N.json is never overwritten — not even by a
 * writer using S3 conditional writes at the same version (a mixed fleet). If the copy finds
 * another writer's N.json, this commit lost the race (see docs/commit-protocol.md).
 */
import { randomUUID } from 'node:crypto';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CommitFailedError,
  NotFoundError,
  PreconditionFailedError,
  StorageError,
  type CommitCoordinator,
  type CommitResult,
  type ObjectStore,
} from '@delta-serverless/core';
import { LOG_DIR, versionPrefix } from '@delta-serverless/core/internal';
import { loadDynamoSdk, type DynamoSdkModule } from './dynamodb-sdk.js';
import { AccessDeniedError } from './errors.js';

export const DEFAULT_LOCK_TABLE = 'delta_log';
/** Spark sets expireTime to completion time + 1 day. */
export const DEFAULT_TTL_SECONDS = 86_400;

export interface DynamoDbCoordinatorOptions {
  /** The client, or how to get it on first use (AwsClients.dynamo: the SDK loads only when needed). */
  client: DynamoDBClient | (() => Promise<DynamoDBClient>);
  tableName?: string;
  /** The `tablePath` key of this table's entries: the table URI without trailing slash. */
  tablePath: string;
  ttlSeconds?: number;
  /** Skip step 1 (HEAD of N.json) when the copy is conditional anyway (saves a round trip). */
  conditionalCopy?: boolean;
}

export interface LockEntry {
  fileName: string;
  tempPath: string;
  complete: boolean;
  expireTime?: number;
}

function fileNameOf(version: number): string {
  return `${versionPrefix(version)}.json`;
}

function versionOf(fileName: string): number {
  return Number(fileName.slice(0, 20));
}

function toEntry(item: Record<string, AttributeValue> | undefined): LockEntry | undefined {
  if (!item?.fileName?.S) return undefined;
  return {
    fileName: item.fileName.S,
    tempPath: item.tempPath?.S ?? '',
    complete: item.complete?.S === 'true',
    expireTime: item.expireTime?.N !== undefined ? Number(item.expireTime.N) : undefined,
  };
}

function dynamoError(err: unknown, action: string, table: string): Error {
  const e = err as { name?: string; message?: string };
  if (e?.name === 'AccessDeniedException')
    return new AccessDeniedError(`DynamoDB table ${table}`, `dynamodb:${action}`, { cause: err });
  if (e?.name === 'ResourceNotFoundException') {
    return new StorageError(
      `DynamoDB lock table ${table} does not exist; create it with createLockTable() or \`delta-serverless create-lock-table --table-name ${table}\``,
      { cause: err },
    );
  }
  return new StorageError(`DynamoDB ${action} on ${table} failed: ${e?.name ?? ''} ${e?.message ?? String(err)}`, {
    cause: err,
  });
}

export class DynamoDbCoordinator implements CommitCoordinator {
  readonly name = 'dynamodb';
  readonly tableName: string;
  readonly tablePath: string;
  private readonly client: DynamoDBClient | (() => Promise<DynamoDBClient>);
  private readonly ttlSeconds: number;
  private readonly conditionalCopy: boolean;

  constructor(opts: DynamoDbCoordinatorOptions) {
    this.client = opts.client;
    this.tableName = opts.tableName ?? DEFAULT_LOCK_TABLE;
    this.tablePath = opts.tablePath.replace(/\/+$/, '');
    this.ttlSeconds = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.conditionalCopy = opts.conditionalCopy ?? true;
  }

  /** The client and the SDK module (both loaded on first use). */
  private async ddb(): Promise<{ client: DynamoDBClient; sdk: DynamoSdkModule }> {
    const [sdk, client] = await Promise.all([
      loadDynamoSdk(),
      typeof this.client === 'function' ? this.client() : this.client,
    ]);
    return { client, sdk };
  }

  /** The same lock table for the table in `folder` of this one (entries keyed by its own path). */
  forSubfolder(folder: string): DynamoDbCoordinator {
    return new DynamoDbCoordinator({
      client: this.client,
      tableName: this.tableName,
      tablePath: `${this.tablePath}/${folder.replace(/^\/+|\/+$/g, '')}`,
      ttlSeconds: this.ttlSeconds,
      conditionalCopy: this.conditionalCopy,
    });
  }

  async commit(store: ObjectStore, version: number, content: Uint8Array): Promise<CommitResult> {
    const fileName = fileNameOf(version);
    const target = `${LOG_DIR}/${fileName}`;
    // (1) The version must not exist (an expired lock entry must not let us overwrite it).
    if (!this.conditionalCopy && (await exists(store, target))) return 'version-exists';
    // (2) Finish the previous commit if its writer stopped half-way.
    if (version > 0) {
      const prev = await this.getEntry(fileNameOf(version - 1));
      if (prev && !prev.complete) await this.complete(store, prev);
    }
    // (3) Temp object, named like Spark's (`.tmp/N.json.<uuid>`, relative to _delta_log).
    const tempPath = `.tmp/${fileName}.${randomUUID()}`;
    await store.put(`${LOG_DIR}/${tempPath}`, content);
    // (4) Claim the version.
    try {
      const ddb = await this.ddb();
      await ddb.client.send(
        new ddb.sdk.PutItemCommand({
          TableName: this.tableName,
          Item: {
            tablePath: { S: this.tablePath },
            fileName: { S: fileName },
            tempPath: { S: tempPath },
            complete: { S: 'false' },
          },
          ConditionExpression: 'attribute_not_exists(fileName)',
        }),
      );
    } catch (err) {
      // Any other failure may still have landed (a lost response): keep the temp file, which
      // recovery then needs to finish the entry.
      if (!isConditionalCheckFailed(err)) throw dynamoError(err, 'PutItem', this.tableName);
      // N is taken. By our own put, when the SDK retried one whose response was lost:
      const owner = await this.getEntry(fileName);
      if (owner?.tempPath === tempPath) return this.finish(store, fileName, target, content);
      // By another writer: help it finish (any reader would), so N.json is there to read
      // when the transaction looks at the winner instead of retrying N until its deadline.
      if (owner && !owner.complete) await this.complete(store, owner);
      await store.deleteMany([`${LOG_DIR}/${tempPath}`]).catch(() => undefined);
      return 'version-exists';
    }
    return this.finish(store, fileName, target, content);
  }

  /** (5) + (6): copy and mark complete. A failure here leaves an incomplete entry that recovery (by us or any other reader/writer) finishes. */
  private async finish(
    store: ObjectStore,
    fileName: string,
    target: string,
    content: Uint8Array,
  ): Promise<CommitResult> {
    const landed = await this.copy(store, target, content);
    await this.markComplete(fileName);
    return landed ? 'committed' : 'version-exists';
  }

  /** Complete the newest entry if its writer did not (run before reading the log). */
  async recover(store: ObjectStore): Promise<void> {
    const latest = await this.latestEntry();
    if (latest && !latest.complete) await this.complete(store, latest);
  }

  /** Newest version recorded in the lock table (undefined when the table has no entry). */
  async latestVersion(): Promise<number | undefined> {
    const e = await this.latestEntry();
    return e ? versionOf(e.fileName) : undefined;
  }

  async latestEntry(): Promise<LockEntry | undefined> {
    try {
      const ddb = await this.ddb();
      const res = await ddb.client.send(
        new ddb.sdk.QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'tablePath = :p',
          ExpressionAttributeValues: { ':p': { S: this.tablePath } },
          ConsistentRead: true,
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      return toEntry(res.Items?.[0]);
    } catch (err) {
      throw dynamoError(err, 'Query', this.tableName);
    }
  }

  async getEntry(fileName: string): Promise<LockEntry | undefined> {
    try {
      const ddb = await this.ddb();
      const res = await ddb.client.send(
        new ddb.sdk.GetItemCommand({
          TableName: this.tableName,
          Key: { tablePath: { S: this.tablePath }, fileName: { S: fileName } },
          ConsistentRead: true,
        }),
      );
      return toEntry(res.Item);
    } catch (err) {
      throw dynamoError(err, 'GetItem', this.tableName);
    }
  }

  /** Recovery of one entry: copy its temp file to N.json if absent, then mark it complete. */
  private async complete(store: ObjectStore, entry: LockEntry): Promise<void> {
    const target = `${LOG_DIR}/${entry.fileName}`;
    const tempKey = tempKeyOf(store, entry.tempPath);
    if (!(await exists(store, target))) {
      let content: Uint8Array;
      try {
        content = await store.get(tempKey);
      } catch (err) {
        if (err instanceof NotFoundError) {
          throw new CommitFailedError(
            `lock-table entry ${entry.fileName} of ${this.tablePath} is incomplete and its temp file ${entry.tempPath} is gone; ` +
              'the commit cannot be recovered. Inspect the lock table entry and the log before writing again.',
          );
        }
        throw err;
      }
      await this.copy(store, target, content);
    }
    await this.markComplete(entry.fileName);
  }

  /** Write N.json without ever overwriting it. True when N.json now holds `content`. */
  private async copy(store: ObjectStore, target: string, content: Uint8Array): Promise<boolean> {
    try {
      await store.put(target, content, { ifNoneMatch: true, contentType: 'application/json' });
      return true;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      const existing = await store.get(target);
      return sameBytes(existing, content);
    }
  }

  private async markComplete(fileName: string): Promise<void> {
    try {
      const ddb = await this.ddb();
      await ddb.client.send(
        new ddb.sdk.UpdateItemCommand({
          TableName: this.tableName,
          Key: { tablePath: { S: this.tablePath }, fileName: { S: fileName } },
          UpdateExpression: 'SET complete = :t, expireTime = :e',
          ExpressionAttributeValues: {
            ':t': { S: 'true' },
            ':e': { N: String(Math.floor(Date.now() / 1000) + this.ttlSeconds) },
          },
        }),
      );
    } catch (err) {
      throw dynamoError(err, 'UpdateItem', this.tableName);
    }
  }
}

function isConditionalCheckFailed(err: unknown): boolean {
  return (
    // By name: the SDK module loads lazily (and may be another copy than the caller's).
    (err as { name?: string })?.name === 'ConditionalCheckFailedException'
  );
}

async function exists(store: ObjectStore, path: string): Promise<boolean> {
  try {
    await store.head(path);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/** A temp path from any writer: relative to _delta_log (Spark `.tmp/N.json.<uuid>`, delta-rs `_commit_<uuid>.json.tmp`) or absolute. */
function tempKeyOf(store: ObjectStore, tempPath: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(.*)$/i.exec(tempPath);
  if (m) {
    const root = store.root.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/?/i, '');
    const key = m[1]!;
    return root && key.startsWith(`${root}/`) ? key.slice(root.length + 1) : key;
  }
  return `${LOG_DIR}/${tempPath.replace(/^\/+/, '')}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
