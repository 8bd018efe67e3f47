/** The comparison of catalog sync (pure): what counts as a difference and what is kept. */
import type { Table } from '@aws-sdk/client-glue';
import { describe, expect, test } from 'vitest';
import { foreignTableReason, glueIsNewer, mergedTableInput, tableDifferences } from './diff.js';
import { buildTableInput } from './table-input.js';

const want = buildTableInput('events', {
  location: 's3://lake/tables/events',
  version: 3,
  timestamp: 1_000,
  metadata: {
    id: 'x',
    format: { provider: 'parquet', options: {} },
    schemaString: JSON.stringify({
      type: 'struct',
      fields: [{ name: 'Id', type: 'long', nullable: true, metadata: {} }],
    }),
    partitionColumns: [],
    configuration: { 'delta.appendOnly': 'true' },
  },
  protocol: { minReaderVersion: 1, minWriterVersion: 2 },
});
const asGlue = (t: typeof want, extra: Partial<Table> = {}): Table => ({ ...t, Name: t.Name!, ...extra }) as Table;

describe('tableDifferences', () => {
  test('the table as built is in sync; bookkeeping alone is not a difference', () => {
    const have = asGlue(want);
    expect(tableDifferences(want, have)).toEqual([]);
    const older = asGlue(want, { Parameters: { ...want.Parameters, 'delta.lastUpdateVersion': '1' } });
    expect(tableDifferences(want, older)).toEqual([]);
  });

  test('a catalog that folds column names to lowercase is still in sync', () => {
    const folded = asGlue(want, {
      StorageDescriptor: { ...want.StorageDescriptor, Columns: [{ Name: 'id', Type: 'BIGINT' }] },
    });
    expect(tableDifferences(want, folded)).toEqual([]);
  });

  test('owned parameters that the log no longer has are differences; foreign ones are not, and survive', () => {
    const have = asGlue(want, {
      Parameters: { ...want.Parameters, 'delta.enableChangeDataFeed': 'true', owner_team: 'x' },
    });
    expect(tableDifferences(want, have)).toEqual(['parameter delta.enableChangeDataFeed']);
    const merged = mergedTableInput(want, have);
    expect(merged.Parameters).toMatchObject({ owner_team: 'x' });
    expect(merged.Parameters).not.toHaveProperty('delta.enableChangeDataFeed');
  });

  test('another table of that name is foreign; a Spark registration of the same root is ours', () => {
    expect(foreignTableReason(asGlue(want, { Parameters: {} }), 's3://lake/tables/events')).toMatch(
      /not a Delta table/,
    );
    const spark = asGlue(want, {
      StorageDescriptor: {
        Location: 's3://warehouse/db.db/events-__PLACEHOLDER__',
        SerdeInfo: { Parameters: { path: 's3a://lake/tables/events/' } },
      },
    });
    expect(foreignTableReason(spark, 's3://lake/tables/events')).toBeUndefined();
    expect(foreignTableReason(spark, 's3://lake/tables/other')).toMatch(/points at s3:\/\/lake\/tables\/events/);
  });

  test('Glue at a later version is left alone, unless the table was re-created (older commit time)', () => {
    const later = asGlue(want, { Parameters: { 'delta.lastUpdateVersion': '9', 'delta.lastCommitTimestamp': '2000' } });
    expect(glueIsNewer(later, 3, 1_000)).toBe(true);
    expect(glueIsNewer(later, 3, 5_000)).toBe(false);
    expect(glueIsNewer(later, 9, 1_000)).toBe(false);
  });
});
