/**
 * The one I/O boundary of the engine. Every read and write of a table goes through an
 * ObjectStore, so the protocol code runs the same on local disk, memory and S3.
 *
 * Paths are keys relative to the store's root, `/`-separated and already URI-decoded
 * (`_delta_log/00000000000000000000.json`, `a=1/part-0.parquet`).
 */

export interface ObjectMeta {
  /** Key relative to the store root. */
  path: string;
  size: number;
  /** Milliseconds since the epoch. */
  lastModified: number;
  etag?: string;
}

/** Byte range, `end` exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  /** Create only if absent; a present object makes the put throw PreconditionFailedError. */
  ifNoneMatch?: boolean;
  contentType?: string;
}

export interface ListOptions {
  /** Only keys lexicographically greater than this full key. */
  startAfter?: string;
  /** List the whole subtree (default) or only direct children (objects, no "directories"). */
  recursive?: boolean;
}

/**
 * What a write that never finished left behind, invisible to `list`: a LocalStore temp file
 * (`.ds-tmp-*`, beside its target), an S3 incomplete multipart upload.
 */
export interface IncompleteWrite {
  /** The temp file's key (local) or the key the upload was for (S3), relative to the root. */
  path: string;
  /** Bytes held, when known (0 for an S3 upload: its parts are not listed). */
  size: number;
  /** When the write started or last wrote, ms since the epoch. */
  started: number;
  /** Store-specific handle (the S3 UploadId). */
  handle?: string;
}

export type CommitResult = 'committed' | 'version-exists';

/**
 * Makes "create `_delta_log/<version>.json` only if absent" atomic on a store. The default
 * (transaction/coordinator.ts) is a put with `ifNoneMatch`; the AWS package adds Delta Spark's
 * DynamoDB lock table. Declared here because a store carries the coordinator its tables use.
 */
export interface CommitCoordinator {
  readonly name: string;
  /** Atomically create commit `version` with `content`; 'version-exists' when another writer has it. */
  commit(store: ObjectStore, version: number, content: Uint8Array): Promise<CommitResult>;
  /** Repair an interrupted commit protocol before reading or writing (no-op for put-if-absent). */
  recover?(store: ObjectStore): Promise<void>;
  /**
   * The coordinator of another table kept in `folder` under this table's root (PrefixStore:
   * the change-stream route's `_cdc_tombstones`). A coordinator bound to one table (the DynamoDB
   * lock table keys entries by table path) must give one for the folder's table.
   */
  forSubfolder?(folder: string): CommitCoordinator;
}

export interface ObjectStore {
  /** URI of the root, e.g. `file:///data/t` or `s3://bucket/t`, without trailing slash. */
  readonly root: string;

  /**
   * How commits to a table in this store are made atomic. Absent: put-if-absent of
   * `N.json` through `put(..., { ifNoneMatch: true })`. The AWS package sets the DynamoDB
   * lock-table coordinator here when configured, so every reader and writer of the table
   * uses (and recovers) the same protocol.
   */
  readonly commitCoordinator?: CommitCoordinator;

  /** Whole object or a byte range. Throws NotFoundError. */
  get(path: string, range?: ByteRange): Promise<Uint8Array>;

  /** Metadata only. Throws NotFoundError. */
  head(path: string): Promise<ObjectMeta>;

  /** Write a whole object atomically (readers never see a partial object). */
  put(path: string, data: Uint8Array, options?: PutOptions): Promise<void>;

  /** Write an object from a stream of chunks in bounded memory. */
  putStream(path: string, chunks: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<void>;

  /** Keys under `prefix` (a key prefix, not necessarily a directory), in ascending key order. */
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta>;

  /** Delete keys; keys that do not exist are ignored. */
  deleteMany(paths: readonly string[]): Promise<void>;

  /**
   * Leftovers of writes under `prefix` that never finished (a writer killed mid-write), for
   * VACUUM full to reclaim once they are older than its retention. Stores that leave none omit it.
   */
  listIncompleteWrites?(prefix: string): AsyncIterable<IncompleteWrite>;

  /** Remove leftovers returned by `listIncompleteWrites` (gone ones are ignored). */
  discardIncompleteWrites?(writes: readonly IncompleteWrite[]): Promise<void>;
}

/** Collect a listing into an array. */
export async function listAll(store: ObjectStore, prefix: string, options?: ListOptions): Promise<ObjectMeta[]> {
  const out: ObjectMeta[] = [];
  for await (const meta of store.list(prefix, options)) out.push(meta);
  return out;
}
