/**
 * Glue permissions of the functions that keep registrations in sync, as pure data (tests
 * inspect them without AWS). Catalog sync calls GetTable, then CreateTable or UpdateTable,
 * and GetDatabase before a create; Glue authorises each of these on the catalog, the
 * database and the table ARN together, so exactly those three, for the deployment's
 * database only. The functions never create databases (infra/catalog.ts does).
 */
import { catalogDatabaseName, type Settings } from './config.js';
import type { Statement } from './permissions.js';

export const CATALOG_SYNC_ACTIONS = ['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'];

export interface CatalogArnParts {
  partition: string;
  region: string;
  accountId: string;
}

/** The catalog, the deployment's database and its tables. */
export function catalogResources(s: Settings, p: CatalogArnParts): string[] {
  const base = `arn:${p.partition}:glue:${p.region}:${p.accountId}`;
  const db = catalogDatabaseName(s);
  return [`${base}:catalog`, `${base}:database/${db}`, `${base}:table/${db}/*`];
}

export function catalogStatements(s: Settings, p: CatalogArnParts): Statement[] {
  return [{ actions: [...CATALOG_SYNC_ACTIONS], resources: catalogResources(s, p) }];
}

/** The ingest function syncs when a route has `catalog`. */
export function ingestSyncsCatalog(s: Settings): boolean {
  return s.routes.some((r) => r.catalog !== undefined);
}

/** The maintenance function syncs when a policy has `catalog` (the worker never does). */
export function maintenanceSyncsCatalog(s: Settings): boolean {
  return s.maintenance.some((m) => m.catalog !== undefined);
}
