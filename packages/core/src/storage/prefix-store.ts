/**
 * A store rooted at a folder of another store: every key is `<prefix>/<key>` in the inner
 * store, and listings come back relative to the folder. It carries the inner store's commit
 * coordinator, made for the folder's table, so a table kept inside another table's folder (the
 * change-stream route's remembered deletes, `_cdc_tombstones/`) commits the way the outer table
 * does, under its own versions.
 */
import { StorageError } from '../errors.js';
import type { ByteRange, CommitCoordinator, ListOptions, ObjectMeta, ObjectStore, PutOptions } from './object-store.js';

export class PrefixStore implements ObjectStore {
  readonly root: string;
  readonly commitCoordinator?: CommitCoordinator;
  private readonly prefix: string;

  /** `folder`: a key prefix of `inner` without leading or trailing slash (`_cdc_tombstones`). */
  constructor(
    private readonly inner: ObjectStore,
    folder: string,
  ) {
    this.prefix = `${folder.replace(/^\/+|\/+$/g, '')}/`;
    this.root = `${inner.root}/${this.prefix.slice(0, -1)}`;
    const coordinator = inner.commitCoordinator;
    if (coordinator && !coordinator.forSubfolder)
      throw new StorageError(
        `the ${coordinator.name} commit coordinator of ${inner.root} cannot commit to a table in its folder ` +
          `${this.prefix}; use put-if-absent commits (S3 conditional writes) for this table`,
      );
    this.commitCoordinator = coordinator?.forSubfolder!(this.prefix.slice(0, -1));
  }

  get(path: string, range?: ByteRange): Promise<Uint8Array> {
    return this.inner.get(this.prefix + path, range);
  }

  async head(path: string): Promise<ObjectMeta> {
    return this.strip(await this.inner.head(this.prefix + path));
  }

  put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    return this.inner.put(this.prefix + path, data, options);
  }

  putStream(path: string, chunks: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<void> {
    return this.inner.putStream(this.prefix + path, chunks, options);
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    const startAfter = options?.startAfter === undefined ? undefined : this.prefix + options.startAfter;
    for await (const m of this.inner.list(this.prefix + prefix, { ...options, startAfter })) yield this.strip(m);
  }

  deleteMany(paths: readonly string[]): Promise<void> {
    return this.inner.deleteMany(paths.map((p) => this.prefix + p));
  }

  private strip(m: ObjectMeta): ObjectMeta {
    return { ...m, path: m.path.startsWith(this.prefix) ? m.path.slice(this.prefix.length) : m.path };
  }
}
