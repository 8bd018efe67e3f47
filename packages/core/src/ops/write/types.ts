/** Writes' options, plan, intermediate result and result. */
import type { Expression } from '../../expr/index.js';
import type { AddCDCFile, AddFile, Metadata, Protocol, RemoveFile } from '../../protocol/actions.js';
import type { ColumnMappingMode } from '../../protocol/features.js';
import type { StructType } from '../../protocol/schema.js';
import type { ParquetCompression } from '../../parquet/writer.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { CommitOptions, IsolationLevel, PostCommitResult, ReadSet } from '../../transaction/index.js';
import type { SchemaMode } from '../../write/schema-plan.js';

export type WriteMode = 'append' | 'overwrite' | 'error' | 'ignore';

export interface WriteOptions extends CommitOptions {
  /** append (default), overwrite, error (fail if the table exists), ignore (no-op if it exists). */
  mode?: WriteMode;
  /** Partition columns of a new table (or of an overwrite with schemaMode 'overwrite'). */
  partitionBy?: readonly string[];
  /** 'merge' adds new columns / widens types; 'overwrite' replaces the schema (overwrite only). */
  schemaMode?: SchemaMode;
  /** Overwrite only the rows matching this predicate; every written row must match it. */
  replaceWhere?: string | Expression;
  /** 'dynamic': overwrite only the partitions present in the data. */
  partitionOverwrite?: 'static' | 'dynamic';
  /** Idempotent write: skipped when the table already has this appId at >= version. */
  txn?: { appId: string; version: number };
  /** Target data file size in bytes (default: delta.targetFileSize or 128 MiB). */
  targetFileSize?: number;
  /** Rows per Parquet row group (default 1,048,576). */
  rowGroupSize?: number;
  /** Parquet codec (default: delta.parquet.compression.codec or snappy). */
  compression?: ParquetCompression;
  /** Table properties for a new table. */
  properties?: Record<string, string>;
  name?: string;
  description?: string;
  userMetadata?: string;
  isolation?: IsolationLevel;
  /** Run checkpoint/log-cleanup hooks after the commit (default true). */
  postCommitHooks?: boolean;
}

export interface WriteMetrics {
  numFiles: number;
  numOutputRows: number;
  numOutputBytes: number;
  numRemovedFiles: number;
  numRemovedBytes: number;
  /** Files rewritten by a data-predicate replaceWhere (rows outside the predicate kept). */
  numRewrittenFiles: number;
}

export interface WriteResult {
  version: number;
  /** Nothing committed (txn already applied, or mode 'ignore' on an existing table). */
  skipped: boolean;
  /** This write created the table. */
  created: boolean;
  metrics: WriteMetrics;
  conflictsRetried: number;
  snapshot: Snapshot;
  postCommit?: PostCommitResult;
}

/**
 * A write's plan (JSON): the table layout after the write and what it replaces. Made from the
 * snapshot, the input's schema and the options, before any data is read.
 */
export interface WritePlan {
  /** The version written on; -1 when the write creates the table. */
  readVersion: number;
  mode: WriteMode;
  /** The table schema after this write (column mapping ids and type changes included). */
  schema: StructType;
  partitionColumns: string[];
  columnMapping: ColumnMappingMode;
  configuration: Record<string, string>;
  /** New metadata, when the write creates the table or changes its schema. */
  metadata?: Metadata;
  /** New protocol, when the write creates the table or needs an upgrade. */
  protocol?: Protocol;
  /** Overwrite only rows matching this predicate (SQL text). */
  replaceWhere?: string;
  /** Overwrite only the partitions the data has. */
  dynamicPartitionOverwrite: boolean;
  targetFileSize: number;
  rowGroupSize: number;
  compression: ParquetCompression;
}

/** What executing a write produced: files written (not yet committed) and files it replaces. */
export interface WrittenData {
  adds: AddFile[];
  removes: RemoveFile[];
  /** A replaceWhere on data columns: re-adds with deletion vectors and rewritten files. */
  extraAdds: AddFile[];
  /** Change data files (CDF tables: deleted rows of a copy-on-write replaceWhere, and the new rows). */
  cdc: AddCDCFile[];
  /** Objects written besides `adds` (rewrites, change data, DV files): deleted when nothing commits them. */
  written: string[];
  /** A replaceWhere on data columns: rows deleted and rows copied into rewritten files. */
  deleted?: { rows: number; copiedRows: number };
  /** What the write read of the table, for the conflict check. */
  read: ReadSet;
  metrics: WriteMetrics;
}
