/**
 * Typed errors of @delta-serverless/core. Every error a user can cause is one of these,
 * with a message that says what went wrong and what to do about it.
 */

export type DeltaErrorCode =
  | 'NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'STORAGE'
  | 'TABLE_NOT_FOUND'
  | 'UNSUPPORTED_FEATURE'
  | 'PROTOCOL'
  | 'CORRUPT_LOG'
  | 'CORRUPT_DATA'
  | 'VERSION_NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'EXPRESSION'
  | 'SCHEMA_MISMATCH'
  | 'CONFLICT'
  | 'COMMIT_FAILED'
  | 'INTERNAL';

export class DeltaError extends Error {
  readonly code: DeltaErrorCode;
  constructor(code: DeltaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An object does not exist in the store. */
export class NotFoundError extends DeltaError {
  constructor(
    readonly path: string,
    message = `object not found: ${path}`,
    options?: { cause?: unknown },
  ) {
    super('NOT_FOUND', message, options);
  }
}

/** A conditional write found the object already present (put-if-absent lost). */
export class PreconditionFailedError extends DeltaError {
  constructor(
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super('PRECONDITION_FAILED', `object already exists: ${path}`, options);
  }
}

/** Any other storage failure (permissions, I/O, network) after retries. */
export class StorageError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE', message, options);
  }
}

/** The location holds no Delta table (no `_delta_log` with commits or checkpoints). */
export class TableNotFoundError extends DeltaError {
  constructor(
    readonly uri: string,
    detail = '',
  ) {
    super(
      'TABLE_NOT_FOUND',
      `no Delta table at ${uri}: ${detail || '_delta_log has no commits or checkpoints'}. ` +
        'Check the path, or create the table first.',
    );
  }
}

/** The table uses a protocol version or table feature this library cannot honour. */
export class UnsupportedFeatureError extends DeltaError {
  constructor(
    readonly feature: string,
    message: string,
  ) {
    super('UNSUPPORTED_FEATURE', message);
  }
}

/** The log is inconsistent: a gap in versions, an unparsable action, a missing checkpoint part. */
export class CorruptLogError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CORRUPT_LOG', message, options);
  }
}

/**
 * The Parquet engine (parquet-wasm) failed inside while encoding our own data (a wasm trap):
 * not the data's fault. The operation was abandoned, nothing was committed, and the engine
 * was replaced by a fresh instance; retrying is safe.
 */
export class ParquetEngineError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTERNAL', message, options);
  }
}

/** A data file or deletion vector could not be read as the log describes it. */
export class CorruptDataError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CORRUPT_DATA', message, options);
  }
}

/**
 * A Parquet file (data file, checkpoint, ingest input) cannot be decoded: damaged pages, a bad
 * footer, a truncated object. `path` names the file. Nothing was committed from it; the
 * process and the Parquet decoder stay usable.
 */
export class CorruptDataFileError extends CorruptDataError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Time travel asked for a version or timestamp the log cannot reconstruct. */
export class VersionNotFoundError extends DeltaError {
  constructor(message: string) {
    super('VERSION_NOT_FOUND', message);
  }
}

/** The caller passed an option or value that cannot work. */
export class InvalidArgumentError extends DeltaError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** A filter or SQL-like expression could not be parsed, typed or evaluated. */
export class ExpressionError extends DeltaError {
  constructor(message: string) {
    super('EXPRESSION', message);
  }
}

/** Data does not fit the table schema. */
export class SchemaMismatchError extends DeltaError {
  constructor(message: string) {
    super('SCHEMA_MISMATCH', message);
  }
}

/**
 * A concurrent commit made this transaction's commit invalid. `winningVersion` is the
 * commit that won; the subclass says which rule it broke (Delta's conflict rules).
 */
export class CommitConflictError extends DeltaError {
  constructor(
    readonly conflict: string,
    readonly winningVersion: number,
    message: string,
    readonly winningOperation?: string,
  ) {
    super('CONFLICT', message);
  }
}

/** The winner added files this transaction should have read (its read predicate matches them). */
export class ConcurrentAppendError extends CommitConflictError {}
/** The winner removed a file this transaction read. */
export class ConcurrentDeleteReadError extends CommitConflictError {}
/** The winner removed a file this transaction also removes. */
export class ConcurrentDeleteDeleteError extends CommitConflictError {}
/** The winner changed the table metadata (schema, partitioning, properties). */
export class MetadataChangedError extends CommitConflictError {}
/** The winner changed the protocol. */
export class ProtocolChangedError extends CommitConflictError {}
/** The winner committed a txn for the same application id. */
export class ConcurrentTransactionError extends CommitConflictError {}

/** A commit could not be made (deadline exhausted, storage failure while committing). */
export class CommitFailedError extends DeltaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('COMMIT_FAILED', message, options);
  }
}

/** The table's protocol or properties forbid this write (appendOnly, unknown writer feature...). */
export class WriteNotAllowedError extends DeltaError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** Rows violate a CHECK constraint, column invariant or NOT NULL column; nothing was committed. */
export class ConstraintViolationError extends DeltaError {
  constructor(
    readonly constraint: string,
    message: string,
  ) {
    super('SCHEMA_MISMATCH', message);
  }
}

/**
 * Writing the commit failed and it could not be checked whether it landed (e.g. the store became
 * unreachable). The write's data files are kept; read the table before retrying, or retry with
 * `txn` so a write that did land is skipped.
 */
export class CommitOutcomeUnknownError extends DeltaError {
  constructor(
    readonly version: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('COMMIT_FAILED', message, options);
  }
}

/**
 * VACUUM was asked for a retention shorter than the table's `delta.deletedFileRetentionDuration`:
 * readers of older versions and writers that have not committed yet may lose files.
 */
export class RetentionTooShortError extends DeltaError {
  constructor(
    readonly retentionMs: number,
    readonly minimumMs: number,
    message: string,
  ) {
    super('INVALID_ARGUMENT', message);
  }
}

/** A data file of the version being read no longer exists (most likely removed by VACUUM). */
export class MissingDataFileError extends CorruptDataError {
  constructor(
    readonly path: string,
    readonly version: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An input object handed to ingestion (CSV, NDJSON, gzip, Parquet) cannot be read as the format
 * says. `key` names the object; `line` (1-based) and `column` locate the bad value when known.
 */
export class InputFormatError extends DeltaError {
  constructor(
    readonly key: string,
    message: string,
    readonly line?: number,
    readonly column?: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_ARGUMENT', message, options);
  }
}
