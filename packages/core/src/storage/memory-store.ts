import { NotFoundError, PreconditionFailedError } from '../errors.js';
import { concatBytes } from '../util/bytes.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { ByteRange, ListOptions, ObjectMeta, ObjectStore, PutOptions } from './object-store.js';

interface Entry {
  data: Uint8Array;
  lastModified: number;
}

/** In-memory ObjectStore for tests and ephemeral tables. */
export class MemoryStore implements ObjectStore {
  readonly root: string;
  private readonly objects = new Map<string, Entry>();
  private readonly clock: Clock;

  /** `clock` stamps objects' modification times (default: the system clock), as a server would. */
  constructor(root = 'memory://', options: { clock?: Clock } = {}) {
    this.root = root.replace(/\/$/, '');
    this.clock = options.clock ?? systemClock;
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    const entry = this.objects.get(path);
    if (!entry) throw new NotFoundError(path);
    return range ? entry.data.slice(range.start, Math.min(range.end, entry.data.length)) : entry.data.slice();
  }

  async head(path: string): Promise<ObjectMeta> {
    const entry = this.objects.get(path);
    if (!entry) throw new NotFoundError(path);
    return { path, size: entry.data.length, lastModified: entry.lastModified };
  }

  async put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    if (options?.ifNoneMatch && this.objects.has(path)) throw new PreconditionFailedError(path);
    this.objects.set(path, { data: data.slice(), lastModified: this.clock.now() });
  }

  async putStream(path: string, chunks: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    await this.put(path, concatBytes(parts), options);
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    const recursive = options?.recursive ?? true;
    const keys = [...this.objects.keys()].filter((k) => {
      if (!k.startsWith(prefix)) return false;
      if (options?.startAfter !== undefined && k <= options.startAfter) return false;
      if (!recursive) {
        const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
        return !k.slice(base.length).includes('/');
      }
      return true;
    });
    keys.sort();
    for (const k of keys) {
      const e = this.objects.get(k);
      if (e) yield { path: k, size: e.data.length, lastModified: e.lastModified };
    }
  }

  async deleteMany(paths: readonly string[]): Promise<void> {
    for (const p of paths) this.objects.delete(p);
  }

  /** Test hook: set an object's modification time (e.g. to age files for VACUUM). */
  setLastModified(path: string, lastModified: number): void {
    const e = this.objects.get(path);
    if (!e) throw new NotFoundError(path);
    e.lastModified = lastModified;
  }
}
