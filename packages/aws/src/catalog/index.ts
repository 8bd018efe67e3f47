// Glue Data Catalog registration of Delta tables.
export { syncCatalog } from './sync.js';
export { describeCatalog } from './show.js';
export { buildTableInput, glueLocation, type TableDescription } from './table-input.js';
export { hiveType } from './hive-types.js';
export {
  CatalogError,
  CatalogNameError,
  CatalogTableConflictError,
  CatalogLocationError,
  CatalogConcurrentUpdateError,
  GlueDatabaseNotFoundError,
  type CatalogHint,
} from './errors.js';
export type {
  CatalogStatus,
  CatalogTableSource,
  CatalogTarget,
  SyncAction,
  SyncCatalogOptions,
  SyncCatalogResult,
} from './types.js';
