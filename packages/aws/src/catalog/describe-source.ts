/** The Delta version a sync describes: from a table handle, a snapshot or a URI. */
import { DeltaTable, Snapshot } from '@delta-serverless/core';
import { CatalogLocationError } from './errors.js';
import { glueLocation, type TableDescription } from './table-input.js';
import type { CatalogTableSource, SyncCatalogOptions } from './types.js';

/** The latest snapshot (a table handle is refreshed; a snapshot is taken as it is). */
export async function resolveSnapshot(
  source: CatalogTableSource,
  opts: Pick<SyncCatalogOptions, 'storageOptions'>,
): Promise<Snapshot> {
  if (source instanceof Snapshot) return source;
  if (source instanceof DeltaTable) return source.refresh();
  // The catalog needs schema, partitioning and properties, not the file list.
  return (await DeltaTable.open(source, { storageOptions: opts.storageOptions, lazyFiles: true })).snapshot;
}

export function describeSnapshot(snapshot: Snapshot): TableDescription {
  if (!/^s3a?:\/\//i.test(snapshot.uri)) throw new CatalogLocationError(snapshot.uri);
  return {
    location: glueLocation(snapshot.uri),
    version: snapshot.version,
    timestamp: snapshot.timestamp,
    metadata: snapshot.metadata,
    protocol: snapshot.protocol,
  };
}
