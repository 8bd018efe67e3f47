/// <reference path="./.sst/platform/config.d.ts" />
/**
 * SST app for delta-serverless: the data bucket, the DynamoDB lock table, the ingest queue and
 * function, scheduled maintenance and their least-privilege permissions (infra/README.md).
 * Settings: infra/config.ts (defaults, per-stage overrides, DS_CONFIG).
 */
export default $config({
  app(input) {
    return {
      name: 'delta-serverless',
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      home: 'aws',
    };
  },
  async run() {
    // Imported here, not at the top: the components use SST globals that exist only inside run().
    const { resolveSettings } = await import('./infra/config.js');
    const { createStorage } = await import('./infra/storage.js');
    const { createLockTable } = await import('./infra/lock-table.js');
    const { createQueues } = await import('./infra/queues.js');
    const { createIngest } = await import('./infra/ingest.js');
    const { createMaintenance } = await import('./infra/maintenance.js');
    const { configPlacement } = await import('./infra/environment.js');
    const { createCatalog } = await import('./infra/catalog.js');

    const settings = resolveSettings($app.stage);
    // Routes and policies go in the environment, or in S3 objects when they would not fit in 4 KB.
    const placement = configPlacement(settings, $app.name);
    const { bucket } = createStorage(settings);
    const { lockTable } = createLockTable();
    const { queue, dlq } = createQueues(settings, bucket);
    const { ingest } = createIngest(settings, { bucket, lockTable, queue }, placement.ingest);
    const { maintenance, worker } = createMaintenance(settings, { bucket, lockTable }, placement.maintenance);
    const { database } = createCatalog(settings, { ingest, maintenance });

    return {
      bucket: bucket.name,
      lockTable: lockTable.name,
      ingestQueue: queue.url,
      ingestDeadLetterQueue: dlq.url,
      ingestFunction: ingest.name,
      maintenanceFunction: maintenance.name,
      optimizeWorkerFunction: worker.name,
      landingPrefix: settings.landingPrefix,
      tablesPrefix: settings.tablesPrefix,
      glueDatabase: database.name,
    };
  },
});
