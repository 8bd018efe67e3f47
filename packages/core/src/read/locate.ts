/** Where a data file named in the log lives: a key in the table's store, or another store. */
import { resolveLogPath } from '../protocol/paths.js';
import type { ObjectStore } from '../storage/object-store.js';
import { storeForUri } from '../storage/registry.js';

export interface FileLocation {
  store: ObjectStore;
  key: string;
}

export function locateFile(tableStore: ObjectStore, logPath: string): FileLocation {
  const resolved = resolveLogPath(tableStore.root, logPath);
  if ('key' in resolved) return { store: tableStore, key: resolved.key };
  // An absolute path outside the table root (shallow clones, imported files).
  const slash = resolved.uri.lastIndexOf('/');
  return { store: storeForUri(resolved.uri.slice(0, slash)), key: resolved.uri.slice(slash + 1) };
}
