/**
 * Table URI -> ObjectStore. Local paths and `file://` URIs map to LocalStore, `memory://name`
 * to a process-wide MemoryStore; other schemes (`s3://`, `s3a://`) are provided by packages
 * that register a factory (`@delta-serverless/aws` registers S3).
 */
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../errors.js';
import { LocalStore } from './local-store.js';
import { MemoryStore } from './memory-store.js';
import type { ObjectStore } from './object-store.js';

/** Options for stores, keyed like delta-rs storage options (e.g. `AWS_REGION`). */
export type StorageOptions = Record<string, string | undefined>;

export type StoreFactory = (uri: string, options: StorageOptions) => ObjectStore;

const factories = new Map<string, StoreFactory>();
const memoryStores = new Map<string, MemoryStore>();

/** Register a factory for a URI scheme (without the colon), e.g. `s3`. */
export function registerStoreFactory(scheme: string, factory: StoreFactory): void {
  factories.set(scheme.toLowerCase(), factory);
}

export function uriScheme(uri: string): string | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(uri);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Normalise a table location: local paths become absolute `file://` URIs, no trailing slash. */
export function normaliseTableUri(uri: string): string {
  const scheme = uriScheme(uri);
  if (!scheme || (scheme.length === 1 && process.platform === 'win32')) {
    return `file://${nodePath.resolve(uri)}`.replace(/\/+$/, '');
  }
  return uri.replace(/\/+$/, '');
}

export function storeForUri(uri: string, options: StorageOptions = {}): ObjectStore {
  const normalised = normaliseTableUri(uri);
  const scheme = uriScheme(normalised)!;
  if (scheme === 'file') return new LocalStore(fileURLToPath(normalised));
  if (scheme === 'memory') {
    let store = memoryStores.get(normalised);
    if (!store) memoryStores.set(normalised, (store = new MemoryStore(normalised)));
    return store;
  }
  const factory = factories.get(scheme);
  if (!factory) {
    const hint =
      scheme === 's3' || scheme === 's3a' ? " Import '@delta-serverless/aws' (it registers s3:// and s3a://)." : '';
    throw new InvalidArgumentError(`no storage backend for "${scheme}://" URIs (table ${uri}).${hint}`);
  }
  return factory(normalised, options);
}
