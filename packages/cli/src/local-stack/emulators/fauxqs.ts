/**
 * fauxqs (S3 + SQS + SNS emulator on fastify) in this process on 127.0.0.1, with three repairs:
 * conditional writes (conditional-writes.ts), listing in S3's UTF-8 key order (fauxqs sorts
 * with `localeCompare` but pages with `<`, which skips keys across pages) and
 * `encoding-type=url` in listings (list-encoding.ts).
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildAppOptions, buildApp } from 'fauxqs';
import { addConditionalWrites } from './conditional-writes.js';
import type { KeyLocks } from './key-locks.js';
import { compareKeys } from './key-order.js';
import { addListEncoding } from './list-encoding.js';
import { persistS3 } from './s3-persistence.js';
import { persistSqs } from './sqs-persistence.js';
import { addObjectCreatedNotifications, type S3NotificationRecord } from './notifications.js';

type Stores = NonNullable<BuildAppOptions['stores']>;
type S3Store = Stores['s3Store'];
type ListOptions = NonNullable<Parameters<S3Store['listObjects']>[1]>;
type ListResult = ReturnType<S3Store['listObjects']>;

interface FauxqsModules {
  buildApp: typeof buildApp;
  S3Store: new () => S3Store;
  SqsStore: new () => Stores['sqsStore'];
  SnsStore: new () => Stores['snsStore'];
}

/** A running fauxqs. */
export interface Fauxqs {
  endpoint: string;
  /** The per-key write locks of the conditional-write guard (for tests). */
  locks: KeyLocks;
  /** Objects loaded from the data directory at start (0 without one). */
  objectsLoaded: number;
  /** With a data directory: put the saved queues' messages back (after the caller made its queues). */
  restoreQueues(): number;
  stop(): Promise<void>;
}

/**
 * fauxqs exports only `buildApp`/`startFauxqs`, and `startFauxqs` binds 0.0.0.0 without a way
 * to add hooks. The store classes are loaded from the package files by URL — app.js included,
 * so both come from one module instance (its router checks `instanceof S3Error`).
 */
async function loadFauxqs(): Promise<FauxqsModules> {
  const dist = join(findPackageDir('fauxqs'), 'dist');
  const load = async (file: string): Promise<Record<string, unknown>> =>
    (await import(pathToFileURL(join(dist, file)).href)) as Record<string, unknown>;
  const [app, s3, sqs, sns] = await Promise.all([
    load('app.js'),
    load('s3/s3Store.js'),
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
  ]);
  return {
    buildApp: app['buildApp'] as FauxqsModules['buildApp'],
    S3Store: s3['S3Store'] as FauxqsModules['S3Store'],
    SqsStore: sqs['SqsStore'] as FauxqsModules['SqsStore'],
    SnsStore: sns['SnsStore'] as FauxqsModules['SnsStore'],
  };
}

/** The directory of an installed package, found the way Node looks up node_modules. */
function findPackageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`${name} is not installed: run \`pnpm install\` (it is a dependency of @delta-serverless/cli)`);
    dir = parent;
  }
}

/** Replaces the store's listing with one in UTF-8 key order, built on its public API. */
function fixListingOrder(store: S3Store): void {
  const listAll = store.listObjects.bind(store);
  store.listObjects = (bucket: string, options?: ListOptions): ListResult => {
    const prefix = options?.prefix ?? '';
    const delimiter = options?.delimiter;
    const maxKeys = options?.maxKeys ?? 1000;
    const after = options?.startAfter || options?.marker || '';
    // Every key under the prefix (throws NoSuchBucket like the original).
    const all = listAll(bucket, { prefix, maxKeys: Number.POSITIVE_INFINITY }).objects;
    all.sort((a, b) => compareKeys(a.key, b.key));
    const objects: typeof all = [];
    const prefixes: string[] = [];
    let isTruncated = false;
    for (const obj of all) {
      if (after && compareKeys(obj.key, after) <= 0) continue;
      let common: string | undefined;
      if (delimiter) {
        const at = obj.key.indexOf(delimiter, prefix.length);
        if (at >= 0) common = obj.key.slice(0, at + delimiter.length);
      }
      if (common !== undefined) {
        if (common === prefixes[prefixes.length - 1]) continue; // keys of a prefix are adjacent
        if (after && compareKeys(common, after) <= 0) continue;
      }
      if (objects.length + prefixes.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      if (common !== undefined) prefixes.push(common);
      else objects.push(obj);
    }
    return { objects, commonPrefixes: prefixes, isTruncated };
  };
}

/** Options of startFauxqs. */
export interface FauxqsOptions {
  /** Receives an S3 notification record after every object write (fauxqs has no notifications). */
  onObjectCreated?: (record: S3NotificationRecord) => void;
  /** Region named in notification records (default us-east-1). */
  region?: string;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Keep objects (`<dir>/s3/`) and queued messages (`<dir>/sqs.json`) here across restarts. */
  dataDir?: string;
}

/** Starts fauxqs with conditional writes on 127.0.0.1 (a free port unless `port` is given). */
export async function startFauxqs(options: FauxqsOptions = {}): Promise<Fauxqs> {
  const m = await loadFauxqs();
  const s3Store = new m.S3Store();
  fixListingOrder(s3Store);
  const objectsLoaded = options.dataDir ? persistS3(s3Store, join(options.dataDir, 's3')) : 0;
  const sqsStore = new m.SqsStore();
  // Empty host: queue URLs use the request's Host (127.0.0.1:port), not sqs.<region>.localhost.
  sqsStore.host = '';
  const queues = options.dataDir ? persistSqs(sqsStore, join(options.dataDir, 'sqs.json')) : undefined;
  const app = m.buildApp({ logger: false, stores: { s3Store, sqsStore, snsStore: new m.SnsStore() } });
  const locks = addConditionalWrites(app, s3Store);
  addListEncoding(app);
  if (options.onObjectCreated)
    addObjectCreatedNotifications(app, s3Store, options.region ?? 'us-east-1', options.onObjectCreated);
  let address: string;
  try {
    address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  } catch (err) {
    queues?.stop();
    throw err;
  }
  const endpoint = address.replace('localhost', '127.0.0.1');
  return {
    endpoint,
    locks,
    objectsLoaded,
    restoreQueues: () => queues?.restore(new URL(endpoint).host, options.region ?? 'us-east-1') ?? 0,
    stop: async () => {
      queues?.stop();
      // Keep-alive sockets of SDK clients would hold close() open.
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
