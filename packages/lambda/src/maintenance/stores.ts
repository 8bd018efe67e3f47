/** Opens the table stores of the maintenance function and the optimize worker. */
import { createS3Store, type AwsClients } from '@delta-serverless/aws';
import { storeForUri, type ObjectStore, type StorageOptions } from '@delta-serverless/core';

/** Told when a delete fails; the error still reaches the caller. */
export type DeleteErrorListener = (err: unknown, paths: readonly string[], root: string) => void;

/**
 * Opens table stores: s3:// through the AWS package (shared clients), anything else through
 * core. With `onDeleteError`, every failed delete is reported before it is thrown: the engine
 * drops the errors of its clean-up deletes (files of a failed bin or commit), and those files
 * would otherwise stay as orphans without a trace.
 */
export function tableStores(
  clients?: AwsClients,
  storageOptions?: StorageOptions,
  onDeleteError?: DeleteErrorListener,
): (uri: string) => ObjectStore {
  return (uri) => {
    const store = /^s3a?:\/\//.test(uri)
      ? createS3Store(uri, { clients, storageOptions })
      : storeForUri(uri, storageOptions);
    return onDeleteError ? reportingDeletes(store, onDeleteError) : store;
  };
}

function reportingDeletes(store: ObjectStore, onDeleteError: DeleteErrorListener): ObjectStore {
  return {
    root: store.root,
    commitCoordinator: store.commitCoordinator,
    get: (path, range) => store.get(path, range),
    head: (path) => store.head(path),
    put: (path, data, options) => store.put(path, data, options),
    putStream: (path, chunks, options) => store.putStream(path, chunks, options),
    list: (prefix, options) => store.list(prefix, options),
    deleteMany: async (paths) => {
      try {
        await store.deleteMany(paths);
      } catch (err) {
        onDeleteError(err, paths, store.root);
        throw err;
      }
    },
  };
}
