/**
 * `s3://` and `s3a://` table URIs -> S3Store with the configured commit coordinator.
 * Importing `@delta-serverless/aws` registers this with core's store registry, so
 * `DeltaTable.open('s3://bucket/table')` and the CLI work on S3 tables.
 */
import { registerStoreFactory, type StorageOptions } from '@delta-serverless/core';
import { clientsFor, type AwsClients } from './clients.js';
import { resolveAwsConfig } from './config.js';
import { DynamoDbCoordinator } from './dynamodb-coordinator.js';
import { S3Store } from './s3-store.js';
import { formatS3Uri, parseS3Uri } from './s3-uri.js';

export interface S3TableOptions {
  storageOptions?: StorageOptions;
  /** Use these clients (tests, request accounting) instead of the shared ones. */
  clients?: AwsClients;
}

export function createS3Store(uri: string, opts: S3TableOptions = {}): S3Store {
  const config = resolveAwsConfig(opts.storageOptions);
  const clients = opts.clients ?? clientsFor(config);
  const location = parseS3Uri(uri);
  const coordinator =
    config.lockingProvider === 'dynamodb'
      ? new DynamoDbCoordinator({
          client: clients.dynamo,
          tableName: config.lockTableName,
          tablePath: formatS3Uri(location, config.tablePathScheme ?? location.scheme),
        })
      : undefined;
  return new S3Store({ client: clients.s3, location, commitCoordinator: coordinator });
}

let registered = false;

/** Register `s3://` and `s3a://` with core (idempotent; done on import). */
export function registerS3(): void {
  if (registered) return;
  registered = true;
  const factory = (uri: string, storageOptions: StorageOptions) => createS3Store(uri, { storageOptions });
  registerStoreFactory('s3', factory);
  registerStoreFactory('s3a', factory);
}
