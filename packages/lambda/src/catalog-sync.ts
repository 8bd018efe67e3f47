/**
 * Glue Data Catalog upkeep from the ingest and maintenance functions. A route or table policy
 * with `catalog: { database, name? }` keeps the table's Glue registration in sync:
 * - ingest syncs after a commit that changed the metadata (the table was created, or an
 *   object added columns); commits that only add files make no Glue call;
 * - maintenance syncs each run (one GetTable when nothing changed), which also repairs a
 *   registration an ingest could not update.
 * A failed sync never fails the commit or the messages: it is logged and counted.
 */
import { syncCatalog, type AwsClients, type SyncCatalogResult } from '@delta-serverless/aws';
import type { DeltaTable, Snapshot, StorageOptions } from '@delta-serverless/core';

/** Where a table is registered: the `catalog` key of a route or a maintenance policy. */
export interface CatalogConfig {
  /** Glue database (created by the deployment; the functions do not create databases). */
  database: string;
  /** Glue table name; default: the table's Delta name, else its last path segment. */
  name?: string;
  /** Data Catalog ID, when the catalog is in another account. */
  catalogId?: string;
}

/** Validate a `catalog` value from configuration; `where` names it in the error. */
export function parseCatalogConfig(raw: unknown, where: string, fail: (msg: string) => never): CatalogConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(`${where} must be an object { database, name? }`);
  const c = raw as Record<string, unknown>;
  const extra = Object.keys(c).filter((k) => !['database', 'name', 'catalogId'].includes(k));
  if (extra.length > 0) fail(`${where} has unknown keys ${extra.join(', ')}; allowed: database, name, catalogId`);
  if (typeof c['database'] !== 'string' || c['database'] === '') fail(`${where}.database must be a Glue database name`);
  for (const k of ['name', 'catalogId'])
    if (c[k] !== undefined && (typeof c[k] !== 'string' || c[k] === '')) fail(`${where}.${k} must be a string`);
  return {
    database: c['database'],
    ...(c['name'] !== undefined ? { name: c['name'] as string } : {}),
    ...(c['catalogId'] !== undefined ? { catalogId: c['catalogId'] as string } : {}),
  };
}

/** Sync one table; `clients` / `storageOptions` as the function's other AWS calls. */
export type CatalogSyncer = (table: DeltaTable | Snapshot, catalog: CatalogConfig) => Promise<SyncCatalogResult>;

export function catalogSyncer(clients?: AwsClients, storageOptions?: StorageOptions): CatalogSyncer {
  return (table, catalog) => syncCatalog(table, { ...catalog, clients, storageOptions });
}
