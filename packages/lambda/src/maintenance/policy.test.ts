import { describe, expect, it } from 'vitest';
import { MaintenanceConfigError } from '../errors.js';
import { loadPolicies, parsePolicies } from './policy.js';

describe('maintenance policies', () => {
  it('accepts URIs and objects, keeps the settings', () => {
    expect(
      parsePolicies([
        's3://b/tables/a',
        { table: 's3://b/tables/b', optimize: { zOrderBy: ['x', 'y'], maxBins: 10 }, vacuum: { mode: 'full' } },
        { table: 's3://b/tables/c', optimize: false, vacuum: false, checkpoint: false },
      ]),
    ).toMatchObject([
      { table: 's3://b/tables/a' },
      { table: 's3://b/tables/b', optimize: { zOrderBy: ['x', 'y'], maxBins: 10 }, vacuum: { mode: 'full' } },
      { table: 's3://b/tables/c', optimize: false, vacuum: false, checkpoint: false },
    ]);
  });

  it('refuses what it does not understand, naming the entry', () => {
    expect(() => parsePolicies({})).toThrow(MaintenanceConfigError);
    expect(() => parsePolicies([{ optimize: {} }])).toThrow(/entry 0 has no "table"/);
    expect(() => parsePolicies([{ table: 't', vacum: false }])).toThrow(/unknown key "vacum"/);
    expect(() => parsePolicies([{ table: 't', optimize: { maxBins: -1 } }])).toThrow(
      /maxBins must be a whole number of at least 1/,
    );
    expect(() => parsePolicies([{ table: 't', vacuum: { mode: 'deep' } }])).toThrow(/"lite" or "full"/);
    expect(() => parsePolicies([{ table: 't', optimize: { zOrderBy: 'x' } }])).toThrow(/zOrderBy/);
  });

  it('loads from the environment and says what is missing', () => {
    expect(loadPolicies({ DELTA_MAINTENANCE_TABLES: '["s3://b/t"]' })).toEqual([{ table: 's3://b/t' }]);
    expect(() => loadPolicies({})).toThrow(/not set/);
    expect(() => loadPolicies({ DELTA_MAINTENANCE_TABLES: '[' })).toThrow(/not valid JSON/);
  });
});
