/** Opens the table stores of the maintenance function and the optimize worker. */
import { createS3Store, type AwsClients } from '@delta-serverless/aws';
import { storeForUri, type ObjectStore, type StorageOptions } from '@delta-serverless/core';

/** Opens table stores: s3:// through the AWS package (shared clients), anything else through core. */
export function tableStores(clients?: AwsClients, storageOptions?: StorageOptions): (uri: string) => ObjectStore {
  return (uri) =>
    /^s3a?:\/\//.test(uri) ? createS3Store(uri, { clients, storageOptions }) : storeForUri(uri, storageOptions);
}
