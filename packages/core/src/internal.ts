/**
 * `@delta-serverless/core/internal`: the engine's building blocks, for @delta-serverless/aws,
 * lambda and cli (staging files and committing them, the log, checkpoints, Parquet, input
 * formats). No stability promise: names here change with the engine. What applications need
 * is in the package's main export; nothing is exported from both.
 */

// Engine and storage
export { createEngine } from './engine/engine.js';
export { defaultParquetHandler } from './parquet/handler.js';
export { listAll } from './storage/object-store.js';
export { normaliseTableUri, uriScheme } from './storage/registry.js';
export { concatBytes } from './util/bytes.js';
export { stopwatch } from './util/clock.js';

// Log and snapshots
export { loadSnapshot, tryLoadSnapshot, refreshSnapshot } from './snapshot/load.js';
export { parseActions, serializeActions } from './log/commit-file.js';
export { commitPath, versionPrefix, LOG_DIR } from './log/file-names.js';
export { readLastCheckpoint, type LastCheckpointHint } from './log/segment.js';
export { writeCheckpoint } from './log/checkpoint-write.js';
export {
  checkpointPartOf,
  commitCheckpointParts,
  planCheckpointParts,
  writeCheckpointInParts,
  writeCheckpointPart,
  type CheckpointPartResult,
  type CheckpointPartsLayout,
  type CheckpointPartsPlan,
} from './log/checkpoint-parts.js';
export { cleanupExpiredLogs } from './log/cleanup.js';
export { toEpochMillis } from './table/delta-table.js';

// Transactions
export {
  commitTransaction,
  Transaction,
  PutIfAbsentCoordinator,
  defaultCoordinator,
  runPostCommitHooks,
  ENGINE_INFO,
} from './transaction/index.js';
export type { CommitOutcome, CommitRequest, ReadSet, TxnKey } from './transaction/index.js';

// Operations' steps
export { writeTable, planWrite, executeWrite, commitWrite } from './ops/write/index.js';
export type { WritePlan, WrittenData } from './ops/write/index.js';
export { createTable, planCreate, commitCreate, type CreatePlan } from './ops/create/index.js';
export { restoreTable, planRestore, checkRestoredFiles, commitRestore, type RestorePlan } from './ops/restore/index.js';
export { scanParquetDirectory, planConvert, commitConvert, type ConvertPlan } from './ops/convert/index.js';
export { optimize, runBins } from './ops/optimize/index.js';
export {
  addConstraint,
  dropConstraint,
  planAddConstraint,
  planDropConstraint,
  checkExistingRows,
  commitConstraint,
  type AddConstraintPlan,
  type DropConstraintPlan,
  type ConstraintPlan,
} from './ops/constraints/index.js';
export { vacuum, planVacuum, DEFAULT_DELETED_FILE_RETENTION, type VacuumPlan } from './ops/vacuum/index.js';
export { planDml, executeDmlPlan, type DmlStatement } from './ops/dml/index.js';
export { deleteRows } from './ops/delete/index.js';
export { updateRows, parseSetClause } from './ops/update/index.js';
export {
  setTableProperties,
  planSetProperties,
  commitSetProperties,
  unsetTableProperties,
  planUnsetProperties,
  commitUnsetProperties,
} from './ops/properties/index.js';
export type { SetPropertiesPlan, SetPropertiesResult, UnsetPropertiesPlan } from './ops/properties/index.js';

// Symlink manifests' steps (the post-commit hook uses them)
export {
  updateSymlinkManifests,
  symlinkManifestEnabled,
  planFullManifest,
  planIncrementalManifest,
  executeManifestPlan,
} from './manifest/index.js';
export type { ManifestPlan, ManifestWrite } from './manifest/index.js';

// Staged writes (the ingest Lambda)
export { stageDataFiles, referenceDataFile, foldStagedSchema, layoutActions } from './write/stage.js';
export type { StageLayout, StagedFiles } from './write/stage.js';

// Ingest input formats -> Arrow
export { readInputObject, readInputStream, detectFormat, DEFAULT_BATCH_ROWS } from './formats/index.js';
export { TEXT_ENCODINGS } from './formats/index.js';
export type { CsvOptions, DetectedFormat, InputFormat, ReadInputOptions, TextEncoding } from './formats/index.js';
// Change streams (AWS DMS, Debezium) -> change batches
export { readChanges, CDC_OP_COLUMN, CDC_SEQUENCE_COLUMN, CHANGE_FORMATS } from './formats/cdc/index.js';
export type { ChangeFormat, ChangeOp, ChangeReadOptions } from './formats/cdc/index.js';
export {
  applyChangeFile,
  CDC_DELETED_COLUMN,
  mergeChanges,
  TOMBSTONE_FOLDER,
  TOMBSTONE_MARK,
  tombstoneEngine,
} from './ops/cdc/index.js';
export type {
  ApplyChangesOptions,
  ApplyChangesResult,
  CdcDeletes,
  CdcOptions,
  ChangeMergeRunner,
} from './ops/cdc/index.js';

// Strict parsing of the numbers users type (versions, counts, timestamps) in the CLI and handler configuration
export {
  parseVersion,
  parseCount,
  parsePositiveCount,
  parseTimestamp,
  checkVersion,
  checkEpochMillis,
} from './util/numbers.js';

// Protocol
export { parseSchemaString, schemaToString, dataTypeToJson, isPrimitive, findField } from './protocol/schema.js';
export { deltaTypeToArrow, arrowTypeToDelta } from './protocol/arrow-schema.js';
export { parseIntervalMs } from './protocol/intervals.js';
export {
  SUPPORTED_READER_FEATURES,
  assertReadable,
  hasReaderFeature,
  hasWriterFeature,
  columnMappingMode,
} from './protocol/features.js';
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

// Expressions, bound
export { bind, columnsOf } from './expr/index.js';
export type { BoundExpression, StatsLookup } from './expr/index.js';

// Arrow and Parquet
export { encodeValue } from './arrow/json-values.js';
export { projectBatch } from './arrow/project.js';
export { openParquetFile } from './parquet/reader.js';
export { writeParquet, createParquetWriter } from './parquet/writer.js';
export { preloadParquet } from './parquet/wasm.js';
