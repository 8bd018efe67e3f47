/** Options of the change-stream apply (`append --cdc`, the ingest route mode `cdc`). */
import type { ChangeFormat } from '../../formats/cdc/index.js';

/**
 * What a delete does: `remove` (default) deletes the row and, with a sequence, remembers the
 * delete's sequence beside the table (`_cdc_tombstones/`, for `tombstoneRetention`); `tombstone`
 * keeps the row with `_cdc_deleted = true` (and the delete's sequence). Either way a change
 * older than the delete that arrives later is recognised as older and dropped. With
 * `tombstone`, readers filter `NOT _cdc_deleted`.
 */
export type CdcDeletes = 'remove' | 'tombstone';

export const CDC_DELETED_COLUMN = '_cdc_deleted';

export interface CdcOptions {
  cdc: ChangeFormat;
  /** Key columns: a change applies to the row with the same values in these. */
  keys: readonly string[];
  /**
   * The column ordering changes to one key, kept in the table (default: none for DMS,
   * `_cdc_sequence` from the envelope for Debezium). With it, a change older than the row
   * it would overwrite is dropped.
   */
  sequence?: string;
  deletes?: CdcDeletes;
  /**
   * Remove mode: how long a delete's sequence is remembered (a Delta interval, e.g.
   * `interval 30 days`; default the table's `delta.setTransactionRetentionDuration`, else 30
   * days). A change older than a delete that arrives after the delete was forgotten brings
   * its row back.
   */
  tombstoneRetention?: string;
  /**
   * Columns of a change file the table lacks: added to the table (nullable, in a commit of
   * their own before the MERGE) when true; refused (SchemaMismatchError naming them) otherwise.
   */
  schemaEvolution?: boolean;
}
