/**
 * OPTIMIZE data shapes. A plan and its bin results are plain JSON (no class instances, no
 * bigint) so bins can be shipped to other workers (e.g. one Lambda per bin) and back.
 */
import type { CommitOptions } from '../../transaction/index.js';
import type { IsolationLevel } from '../../transaction/index.js';
import type { Expression } from '../../expr/index.js';
import type { AddFile } from '../../protocol/actions.js';
import type { ColumnMappingMode } from '../../protocol/features.js';
import type { ParquetCompression } from '../../parquet/writer.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

export const DEFAULT_TARGET_SIZE = 128 * 1024 * 1024;
export const DEFAULT_MIN_FILES_PER_BIN = 2;
export const DEFAULT_MAX_CONCURRENT_BINS = 2;
/** Decoded Arrow bytes one Z-order bin may hold in memory to sort (see zorder-sort.ts). */
export const DEFAULT_ZORDER_MEMORY_LIMIT = 512 * 1024 * 1024;
/** A file with a DV deleting at least this share of its rows is rewritten even when large. */
export const DEFAULT_DV_REWRITE_RATIO = 0.05;

export interface OptimizeProgress {
  binsDone: number;
  binsTotal: number;
  bytesRead: number;
  bytesWritten: number;
}

/** Planning options (what to rewrite). */
export interface OptimizePlanOptions {
  /** Partition predicate (SQL text or builder Expression); only partition columns allowed. */
  where?: string | Expression;
  /** Output file size in bytes (default delta.targetFileSize, else 128 MiB). */
  targetSize?: number;
  /** Bins with fewer files are skipped unless a file has a deletion vector (default 2). */
  minFilesPerBin?: number;
  /** Most bins planned (and so rewritten) in one run; a rerun continues. */
  maxBins?: number;
  /** Z-order (Morton) clustering columns: data columns of primitive type. */
  zOrderBy?: readonly string[];
  /** Decoded bytes a Z-order bin may sort in memory (default 512 MiB); bigger bins are split. */
  zOrderMemoryLimit?: number;
  /** Rows per output row group (default 524,288: bounds memory, see plan.ts). */
  rowGroupSize?: number;
  /** Output codec (default delta.parquet.compression.codec, else snappy). */
  compression?: ParquetCompression;
  /** Rewrite large files whose DV deletes at least this share of rows (default 0.05). */
  dvRewriteRatio?: number;
}

export interface OptimizeOptions extends OptimizePlanOptions, CommitOptions {
  /** Bins rewritten at once (default 2). */
  maxConcurrentBins?: number;
  /** Stop starting bins once elapsed + estimated bin time would pass this; commit what is done. */
  timeBudgetMs?: number;
  onProgress?: (p: OptimizeProgress) => void;
  isolation?: IsolationLevel;
  userMetadata?: string;
  /** Run checkpoint/log-cleanup hooks after the commit (default true). */
  postCommitHooks?: boolean;
}

/** What a worker needs to rewrite a bin: the table layout and write settings (no snapshot). */
export interface BinContext {
  tableRoot: string;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  columnMapping: ColumnMappingMode;
  targetSize: number;
  rowGroupSize: number;
  compression: ParquetCompression;
  zOrderBy: string[];
  zOrderMemoryLimit: number;
}

export interface OptimizeBin {
  /** Stable within the plan: `<partition index>-<bin index>`. */
  id: string;
  /** `add.partitionValues` of every input (physical keys under column mapping). */
  partitionValues: Record<string, string | null>;
  files: AddFile[];
  totalBytes: number;
  /** The bin only rewrites files to drop rows their deletion vectors delete. */
  purgeOnly: boolean;
}

export interface OptimizePlan {
  readVersion: number;
  context: BinContext;
  bins: OptimizeBin[];
  /** SQL text of the partition predicate, as committed in operationParameters. */
  predicate: string[];
  totalConsideredFiles: number;
  totalFilesSkipped: number;
  /** Bins left out by maxBins (a rerun picks them up). */
  binsDeferred: number;
  numPartitions: number;
}

export interface BinMetrics {
  numFilesRemoved: number;
  numFilesAdded: number;
  bytesRead: number;
  bytesRemoved: number;
  bytesWritten: number;
  rowsRead: number;
  rowsWritten: number;
  rowsDeletedByDv: number;
  numDeletionVectorsRemoved: number;
  /** Sorted runs a Z-order bin was cut into to stay under zOrderMemoryLimit (0 without Z-order). */
  zOrderRuns: number;
  durationMs: number;
}

export interface BinResult {
  binId: string;
  /** New files (dataChange false), not committed yet. */
  adds: AddFile[];
  /** The bin's input files, removed by the commit. */
  removed: AddFile[];
  metrics: BinMetrics;
}

export interface FileSizeStats {
  min: number;
  max: number;
  avg: number;
  totalFiles: number;
  totalSize: number;
  p25: number;
  p50: number;
  p75: number;
}

export interface OptimizeMetrics {
  numFilesAdded: number;
  numFilesRemoved: number;
  filesAdded: FileSizeStats;
  filesRemoved: FileSizeStats;
  partitionsOptimized: number;
  numBins: number;
  binsPlanned: number;
  /** Planned bins not run (time budget) plus bins deferred by maxBins. */
  binsNotRun: number;
  totalConsideredFiles: number;
  totalFilesSkipped: number;
  rowsRead: number;
  rowsWritten: number;
  rowsDeletedByDv: number;
  numDeletionVectorsRemoved: number;
  planningMs: number;
  rewriteMs: number;
  commitMs: number;
}

export interface OptimizeResult {
  /** The committed version, or the read version when nothing was committed. */
  version: number;
  /** True when nothing needed rewriting (no commit). */
  noop: boolean;
  /** True when bins were left for a rerun (maxBins or time budget). */
  partial: boolean;
  metrics: OptimizeMetrics;
  conflictsRetried: number;
  snapshot: Snapshot;
}
