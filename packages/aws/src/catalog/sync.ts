/**
 * syncCatalog: register a Delta table in the Glue Data Catalog, or bring its registration up
 * to date. Plan (pure: the wanted Glue table, the differences) -> execute (at most one write).
 * Idempotent: when Glue already matches, the only call is GetTable.
 */
import { clientsFor } from '../clients.js';
import { resolveAwsConfig } from '../config.js';
import { describeSnapshot, resolveSnapshot } from './describe-source.js';
import { foreignTableReason, glueIsNewer, mergedTableInput, tableDifferences } from './diff.js';
import { CatalogConcurrentUpdateError, CatalogTableConflictError, GlueDatabaseNotFoundError } from './errors.js';
import { createDatabase, createTable, databaseExists, getTable, updateTable, type GlueRef } from './glue-calls.js';
import { checkName, defaultTableName } from './names.js';
import { buildTableInput, type TableDescription } from './table-input.js';
import type { CatalogTableSource, SyncCatalogOptions, SyncCatalogResult } from './types.js';

/** Rounds of read-compare-write when other writers keep changing the Glue table. */
const MAX_ATTEMPTS = 5;

/** The Glue client and the names, from the options (shared with describeCatalog). */
export async function glueRef(
  description: Pick<TableDescription, 'metadata' | 'location'>,
  opts: SyncCatalogOptions,
): Promise<GlueRef> {
  const clients = opts.clients ?? clientsFor(resolveAwsConfig(opts.storageOptions));
  return {
    client: await clients.glue(),
    catalogId: opts.catalogId,
    database: checkName('database', opts.database),
    name:
      opts.name !== undefined
        ? checkName('table', opts.name)
        : defaultTableName(description.metadata.name, description.location),
  };
}

/** Create the Glue table (and the database when asked); undefined when one appeared meanwhile. */
async function register(
  ref: GlueRef,
  description: TableDescription,
  opts: SyncCatalogOptions,
): Promise<SyncCatalogResult | undefined> {
  let createdDatabase = false;
  if (!(await databaseExists(ref))) {
    if (!opts.createDatabase) throw new GlueDatabaseNotFoundError(ref.database);
    createdDatabase = await createDatabase(ref);
  }
  if (!(await createTable(ref, buildTableInput(ref.name, description)))) return undefined;
  return result(ref, description, 'created', [], createdDatabase);
}

function result(
  ref: GlueRef,
  d: TableDescription,
  action: SyncCatalogResult['action'],
  changes: string[],
  createdDatabase = false,
): SyncCatalogResult {
  return {
    action,
    database: ref.database,
    name: ref.name,
    location: d.location,
    version: d.version,
    changes,
    createdDatabase,
  };
}

/**
 * Register `source` in Glue as a Delta table that Athena, Trino, Spark and EMR read (the
 * shape is in table-input.ts), or update the registration when its schema, properties or
 * location changed. Refuses to overwrite a Glue table that is not this Delta table.
 */
export async function syncCatalog(source: CatalogTableSource, opts: SyncCatalogOptions): Promise<SyncCatalogResult> {
  const description = describeSnapshot(await resolveSnapshot(source, opts));
  const ref = await glueRef(description, opts);
  const want = buildTableInput(ref.name, description);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const have = await getTable(ref);
    if (!have) {
      const created = await register(ref, description, opts);
      if (created) return created;
      continue; // created concurrently: compare with what is there now
    }
    const foreign = foreignTableReason(have, description.location);
    if (foreign) throw new CatalogTableConflictError(ref.database, ref.name, foreign);
    if (glueIsNewer(have, description.version, description.timestamp)) return result(ref, description, 'newer', []);
    const changes = tableDifferences(want, have);
    if (changes.length === 0) return result(ref, description, 'unchanged', []);
    if (await updateTable(ref, mergedTableInput(want, have), have.VersionId))
      return result(ref, description, 'updated', changes);
  }
  throw new CatalogConcurrentUpdateError(ref.database, ref.name, MAX_ATTEMPTS);
}
