/** The `catalog` key of ingest routes and maintenance policies: validated at cold start. */
import { describe, expect, test } from 'vitest';
import { parsePolicies } from './maintenance/policy.js';
import { parseRoutes } from './ingest/routes.js';

const route = { prefix: 's3://landing/in/', table: 's3://lake/tables/t' };

describe('catalog configuration', () => {
  test('routes and policies carry { database, name?, catalogId? }', () => {
    expect(parseRoutes([{ ...route, catalog: { database: 'lake', name: 'events' } }])[0]!.catalog).toEqual({
      database: 'lake',
      name: 'events',
    });
    expect(parsePolicies([{ table: route.table, catalog: { database: 'lake' } }])[0]!.catalog).toEqual({
      database: 'lake',
    });
  });

  test('bad values fail loudly, naming the route or entry', () => {
    expect(() => parseRoutes([{ ...route, catalog: 'lake' }])).toThrow(
      'ingest route 0: catalog must be an object { database, name? }',
    );
    expect(() => parseRoutes([{ ...route, catalog: { name: 'x' } }])).toThrow(
      'ingest route 0: catalog.database must be a Glue database name',
    );
    expect(() => parseRoutes([{ ...route, catalog: { database: 'lake', table: 'x' } }])).toThrow(
      'catalog has unknown keys table',
    );
    expect(() =>
      parseRoutes([
        { ...route, catalog: { database: 'a' } },
        { ...route, prefix: 's3://landing/other/', catalog: { database: 'b' } },
      ]),
    ).toThrow('name different catalog registrations');
    expect(() => parsePolicies([{ table: route.table, catalog: { database: '' } }])).toThrow(
      'DELTA_MAINTENANCE_TABLES: entry 0 catalog.database must be a Glue database name',
    );
  });
});
