/**
 * Public surface of @delta-serverless/core: what an application needs to read and write Delta
 * tables. The engine's building blocks (for @delta-serverless/aws, lambda and cli, and for
 * embedders who accept no stability promise) are in `@delta-serverless/core/internal`.
 */
export * from './errors.js';
export { TableCreatedConcurrentlyError, TxnsAlreadyAppliedError } from './transaction/index.js';
export { VacuumDeleteError } from './ops/vacuum/index.js';

// Tables
export { DeltaTable, ChangeFeed, writeDeltaTable, convertToDelta } from './table/delta-table.js';
export type {
  OpenOptions,
  TableLocationOptions,
  TimeTravel,
  TableScanOptions,
  Timestamp,
} from './table/delta-table.js';
export { Snapshot } from './snapshot/snapshot.js';
export type { HistoryEntry } from './snapshot/timeline.js';
export { Scan, SnapshotScan } from './read/scan.js';
export type { ScanOptions, ScanMetrics } from './read/scan.js';
export type { ChangeFeedOptions } from './read/change-feed.js';
export type { WriteInput } from './write/input.js';
export type { SchemaMode } from './write/schema-plan.js';
export type { WriteOptions, WriteResult, WriteMetrics, WriteMode } from './ops/write/index.js';
export type { CreateTableOptions } from './ops/create/index.js';
export type { RestoreOptions, RestoreResult, RestoreMetrics } from './ops/restore/index.js';
export type { ConvertOptions, ConvertResult, PartitionColumn } from './ops/convert/index.js';
export type { SetPropertiesResult, UnsetPropertiesOptions, UnsetPropertiesResult } from './ops/properties/index.js';
export type {
  AddConstraintOptions,
  ConstraintCheck,
  ConstraintResult,
  DropConstraintOptions,
} from './ops/constraints/index.js';
export type { VacuumFile, VacuumMode, VacuumOptions, VacuumProgress, VacuumResult } from './ops/vacuum/index.js';
export type { CommitOptions, IsolationLevel, PostCommitResult, RetryPolicy } from './transaction/index.js';
export type { CheckpointWriteResult } from './log/checkpoint-write.js';

// OPTIMIZE, also as plan -> rewrite bins (anywhere) -> commit
export { planOptimize, executeBin, commitOptimize } from './ops/optimize/index.js';
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

// DELETE and UPDATE, also as plan -> execute groups of files (anywhere) -> commit
export { planDelete } from './ops/delete/index.js';
export { planUpdate } from './ops/update/index.js';
export { executeDmlFiles, commitDml } from './ops/dml/index.js';
export type { DeleteOptions, DeleteMetrics, DeleteResult } from './ops/delete/index.js';
export type { UpdateOptions, UpdateMetrics, UpdateResult, UpdateSpec } from './ops/update/index.js';
export type {
  DmlContext,
  DmlCounters,
  DmlFile,
  DmlGroupInvoker,
  DmlMetrics,
  DmlOperation,
  DmlOptions,
  DmlExecuteOptions,
  DmlOutcome,
  DmlPlan,
  DmlProgress,
  DmlResult,
  DmlWorkers,
  SkippingMetrics,
} from './ops/dml/index.js';

// MERGE (table.merge(...) builds one), also as plan -> execute -> commit
export {
  MergeBuilder,
  planMerge,
  executeMergeFiles,
  commitMerge,
  loadSource as loadMergeSource,
  lastChangePerKey,
  DEFAULT_MAX_SOURCE_BYTES,
  encodeSource as encodeMergeSource,
  decodeSource as decodeMergeSource,
  readGroupSource as readMergeGroupSource,
} from './ops/merge/index.js';
export type {
  MergeOn,
  MergeOptions,
  MergeResult,
  MergeMetrics,
  MergeSpec,
  MergeClause,
  MergeClauseKind,
  MergeActionType,
  MergeAssignments,
  MergePlan,
  MergeSource,
  MergeGroupResult,
  MergeGroupInvoker,
  MergeGroupRequest,
  MergeGroupSource,
  MergeWorkers,
  Sequence,
} from './ops/merge/index.js';

// Symlink manifests (Presto / Redshift Spectrum / Hive readers without a Delta connector)
export {
  generateSymlinkManifest,
  ManifestNotSupportedError,
  MANIFEST_DIR,
  SYMLINK_MANIFEST_PROPERTY,
} from './manifest/index.js';
export type { ManifestResult } from './manifest/index.js';

// Expressions (filters, replaceWhere, OPTIMIZE where, DELETE/UPDATE predicates and SET values)
export { and, col, lit, not, or, parseExpression, toSql } from './expr/index.js';
export type { Expression, LiteralInput } from './expr/index.js';

// Schemas and values
export type * from './protocol/actions.js';
export type {
  ArrayType,
  DataType,
  DecimalType,
  FieldMetadata,
  FieldMetadataValue,
  MapType,
  PrimitiveType,
  PrimitiveTypeName,
  StructField,
  StructType,
} from './protocol/schema.js';
export { formatDataType, parseDataType } from './protocol/schema.js';
export type { Scalar } from './protocol/scalar.js';
export type { ColumnMappingMode } from './protocol/features.js';
export { deltaSchemaToArrow, arrowSchemaToDelta } from './protocol/arrow-schema.js';
export { batchToRows, batchToObjects } from './arrow/json-values.js';
export type { JsonValue } from './arrow/json-values.js';

// Storage: stores, and registering a URI scheme
export type {
  ByteRange,
  CommitCoordinator,
  CommitResult,
  IncompleteWrite,
  ListOptions,
  ObjectMeta,
  ObjectStore,
  PutOptions,
} from './storage/object-store.js';
export { LocalStore } from './storage/local-store.js';
export { MemoryStore } from './storage/memory-store.js';
export { registerStoreFactory, storeForUri } from './storage/registry.js';
export type { StorageOptions, StoreFactory } from './storage/registry.js';

// The engine's replaceable parts (`engine` in the table options)
export type { Engine, EngineOptions } from './engine/engine.js';
export { fixedClock, systemClock, type Clock } from './util/clock.js';
export { randomIds, sequentialIds, type IdSource } from './util/ids.js';
export type { ParquetFile, ParquetHandler } from './parquet/handler.js';
export type { OpenParquetOptions, ParquetFileReader, ReadBatchesOptions } from './parquet/reader.js';
export type {
  ParquetCompression,
  ParquetStreamWriter,
  ParquetWriteOptions,
  ParquetWriteResult,
} from './parquet/writer.js';
export type { ParquetMetadata } from './parquet/types.js';
