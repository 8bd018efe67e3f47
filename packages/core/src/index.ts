// Public surface of @delta-serverless/core. Everything else is internal.
export * from './errors.js';

// Storage
export type { ObjectStore, ObjectMeta, ByteRange, PutOptions, ListOptions } from './storage/object-store.js';
export { listAll } from './storage/object-store.js';
export { LocalStore } from './storage/local-store.js';
export { MemoryStore, concatBytes } from './storage/memory-store.js';
export { registerStoreFactory, storeForUri, normaliseTableUri, uriScheme } from './storage/registry.js';
export type { StorageOptions, StoreFactory } from './storage/registry.js';

// Protocol
export * from './protocol/actions.js';
export * from './protocol/schema.js';
export * from './protocol/scalar.js';
export { deltaSchemaToArrow, deltaTypeToArrow, arrowSchemaToDelta, arrowTypeToDelta } from './protocol/arrow-schema.js';
export {
  SUPPORTED_READER_FEATURES,
  assertReadable,
  hasReaderFeature,
  hasWriterFeature,
  columnMappingMode,
} from './protocol/features.js';
export type { ColumnMappingMode } from './protocol/features.js';
export { parseIntervalMs } from './protocol/intervals.js';
export {
  DeletedRows,
  z85Encode,
  z85Decode,
  uuidToZ85,
  z85ToUuid,
  parseRoaringBitmapArray,
  serializeRoaringBitmapArray,
  encodeDeletionVectorFile,
  loadDeletionVector,
  storeDvReader,
  uniqueDvId,
  deletionVectorRelativePath,
} from './protocol/deletion-vectors/index.js';

// Log
export { parseActions, serializeActions } from './log/commit-file.js';
export { commitPath, versionPrefix, LOG_DIR } from './log/file-names.js';

// Expressions
export { and, col, lit, not, or, parseExpression, bind, toSql, columnsOf } from './expr/index.js';
export type { Expression, StatsLookup, BoundExpression } from './expr/index.js';

// Tables and reads
export {
  DeltaTable,
  ChangeFeed,
  loadSnapshot,
  tryLoadSnapshot,
  writeDeltaTable,
  toEpochMillis,
} from './table/delta-table.js';
export type { WriteOptions, WriteResult, WriteMetrics, WriteMode } from './ops/write.js';
export type { CreateTableOptions } from './ops/create.js';
export type { RestoreResult, RestoreMetrics } from './ops/restore.js';
export { optimize, planOptimize, executeBin, commitOptimize, runBins } from './ops/optimize/index.js';
export type {
  BinContext,
  BinMetrics,
  BinResult,
  FileSizeStats,
  OptimizeBin,
  OptimizeMetrics,
  OptimizeOptions,
  OptimizePlan,
  OptimizePlanOptions,
  OptimizeProgress,
  OptimizeResult,
} from './ops/optimize/index.js';
export { planDml, executeDml, commitDml, runDmlFiles } from './ops/dml/index.js';
export type {
  DmlContext,
  DmlCounters,
  DmlFile,
  DmlGroupInvoker,
  DmlMetrics,
  DmlOperation,
  DmlOptions,
  DmlOutcome,
  DmlPlan,
  DmlProgress,
  DmlResult,
  DmlWorkers,
  SkippingMetrics,
  DmlStatement,
} from './ops/dml/index.js';
export type { DeleteOptions, DeleteMetrics, DeleteResult } from './ops/delete/delete.js';
export type { UpdateOptions, UpdateMetrics, UpdateResult, UpdateSpec } from './ops/update/update.js';
export { parseSetClause } from './ops/update/assign.js';
export { readInputObject, readInputStream, detectFormat, DEFAULT_BATCH_ROWS } from './formats/index.js';
export type { CsvOptions, DetectedFormat, InputFormat, ReadInputOptions } from './formats/index.js';
export { convertToDelta } from './ops/convert.js';
export { TxnsAlreadyAppliedError } from './commit/transaction.js';
export { stageDataFiles, referenceDataFile, foldStagedSchema, layoutActions } from './write/stage.js';
export type { StageLayout, StagedFiles } from './write/stage.js';
export { runPostCommitHooks } from './commit/post-commit.js';
export type { PostCommitResult } from './commit/post-commit.js';
export type { ConvertOptions, ConvertResult, PartitionColumn } from './ops/convert.js';
export { vacuum, VacuumDeleteError, DEFAULT_DELETED_FILE_RETENTION } from './ops/vacuum/index.js';
export type { VacuumFile, VacuumMode, VacuumOptions, VacuumProgress, VacuumResult } from './ops/vacuum/index.js';
export type { WriteInput } from './write/input.js';
export type { SchemaMode } from './write/schema-plan.js';
export { commitTransaction, TableCreatedConcurrentlyError } from './commit/transaction.js';
export type { CommitRequest, CommitOptions, CommitOutcome, ReadSet } from './commit/transaction.js';
export { PutIfAbsentCoordinator, defaultCoordinator } from './commit/coordinator.js';
export type { CommitCoordinator, CommitResult } from './commit/coordinator.js';
export type { RetryPolicy } from './commit/backoff.js';
export type { IsolationLevel } from './commit/conflicts.js';
export { ENGINE_INFO } from './commit/engine-info.js';
export { writeCheckpoint } from './log/checkpoint-write.js';
export { readLastCheckpoint } from './log/segment.js';
export type { LastCheckpointHint } from './log/segment.js';
export type { CheckpointWriteResult } from './log/checkpoint-write.js';
export { cleanupExpiredLogs } from './log/cleanup.js';
export type { OpenOptions, TimeTravel, TableScanOptions, Timestamp } from './table/delta-table.js';
export { Snapshot } from './table/snapshot.js';
export type { HistoryEntry } from './table/timeline.js';
export { Scan, SnapshotScan } from './read/scan.js';
export type { ScanOptions, ScanMetrics } from './read/scan.js';
export type { ChangeFeedOptions } from './read/change-feed.js';

// Arrow helpers users need to consume results
export { batchToRows, batchToObjects, encodeValue } from './arrow/json-values.js';
export { projectBatch } from './arrow/project.js';
export type { JsonValue } from './arrow/json-values.js';

// Parquet (the engine's only Parquet layer; useful for reading foreign files)
export { openParquetFile } from './parquet/reader.js';
export type { ParquetFileReader, ReadBatchesOptions, OpenParquetOptions } from './parquet/reader.js';
export { writeParquet, createParquetWriter } from './parquet/writer.js';
export { preloadParquet } from './parquet/wasm.js';
export type { ParquetWriteOptions, ParquetCompression } from './parquet/writer.js';

// Symlink manifests (Presto / Redshift Spectrum / Hive readers without a Delta connector)
export {
  generateSymlinkManifest,
  updateSymlinkManifests,
  symlinkManifestEnabled,
  planFullManifest,
  planIncrementalManifest,
  executeManifestPlan,
  ManifestNotSupportedError,
  MANIFEST_DIR,
  SYMLINK_MANIFEST_PROPERTY,
} from './manifest/index.js';
export type { ManifestPlan, ManifestWrite, ManifestResult } from './manifest/index.js';
