/** Options, progress events and result of VACUUM. */
import type { CommitOptions } from '../../transaction/index.js';
import type { IncompleteWrite } from '../../storage/object-store.js';

export type VacuumMode = 'lite' | 'full';

export interface VacuumProgress {
  /** `list`: objects listed (full mode); `delete`: files deleted so far. */
  phase: 'list' | 'delete';
  done: number;
  /** Known total (delete phase); undefined while listing. */
  total?: number;
}

export interface VacuumOptions {
  /** Keep files removed less than this many hours ago (default: delta.deletedFileRetentionDuration, 1 week). */
  retentionHours?: number;
  /**
   * Refuse a retention shorter than the table's configured one (default true); false is
   * Spark's `spark.databricks.delta.retentionDurationCheck.enabled = false`.
   */
  enforceRetention?: boolean;
  /** Compute what would be deleted; delete nothing and commit nothing. */
  dryRun?: boolean;
  /** `lite` (default) reads only the log; `full` also lists the table directory for untracked files. */
  mode?: VacuumMode;
  /** Time in ms since the epoch (default: the engine clock). */
  now?: number;
  onProgress?: (p: VacuumProgress) => void;
  /** Keys per deleteMany call (default 1000, the S3 DeleteObjects maximum). */
  deleteBatchSize?: number;
  /** deleteMany calls in flight (default 4). */
  deleteConcurrency?: number;
  /** At most this many files are listed in the result (default 10,000); counts are always complete. */
  maxListedFiles?: number;
  /** Run the checkpoint/log-cleanup hooks after the VACUUM commits (default true). */
  postCommitHooks?: boolean;
  commitOptions?: CommitOptions;
}

export interface VacuumFile {
  /** Key relative to the table root. */
  path: string;
  /** Bytes (in lite mode from the log; DV files as the DV bytes the log records). */
  size: number;
}

export interface VacuumResult {
  dryRun: boolean;
  mode: VacuumMode;
  /** Files deleted (or, with dryRun, to delete), at most maxListedFiles of them. */
  filesDeleted: VacuumFile[];
  /** True when filesDeleted was cut at maxListedFiles. */
  filesDeletedTruncated: boolean;
  numFilesDeleted: number;
  bytesDeleted: number;
  /** Directories seen while listing (full mode; the root counts), as Spark's numVacuumedDirectories. */
  numDirectoriesScanned?: number;
  /** Files that were older than the cutoff were deleted; younger ones were kept. */
  cutoffTimestamp: number;
  retentionMs: number;
  /** Version of the table vacuumed. */
  readVersion: number;
  /**
   * Full mode: leftovers of writes that never finished (LocalStore temp files, S3 incomplete
   * multipart uploads) started before the cutoff, discarded (or, with dryRun, to discard); at
   * most maxListedFiles of them. Not counted in numFilesDeleted / bytesDeleted.
   */
  incompleteWrites: IncompleteWrite[];
  numIncompleteWrites: number;
  /** Versions of the `VACUUM START` / `VACUUM END` commits (absent with dryRun). */
  startVersion?: number;
  endVersion?: number;
}
