import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { IngestConfigError } from '../errors.js';
import { loadRoutes, matchRoute, parseRoutes } from './routes.js';

describe('routes', () => {
  test('parses, defaults and matches the longest bucket+key prefix', () => {
    const routes = parseRoutes([
      { prefix: 's3://landing/events/', table: 's3://lake/tables/events/' },
      {
        prefix: 's3://landing/events/clicks/',
        table: 's3://lake/tables/clicks',
        format: 'ndjson',
        schemaMode: 'merge',
        timePartition: { column: 'date', from: 'ts', granularity: 'day' },
      },
    ]);
    expect(routes[0]).toMatchObject({
      bucket: 'landing',
      keyPrefix: 'events/',
      table: 's3://lake/tables/events',
      schemaMode: 'strict',
      mode: 'rewrite',
      partitionBy: [],
    });
    expect(routes[1]!.partitionBy).toEqual(['date']);
    expect(matchRoute(routes, { bucket: 'landing', key: 'events/clicks/a.json' })?.table).toBe(
      's3://lake/tables/clicks',
    );
    expect(matchRoute(routes, { bucket: 'landing', key: 'events/x.csv' })?.table).toBe('s3://lake/tables/events');
    expect(matchRoute(routes, { bucket: 'other', key: 'events/x.csv' })).toBeUndefined();
    expect(matchRoute(routes, { bucket: 'landing', key: 'evil/x.csv' })).toBeUndefined();
  });

  test.each([
    [[], /non-empty/],
    [[{ prefix: 'landing/events', table: 's3://lake/t' }], /prefix must be an s3:\/\/ URI/],
    [[{ prefix: 's3://landing/', table: 's3://lake' }], /table must name a path/],
    [
      [{ prefix: 's3://landing/', table: 's3://lake/t', encoding: 'utf16' }],
      /encoding must be one of 'utf-8', 'latin1', 'windows-1252'/,
    ],
    [[{ prefix: 's3://l/', table: 's3://lake/t', format: 'xml' }], /format must be one of/],
    [[{ prefix: 's3://l/', table: 's3://lake/t', partitionby: ['x'] }], /unknown keys partitionby/],
    [
      [{ prefix: 's3://l/', table: 's3://lake/t', timePartition: { column: 'd', from: 'ts' } }],
      /granularity is required/,
    ],
    [[{ prefix: 's3://l/', table: 's3://lake/t', mode: 'reference', partitionBy: ['a'] }], /reference/],
    [
      [
        { prefix: 's3://l/a/', table: 's3://lake/t', partitionBy: ['a'] },
        { prefix: 's3://l/b/', table: 's3://lake/t' },
      ],
      /partition it differently/,
    ],
    [[{ prefix: 's3://l/', table: 's3://lake/t', cdc: { keys: ['id'] } }], /cdc.format is required/],
    [
      [{ prefix: 's3://l/', table: 's3://lake/t', cdc: { format: 'dms', keys: ['id'], tombstoneRetention: 'soon' } }],
      /cdc.tombstoneRetention must be an interval/,
    ],
    [[{ prefix: 's3://l/', table: 's3://lake/t', cdc: { format: 'dms', keys: [] } }], /cdc.keys must be a non-empty/],
    [[{ prefix: 's3://l/', table: 's3://lake/t', cdc: { format: 'x', keys: ['id'] } }], /cdc.format must be one of/],
    [
      [{ prefix: 's3://l/', table: 's3://lake/t', cdc: { format: 'dms', keys: ['id'], op: 'x' } }],
      /unknown cdc keys op/,
    ],
    [
      [{ prefix: 's3://l/', table: 's3://lake/t', cdc: { format: 'dms', keys: ['id'], deletes: 'tombstone' } }],
      /needs cdc.sequence/,
    ],
    [
      [{ prefix: 's3://l/', table: 's3://lake/t', mode: 'reference', cdc: { format: 'dms', keys: ['id'] } }],
      /mode does not apply to a cdc route/,
    ],
    [
      [{ prefix: 's3://l/', table: 's3://lake/t', format: 'csv', cdc: { format: 'debezium', keys: ['id'] } }],
      /Debezium cdc route reads JSON lines/,
    ],
    [
      [
        { prefix: 's3://l/a/', table: 's3://lake/t', cdc: { format: 'dms', keys: ['id'] } },
        { prefix: 's3://l/b/', table: 's3://lake/t' },
      ],
      /apply changes differently/,
    ],
  ])('refuses invalid config %#', (config, message) => {
    expect(() => parseRoutes(config)).toThrow(IngestConfigError);
    expect(() => parseRoutes(config)).toThrow(message);
  });

  test('parses a cdc route', () => {
    const [r] = parseRoutes([
      {
        prefix: 's3://landing/dms/orders/',
        table: 's3://lake/tables/orders',
        cdc: { format: 'dms', keys: ['id', 'region'], sequence: 'seq', deletes: 'tombstone' },
      },
    ]);
    expect(r!.cdc).toEqual({ format: 'dms', keys: ['id', 'region'], sequence: 'seq', deletes: 'tombstone' });
    const kept = parseRoutes([
      {
        prefix: 's3://l/',
        table: 's3://lake/t',
        cdc: { format: 'dms', keys: ['id'], tombstoneRetention: 'interval 7 days' },
      },
    ])[0]!;
    expect(kept.cdc!.tombstoneRetention).toBe('interval 7 days');
    expect(
      parseRoutes([{ prefix: 's3://l/', table: 's3://lake/t', cdc: { format: 'debezium', keys: ['id'] } }])[0]!.cdc,
    ).toEqual({ format: 'debezium', keys: ['id'] });
  });

  test('loads from DELTA_INGEST_ROUTES or DELTA_INGEST_ROUTES_FILE with clear errors', () => {
    const json = JSON.stringify([{ prefix: 's3://l/', table: 's3://lake/t' }]);
    expect(loadRoutes({ DELTA_INGEST_ROUTES: json })[0]!.table).toBe('s3://lake/t');
    const dir = mkdtempSync(join(tmpdir(), 'routes-'));
    writeFileSync(join(dir, 'r.json'), json);
    expect(loadRoutes({ DELTA_INGEST_ROUTES_FILE: join(dir, 'r.json') })[0]!.bucket).toBe('l');
    expect(() => loadRoutes({})).toThrow(/no ingest routes/);
    expect(() => loadRoutes({ DELTA_INGEST_ROUTES: '[{' })).toThrow(/not valid JSON/);
    expect(() => loadRoutes({ DELTA_INGEST_ROUTES_FILE: join(dir, 'missing.json') })).toThrow(/cannot be read/);
  });
});
