/**
 * Change-stream inputs (AWS DMS's S3 target files, Debezium JSON envelopes) decoded into one
 * shape: Arrow batches holding the table's columns plus `_cdc_op` (`I`, `U` or `D`), and,
 * when the changes carry one, a sequence column that orders changes to a key. The change
 * metadata (DMS's `Op`, Debezium's envelope) never becomes a table column.
 */

/** The change formats: `dms` (CSV or Parquet, `Op` column) and `debezium` (JSON envelopes, one per line). */
export type ChangeFormat = 'dms' | 'debezium';

export const CHANGE_FORMATS: readonly ChangeFormat[] = ['dms', 'debezium'];

/** The op column of decoded change batches: `I` insert, `U` update (both upserts), `D` delete. */
export const CDC_OP_COLUMN = '_cdc_op';

/** The sequence column Debezium changes get when no `sequence` column is named (`source.lsn`, else `ts_ms`). */
export const CDC_SEQUENCE_COLUMN = '_cdc_sequence';

export type ChangeOp = 'I' | 'U' | 'D';

export interface ChangeReadOptions {
  cdc: ChangeFormat;
  /**
   * The column that orders changes to one key (a table column, DMS's commit-timestamp or
   * transaction-sequence column, or a Debezium row field). Kept in the table. Default: none for
   * DMS (row order within an object only); `_cdc_sequence` from the envelope for Debezium.
   */
  sequence?: string;
}
