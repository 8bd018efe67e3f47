/** Options and results of catalog sync (Glue Data Catalog registration of Delta tables). */
import type { DeltaTable, Snapshot, StorageOptions } from '@delta-serverless/core';
import type { AwsClients } from '../clients.js';

/** A table to register: an open table (refreshed to its latest version first), one of its snapshots, or a table URI. */
export type CatalogTableSource = DeltaTable | Snapshot | string;

export interface CatalogTarget {
  /** Glue database. */
  database: string;
  /**
   * Glue table name (lowercase letters, digits, underscores). Default: the table's Delta name
   * (`metaData.name`), else the last segment of its path, lowercased, other characters as `_`.
   */
  name?: string;
  /** Data Catalog ID (AWS account) when it is not the caller's own. */
  catalogId?: string;
}

export interface SyncCatalogOptions extends CatalogTarget {
  /** Create the Glue database when it does not exist (default false: fail, naming it). */
  createDatabase?: boolean;
  /** Region, endpoint (`AWS_ENDPOINT_URL_GLUE`), credentials: delta-rs option names, else the environment. */
  storageOptions?: StorageOptions;
  /** Use these clients (request counting, tests) instead of the shared ones for the configuration. */
  clients?: AwsClients;
}

/**
 * `created`: there was no Glue table. `updated`: it differed (the `changes`). `unchanged`: it
 * already matched; no write was made. `newer`: Glue already describes a later version of the
 * table (another writer synced after this one read the table); left alone.
 */
export type SyncAction = 'created' | 'updated' | 'unchanged' | 'newer';

export interface SyncCatalogResult {
  action: SyncAction;
  database: string;
  name: string;
  /** The Glue table's location (the table root, `s3://`). */
  location: string;
  /** The Delta version described. */
  version: number;
  /** What differed (empty unless `updated`), e.g. `columns`, `parameter delta.appendOnly`. */
  changes: string[];
  /** The Glue database was created by this sync. */
  createdDatabase: boolean;
}

export interface CatalogStatus {
  database: string;
  name: string;
  /** The Glue table exists. */
  registered: boolean;
  /** Registered and matching the table's current metadata (a sync would write nothing). */
  inSync: boolean;
  /** What a sync would change (`table` when it is not registered). */
  differences: string[];
  /** The Delta version the comparison used. */
  version: number;
  /** What Glue holds, when registered. */
  glue?: {
    location?: string;
    tableType?: string;
    columns: { name: string; type: string; comment?: string }[];
    partitionKeys: string[];
    parameters: Record<string, string>;
    updateTime?: Date;
    /** `delta.lastUpdateVersion` recorded by the last sync. */
    lastSyncedVersion?: number;
  };
}
