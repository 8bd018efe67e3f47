/**
 * Log-only tables for the checkpoint-in-parts tests: a partitioned two-column schema, the
 * classic and v2-checkpoint protocols, and add/remove/commitInfo actions for file `i` at
 * version `v` (paths spread over 28 day partitions, stats on `id`). Data files need not exist.
 */
import type { Action, Metadata, Protocol } from '../../packages/core/src/protocol/actions.js';

export const NOW = Date.UTC(2026, 11, 1);
export const CLASSIC: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };
export const V2: Protocol = {
  minReaderVersion: 3,
  minWriterVersion: 7,
  readerFeatures: ['v2Checkpoint'],
  writerFeatures: ['v2Checkpoint'],
};

export const filePath = (i: number) => `day=2026-11-${String((i % 28) + 1).padStart(2, '0')}/part-${i}.parquet`;

export function metaDataAction(id: string): Action {
  const schemaString = JSON.stringify({
    type: 'struct',
    fields: [
      { name: 'id', type: 'long', nullable: true, metadata: {} },
      { name: 'day', type: 'string', nullable: true, metadata: {} },
    ],
  });
  const metaData: Metadata = {
    id,
    format: { provider: 'parquet', options: {} },
    schemaString,
    partitionColumns: ['day'],
    configuration: {},
    createdTime: NOW,
  };
  return { metaData };
}

export const addAction = (i: number, v: number): Action => ({
  add: {
    path: filePath(i),
    partitionValues: { day: filePath(i).slice(4, 14) },
    size: 1000 + i,
    modificationTime: NOW + v,
    dataChange: true,
    stats: JSON.stringify({ numRecords: 10, minValues: { id: i }, maxValues: { id: i + 9 }, nullCount: { id: 0 } }),
  },
});

export const removeAction = (i: number, v: number): Action => ({
  remove: { path: filePath(i), deletionTimestamp: NOW + v, dataChange: true, size: 1000 + i },
});

export const commitInfoAction = (v: number): Action => ({ commitInfo: { timestamp: NOW + v, operation: 'WRITE' } });
