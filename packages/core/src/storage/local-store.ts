import { createReadStream, type Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotFoundError, PreconditionFailedError, StorageError } from '../errors.js';
import type { ByteRange, IncompleteWrite, ListOptions, ObjectMeta, ObjectStore, PutOptions } from './object-store.js';
import { randomIds } from '../util/ids.js';

/** Temp files live beside their target so rename/link stay on one file system. */
const TEMP_PREFIX = '.ds-tmp-';

/**
 * ObjectStore on a local directory. Puts are atomic (temp file + rename); put-if-absent
 * uses `link`, which fails when the target exists, so two processes can never both
 * create the same commit file.
 */
export class LocalStore implements ObjectStore {
  readonly root: string;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = nodePath.resolve(dir);
    this.root = pathToFileURL(this.dir).href.replace(/\/$/, '');
  }

  private full(path: string): string {
    const p = nodePath.join(this.dir, ...path.split('/'));
    if (p !== this.dir && !p.startsWith(this.dir + nodePath.sep)) {
      throw new StorageError(`path escapes the store root: ${path}`);
    }
    return p;
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    const file = this.full(path);
    try {
      if (!range) return new Uint8Array(await fs.readFile(file));
      const handle = await fs.open(file, 'r');
      try {
        const length = Math.max(0, range.end - range.start);
        const buf = new Uint8Array(length);
        let read = 0;
        while (read < length) {
          const { bytesRead } = await handle.read(buf, read, length - read, range.start + read);
          if (bytesRead === 0) break;
          read += bytesRead;
        }
        return read === length ? buf : buf.subarray(0, read);
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw mapError(err, path, 'read');
    }
  }

  /** Stream an object's bytes (used by readers of large CSV/NDJSON objects). */
  stream(path: string): AsyncIterable<Uint8Array> {
    return createReadStream(this.full(path));
  }

  async head(path: string): Promise<ObjectMeta> {
    try {
      const st = await fs.stat(this.full(path));
      if (!st.isFile()) throw new NotFoundError(path);
      return { path, size: st.size, lastModified: Math.floor(st.mtimeMs) };
    } catch (err) {
      throw mapError(err, path, 'stat');
    }
  }

  async put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    await this.putStream(path, [data], options);
  }

  async putStream(
    path: string,
    chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options?: PutOptions,
  ): Promise<void> {
    const target = this.full(path);
    const dir = nodePath.dirname(target);
    const temp = nodePath.join(dir, `${TEMP_PREFIX}${randomIds.uuid()}`);
    try {
      await fs.mkdir(dir, { recursive: true });
      const handle = await fs.open(temp, 'wx');
      try {
        for await (const chunk of chunks) await handle.write(chunk);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (options?.ifNoneMatch) {
        try {
          await fs.link(temp, target);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new PreconditionFailedError(path);
          throw err;
        } finally {
          await fs.rm(temp, { force: true });
        }
      } else {
        await fs.rename(temp, target);
      }
    } catch (err) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw mapError(err, path, 'write');
    }
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    // Walk only the directory that contains the prefix, then sort full keys: the
    // order of a directory walk is not the lexicographic order of keys ('-' < '/').
    const slash = prefix.lastIndexOf('/');
    const baseKey = slash >= 0 ? prefix.slice(0, slash) : '';
    const recursive = options?.recursive ?? true;
    const out: ObjectMeta[] = [];
    const after = options?.startAfter;
    await this.walk(baseKey, recursive, prefix, out, after);
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    yield* out;
  }

  /** Stat the files under `dirKey` that match `prefix` and sort after `after` (the others cost no stat). */
  private async walk(
    dirKey: string,
    recursive: boolean,
    prefix: string,
    out: ObjectMeta[],
    after: string | undefined,
  ): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dirKey ? this.full(dirKey) : this.dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw mapError(err, dirKey, 'list');
    }
    await Promise.all(
      entries.map(async (e) => {
        if (e.name.startsWith(TEMP_PREFIX)) return;
        const key = dirKey ? `${dirKey}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (recursive && (key.startsWith(prefix) || prefix.startsWith(key + '/'))) {
            await this.walk(key, recursive, prefix, out, after);
          }
          return;
        }
        if (!key.startsWith(prefix) || (after !== undefined && key <= after)) return;
        try {
          const st = await fs.stat(this.full(key));
          out.push({ path: key, size: st.size, lastModified: Math.floor(st.mtimeMs) });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw mapError(err, key, 'stat');
        }
      }),
    );
  }

  /** Temp files (`.ds-tmp-*`) under `prefix`, in every directory, hidden ones and `_delta_log` included. */
  async *listIncompleteWrites(prefix: string): AsyncIterable<IncompleteWrite> {
    const pending = [prefix.slice(0, prefix.lastIndexOf('/') + 1).replace(/\/$/, '')];
    while (pending.length > 0) {
      const dirKey = pending.pop()!;
      let entries: Dirent[];
      try {
        entries = await fs.readdir(dirKey ? this.full(dirKey) : this.dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw mapError(err, dirKey, 'list');
      }
      for (const e of entries) {
        const key = dirKey ? `${dirKey}/${e.name}` : e.name;
        if (e.isDirectory()) pending.push(key);
        else if (e.name.startsWith(TEMP_PREFIX) && key.startsWith(prefix)) {
          const st = await fs.stat(this.full(key)).catch(() => undefined);
          if (st) yield { path: key, size: st.size, started: Math.floor(st.mtimeMs) };
        }
      }
    }
  }

  async discardIncompleteWrites(writes: readonly IncompleteWrite[]): Promise<void> {
    const temps = writes.filter((w) => nodePath.basename(w.path).startsWith(TEMP_PREFIX));
    await this.deleteMany(temps.map((w) => w.path));
  }

  async deleteMany(paths: readonly string[]): Promise<void> {
    await Promise.all(
      paths.map(async (p) => {
        try {
          await fs.rm(this.full(p), { force: true });
        } catch (err) {
          throw mapError(err, p, 'delete');
        }
      }),
    );
  }
}

function mapError(err: unknown, path: string, action: string): Error {
  if (err instanceof NotFoundError || err instanceof PreconditionFailedError || err instanceof StorageError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new NotFoundError(path);
  return new StorageError(`local ${action} of ${path} failed: ${(err as Error).message}`, { cause: err });
}
