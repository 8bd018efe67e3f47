/**
 * DELETE and UPDATE data shapes. A plan, its file groups and their results are plain JSON (no
 * class instances, no bigint) so groups of files can be rewritten by other workers (one
 * Lambda per group) and committed once by the planner, like OPTIMIZE bins.
 */
import type { CommitOptions, IsolationLevel, PostCommitResult } from '../../transaction/index.js';
import type { AddCDCFile, AddFile } from '../../protocol/actions.js';
import type { ColumnMappingMode } from '../../protocol/features.js';
import type { ParquetCompression } from '../../parquet/writer.js';
import type { Expression } from '../../expr/index.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

export type DmlOperation = 'DELETE' | 'UPDATE' | 'MERGE';

export interface DmlStatement {
  operation: DmlOperation;
  predicate?: Expression | string;
  /** UPDATE: column -> SQL text of the new value (already validated by the caller). */
  set?: Record<string, string>;
}

/** What an executor needs besides the store: the table layout, the statement and write settings. */
export interface DmlContext {
  operation: DmlOperation;
  tableRoot: string;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  columnMapping: ColumnMappingMode;
  /** SQL text of the row predicate; absent: every row. */
  predicate?: string;
  /** UPDATE: column name -> SQL text of its new value. */
  set?: Record<string, string>;
  /** Mark rows in deletion vectors instead of rewriting the files that hold them. */
  deletionVectors: boolean;
  /** Write `_change_data/` files (delta.enableChangeDataFeed). */
  changeDataFeed: boolean;
  /** New data files get `tightBounds` in their stats (the table supports deletion vectors). */
  tightBounds: boolean;
  targetFileSize: number;
  rowGroupSize: number;
  compression: ParquetCompression;
  /** Random prefix length for DV files (0: none). */
  dvPrefixLength: number;
  /** Bitmaps up to this size go inline in the log (0: never, as Spark). */
  inlineDvMaxBytes: number;
}

/** One data file the statement may change. */
export interface DmlFile {
  add: AddFile;
  /** Every row matches (UPDATE with a partition-only predicate): nothing to scan for. */
  allRowsMatch: boolean;
}

export interface DmlPlan {
  readVersion: number;
  context: DmlContext;
  /** Files removed whole without being read (a partition-only DELETE predicate, or none). */
  removeWhole: AddFile[];
  /** Files to scan for matching rows, and to rewrite or mark. */
  files: DmlFile[];
  skipping: SkippingMetrics;
}

export interface SkippingMetrics {
  numFilesBeforeSkipping: number;
  numBytesBeforeSkipping: number;
  numFilesAfterSkipping: number;
  numBytesAfterSkipping: number;
  /** Distinct partitions left after skipping (partitioned tables only). */
  numPartitionsAfterSkipping?: number;
}

/** Counters of one executed group of files (summed over groups for the commit). */
export interface DmlCounters {
  /** Rows deleted (DELETE) or updated (UPDATE). */
  numMatchedRows: number;
  /** Rows rewritten unchanged into new files (copy-on-write). */
  numCopiedRows: number;
  /** Files scanned for matches. */
  numScannedFiles: number;
  /** Files that held at least one matching row. */
  numTouchedFiles: number;
  /** Files removed without a replacement add of the same path. */
  numRemovedFiles: number;
  numRemovedBytes: number;
  /** New data files (not counting re-adds of a file with a new deletion vector). */
  numAddedFiles: number;
  numAddedBytes: number;
  numDeletionVectorsAdded: number;
  numDeletionVectorsRemoved: number;
  numDeletionVectorsUpdated: number;
  numDeletionVectorFiles: number;
  deletionVectorBytes: number;
  numAddedChangeFiles: number;
  changeFileBytes: number;
  /** Bytes fetched from data files (scan and rewrite). */
  bytesRead: number;
  scanTimeMs: number;
  rewriteTimeMs: number;
}

/** What executing a group of files produced (uncommitted). */
export interface DmlResult {
  /** Files the commit removes (as they were in the snapshot, old deletion vector included). */
  removed: AddFile[];
  /** New data files, and re-adds of touched files with their new deletion vector. */
  added: AddFile[];
  cdc: AddCDCFile[];
  /** Store keys of every object written (data, change data and DV files), deleted if the commit fails. */
  written: string[];
  counters: DmlCounters;
}

export interface DmlProgress {
  phase: 'scanning' | 'rewriting' | 'committing';
  filesDone: number;
  filesTotal: number;
  rowsMatched: number;
}

/** Runs groups of files elsewhere (e.g. Lambda workers) and returns their results. */
export type DmlGroupInvoker = (request: { context: DmlContext; files: DmlFile[] }) => Promise<DmlResult>;

export interface DmlWorkers {
  invoke: DmlGroupInvoker;
  /** Files per worker request (default 8). */
  filesPerWorker?: number;
  /** Requests in flight (default 8). */
  maxWorkers?: number;
  /** Plans with fewer files to scan run in this process (default 1: always fan out). */
  minFilesToFanOut?: number;
}

export interface DmlOptions extends CommitOptions {
  /**
   * Use deletion vectors (default: when the table allows them, as Spark). `false` forces
   * copy-on-write; `true` on a table without `delta.enableDeletionVectors` throws.
   */
  deletionVectors?: boolean;
  /** Store deletion vectors up to this many bytes inline in the log (default 0, as Spark). */
  inlineDeletionVectorMaxBytes?: number;
  /** Files scanned and rewritten at once in this process (default 2). */
  concurrency?: number;
  /** Rewrite groups of files in other workers, then commit once here. */
  workers?: DmlWorkers;
  targetFileSize?: number;
  rowGroupSize?: number;
  compression?: ParquetCompression;
  isolation?: IsolationLevel;
  userMetadata?: string;
  onProgress?: (p: DmlProgress) => void;
  /** Run checkpoint/log-cleanup hooks after the commit (default true). */
  postCommitHooks?: boolean;
}

export interface DmlMetrics extends DmlCounters, SkippingMetrics {
  executionTimeMs: number;
  commitMs: number;
}

export interface DmlOutcome {
  /** The committed version, or the read version when nothing matched (no commit). */
  version: number;
  /** Nothing matched: no commit. */
  noop: boolean;
  /** The statement's `txn` was already in the table: nothing committed (noop too). */
  skipped?: boolean;
  metrics: DmlMetrics;
  conflictsRetried: number;
  snapshot: Snapshot;
  postCommit?: PostCommitResult;
}
