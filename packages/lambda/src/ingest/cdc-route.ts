/**
 * Route mode `cdc` as configured (no imports: infra/ type-checks against it). Objects of a
 * cdc route are change files applied by key through MERGE (one commit per object, its txn
 * included), not appended.
 */
export interface CdcRouteConfig {
  /** `dms`: AWS DMS S3 target files (CSV or Parquet, `Op` column); `debezium`: JSON envelopes, one per line. */
  format: 'dms' | 'debezium';
  /** Key columns. */
  keys: string[];
  /** Column ordering changes to a key, kept in the table (Debezium default: `_cdc_sequence` from the envelope). */
  sequence?: string;
  /** 'remove' (default) deletes rows; 'tombstone' keeps them with `_cdc_deleted = true` (needs a sequence). */
  deletes?: 'remove' | 'tombstone';
  /**
   * Remove mode: how long a delete's sequence is remembered beside the table, so an older
   * change arriving later is dropped (a Delta interval, default the table's txn retention,
   * 30 days for tables the handler creates).
   */
  tombstoneRetention?: string;
}
