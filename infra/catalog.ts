/**
 * The Glue database that Athena, Trino and Spark/EMR find the tables in, and the Glue
 * permissions of the functions that keep the registrations in sync (attached to their roles
 * here, so the function components stay as they are).
 */
import { catalogDatabaseName, type Settings } from './config.js';
import { catalogStatements, ingestSyncsCatalog, maintenanceSyncsCatalog } from './catalog-permissions.js';

export interface CatalogDeps {
  ingest: sst.aws.Function;
  maintenance: sst.aws.Function;
}

/** Create the database; grant the syncing functions their Glue actions on it. */
export function createCatalog(settings: Settings, { ingest, maintenance }: CatalogDeps) {
  const database = new aws.glue.CatalogDatabase('CatalogDatabase', {
    name: catalogDatabaseName(settings),
    description: `Delta tables of delta-serverless (stage ${settings.stage}); kept in sync by its functions`,
  });
  const region = aws.getRegionOutput();
  const identity = aws.getCallerIdentityOutput();
  const partition = aws.getPartitionOutput();
  const policy = $resolve([region.name, identity.accountId, partition.partition]).apply(
    ([regionName, accountId, part]) => {
      const statements = catalogStatements(settings, { partition: part, region: regionName, accountId });
      return JSON.stringify({
        Version: '2012-10-17',
        Statement: statements.map((st) => ({ Effect: 'Allow', Action: st.actions, Resource: st.resources })),
      });
    },
  );
  const grant = (name: string, fn: sst.aws.Function) =>
    new aws.iam.RolePolicy(name, { role: fn.nodes.role.name, policy }, { dependsOn: [database] });
  const grants = [
    ...(ingestSyncsCatalog(settings) ? [grant('IngestCatalogSync', ingest)] : []),
    ...(maintenanceSyncsCatalog(settings) ? [grant('MaintenanceCatalogSync', maintenance)] : []),
  ];
  return { database, grants };
}
