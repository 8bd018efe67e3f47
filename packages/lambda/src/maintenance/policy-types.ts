/**
 * Maintenance policy types, without imports: infra/ (type-checked against SST's types, not
 * the workspace packages) imports them to build DELTA_MAINTENANCE_TABLES.
 */
export interface OptimizePolicy {
  /** Output file size in bytes (default: the table's delta.targetFileSize, else 128 MiB). */
  targetSize?: number;
  zOrderBy?: string[];
  /** Partition predicate, e.g. "day >= '2026-11-01'". */
  where?: string;
  minFilesPerBin?: number;
  /** Bins per run (default 64; the rest waits for the next run). */
  maxBins?: number;
  /** Fan the bins out to optimize-worker invocations when the plan has at least this many (default 4). */
  fanOutMinBins?: number;
  /** Bins per worker invocation (default 1). */
  binsPerWorker?: number;
  /** Worker invocations at once (default 8). */
  maxWorkers?: number;
}

export interface VacuumPolicy {
  /** Default: the table's delta.deletedFileRetentionDuration (7 days). */
  retentionHours?: number;
  mode?: 'lite' | 'full';
}

export interface TablePolicy {
  table: string;
  /** Write a checkpoint when the last one is delta.checkpointInterval or more versions old (default true). */
  checkpoint?: boolean;
  /** OPTIMIZE policy, or false to skip (default: bin-packing with the defaults). */
  optimize?: OptimizePolicy | false;
  /** VACUUM policy, or false to skip (default: lite with the table's retention). */
  vacuum?: VacuumPolicy | false;
  /** Delete expired log files (default true). */
  cleanupLogs?: boolean;
  /**
   * Keep the table registered in this Glue database: each run syncs it (one GetTable when
   * nothing changed), before the other steps.
   */
  catalog?: { database: string; name?: string; catalogId?: string };
}
