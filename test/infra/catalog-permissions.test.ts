/**
 * The Glue database and the catalog-sync permissions: exactly the four Glue actions sync
 * makes, on the deployment's catalog, database and tables only, and only for the functions
 * whose routes or policies have `catalog`. The handlers' own parsers accept the environment.
 */
import { describe, expect, it } from 'vitest';
import {
  catalogResources,
  catalogStatements,
  CATALOG_SYNC_ACTIONS,
  ingestSyncsCatalog,
  maintenanceSyncsCatalog,
} from '../../infra/catalog-permissions.js';
import { catalogDatabaseName, ingestRoutesEnv, maintenanceTablesEnv, resolveSettings } from '../../infra/config.js';
import { InfraConfigError } from '../../infra/errors.js';
import { ingestStatements, maintenanceStatements, workerStatements } from '../../infra/permissions.js';
import { parsePolicies } from '../../packages/lambda/src/maintenance/policy.js';
import { parseRoutes } from '../../packages/lambda/src/ingest/routes.js';

const PARTS = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };
const cfg = (o: object) => ({ DS_CONFIG: JSON.stringify(o) });

describe('Glue catalog settings and permissions', () => {
  const s = resolveSettings(
    'Prod-EU',
    cfg({
      routes: [
        { prefix: 'sales/', table: 'sales', catalog: true },
        { prefix: 'clicks/', table: 'web/clicks', catalog: { name: 'clicks' } },
        { prefix: 'raw/', table: 'raw' },
      ],
      maintenance: [{ table: 'sales', catalog: true }, { table: 'raw' }],
    }),
  );

  it('one database per stage unless named; names Athena accepts', () => {
    expect(catalogDatabaseName(s)).toBe('delta_serverless_prod_eu');
    expect(catalogDatabaseName(resolveSettings('dev', cfg({ catalogDatabase: 'lake' })))).toBe('lake');
    expect(() => resolveSettings('dev', cfg({ catalogDatabase: 'Lake-1' }))).toThrow(InfraConfigError);
  });

  it('four actions on the catalog, the database and its tables; nothing else', () => {
    expect(catalogStatements(s, PARTS)).toEqual([
      {
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
        resources: [
          'arn:aws:glue:eu-west-1:123456789012:catalog',
          'arn:aws:glue:eu-west-1:123456789012:database/delta_serverless_prod_eu',
          'arn:aws:glue:eu-west-1:123456789012:table/delta_serverless_prod_eu/*',
        ],
      },
    ]);
    expect(CATALOG_SYNC_ACTIONS).not.toContain('glue:CreateDatabase');
    expect(catalogResources(s, { ...PARTS, partition: 'aws-cn' })[0]).toBe(
      'arn:aws-cn:glue:eu-west-1:123456789012:catalog',
    );
  });

  it('granted only to functions that sync; the worker and the base statements have no Glue action', () => {
    expect(ingestSyncsCatalog(s)).toBe(true);
    expect(maintenanceSyncsCatalog(s)).toBe(true);
    const none = resolveSettings('dev', cfg({ routes: [{ prefix: 'a/', table: 'a' }], maintenance: [{ table: 'a' }] }));
    expect(ingestSyncsCatalog(none)).toBe(false);
    expect(maintenanceSyncsCatalog(none)).toBe(false);
    const arns = { bucketArn: 'arn:aws:s3:::b', lockTableArn: 'arn:aws:dynamodb:::table/l' };
    const base = [
      ...ingestStatements(s, { ...arns, queueArn: 'arn:aws:sqs:::q' }),
      ...maintenanceStatements(s, { ...arns, workerArn: 'arn:aws:lambda:::function:w' }),
      ...workerStatements(s, arns),
    ];
    expect(base.flatMap((st) => st.actions).filter((a) => a.startsWith('glue:'))).toEqual([]);
  });

  it("the functions' environments carry { database, name? }, and their parsers accept it", () => {
    const routes = parseRoutes(JSON.parse(ingestRoutesEnv('b1', s)));
    expect(routes.map((r) => r.catalog)).toEqual([
      { database: 'delta_serverless_prod_eu' },
      { database: 'delta_serverless_prod_eu', name: 'clicks' },
      undefined,
    ]);
    const policies = parsePolicies(JSON.parse(maintenanceTablesEnv('b1', s)));
    expect(policies.map((p) => p.catalog)).toEqual([{ database: 'delta_serverless_prod_eu' }, undefined]);
  });
});
