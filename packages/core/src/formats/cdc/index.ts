/**
 * Change-stream files (AWS DMS, Debezium) -> change batches: the table's columns, `_cdc_op`
 * and the sequence column (types.ts). Used by `append --cdc` and the ingest route mode `cdc`.
 */
import type * as arrow from 'apache-arrow';
import type { ObjectStore } from '../../storage/object-store.js';
import type { ReadInputOptions } from '../index.js';
import { readDebeziumChanges } from './debezium.js';
import { readDmsChanges } from './dms.js';
import type { ChangeReadOptions } from './types.js';

export { CDC_OP_COLUMN, CDC_SEQUENCE_COLUMN, CHANGE_FORMATS, type ChangeFormat, type ChangeOp } from './types.js';
export type { ChangeReadOptions } from './types.js';
export { decodeDebeziumLine } from './debezium-event.js';

/** Stream one change file of the store as change batches. */
export function readChanges(
  store: ObjectStore,
  key: string,
  options: ChangeReadOptions & Omit<ReadInputOptions, 'key'>,
): AsyncGenerator<arrow.RecordBatch> {
  const { cdc, ...rest } = options;
  if (cdc === 'dms') return readDmsChanges(store, key, rest);
  const { format: _format, csv: _csv, ...json } = rest;
  return readDebeziumChanges(store, key, json);
}
