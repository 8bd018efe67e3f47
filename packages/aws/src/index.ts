// Public surface of @delta-serverless/aws. Importing it registers s3:// and s3a:// with core.
import { registerS3 } from './factory.js';

registerS3();

export { S3Store, type S3StoreOptions } from './s3-store.js';
export {
  DynamoDbCoordinator,
  DEFAULT_LOCK_TABLE,
  DEFAULT_TTL_SECONDS,
  type DynamoDbCoordinatorOptions,
  type LockEntry,
} from './dynamodb-coordinator.js';
export { createLockTable, type CreateLockTableResult } from './lock-table.js';
export { createS3Store, registerS3, type S3TableOptions } from './factory.js';
export { resolveAwsConfig, type AwsConfig, type LockingProvider } from './config.js';
export { createClients, clientsFor, MAX_SOCKETS, type AwsClients } from './clients.js';
export { RequestCounter, countRequests } from './request-counter.js';
export { getTable, clearTableCache } from './process-tables.js';
export { parseS3Uri, formatS3Uri, type S3Location } from './s3-uri.js';
export { AccessDeniedError } from './errors.js';
export * from './catalog/index.js';
