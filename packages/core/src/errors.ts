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

/**
 * Something a message tells the user to do: pass an option, or run an operation. Messages name
 * it through a `Say`, so each interface words it its own way: the SDK by its option names
 * (`schemaMode: 'merge'`), the CLI by its flags and commands (`--schema-mode merge`).
 */
export type Advice =
  | { option: 'schemaMode'; value: 'merge' | 'overwrite' }
  | { option: 'mode'; value: 'overwrite' }
  | { option: 'ifNotExists' }
  | { option: 'enforceRetention'; value: false }
  | { option: 'retentionHours'; hours: number }
  | { option: 'replaceWhere' }
  | { option: 'partitionOverwrite'; value: 'dynamic' }
  | { option: 'partitionBy'; column?: string }
  | { option: 'format' }
  | { option: 'delimiter'; value: string }
  /** Read the input with a schema: one that `include`s a column, or `widen`s a column's type. */
  | { option: 'schema'; purpose: 'include' | 'widen'; column?: string }
  /** Rows per batch of text input: `raise` (columns are fixed from the first batch) or `lower`. */
  | { option: 'batchRows'; change: 'raise' | 'lower' }
  /** The outcome of a commit is unknown: how to retry safely (a sentence). */
  | { option: 'txn' }
  /** Commit retries ran out of time: raising the deadline (empty where it cannot be raised). */
  | { option: 'retryDeadline' }
  /** The most columns an input object may have. */
  | { option: 'maxColumns' }
  /** Declaring a text input's encoding (one of the non-UTF-8 ones it can convert). */
  | { option: 'encoding' }
  | { operation: 'setProperties'; properties: Readonly<Record<string, string>> }
  | { operation: 'unsetProperties'; keys: readonly string[] }
  | { operation: 'addConstraint'; name: string; expression: string }
  | { operation: 'dropConstraint'; name: string };

/** Words for an Advice in one interface. */
export type Say = (advice: Advice) => string;

const quoted = (v: string) =>
  `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\t/g, '\\t').replace(/\n/g, '\\n')}'`;

function sdkOperation(a: Extract<Advice, { operation: string }>): string {
  switch (a.operation) {
    case 'setProperties':
      return `setProperties({ ${Object.entries(a.properties)
        .map(([k, v]) => `${quoted(k)}: ${quoted(v)}`)
        .join(', ')} })`;
    case 'unsetProperties':
      return `unsetProperties([${a.keys.map(quoted).join(', ')}])`;
    case 'addConstraint':
      return `addConstraint(${quoted(a.name)}, ${quoted(a.expression)})`;
    case 'dropConstraint':
      return `dropConstraint(${quoted(a.name)})`;
  }
}

/** The SDK's words: option names and method calls. */
export const sdkWords: Say = (a) => {
  if ('operation' in a) return sdkOperation(a);
  switch (a.option) {
    case 'schemaMode':
    case 'mode':
    case 'partitionOverwrite':
      return `${a.option}: ${quoted(a.value)}`;
    case 'enforceRetention':
      return 'enforceRetention: false';
    case 'retentionHours':
      return `retentionHours: ${a.hours}`;
    case 'ifNotExists':
      return 'ifNotExists: true';
    case 'replaceWhere':
      return 'replaceWhere';
    case 'partitionBy':
      return a.column ? `partitionBy: [{ name: ${quoted(a.column)}, type }]` : 'partitionBy';
    case 'format':
      return "the format option ('parquet', 'csv' or 'ndjson')";
    case 'delimiter':
      return `csv: { delimiter: ${quoted(a.value)} }`;
    case 'schema':
      return a.purpose === 'include'
        ? 'pass a schema that includes it'
        : `pass a schema that gives column "${a.column ?? ''}" a wider type (e.g. string)`;
    case 'batchRows':
      return a.change === 'raise' ? 'raise batchRows' : 'use a smaller batchRows';
    case 'txn':
      return 'Read the table before retrying, or retry with txn.';
    case 'retryDeadline':
      return ' or raise the retry deadline (retry: { deadlineMs })';
    case 'maxColumns':
      return 'maxColumns';
    case 'encoding':
      return `encoding: 'latin1' or 'windows-1252'`;
  }
};

/** A message: text, or text with advice worded by the interface that shows it. */
export type Message = string | ((say: Say) => string);

export class DeltaError extends Error {
  readonly code: DeltaErrorCode;
  private readonly wording?: (say: Say) => string;
  constructor(code: DeltaErrorCode, message: Message, options?: { cause?: unknown }) {
    super(typeof message === 'string' ? message : message(sdkWords), options);
    this.code = code;
    this.name = new.target.name;
    if (typeof message !== 'string') this.wording = message;
  }

  /** The message with its advice in the words of `say` (`message` has the SDK's). */
  messageIn(say: Say): string {
    return this.wording ? this.wording(say) : this.message;
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
  constructor(message: Message, options?: { cause?: unknown }) {
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
    message: Message,
  ) {
    super('UNSUPPORTED_FEATURE', message);
  }
}

/** The log is inconsistent: a gap in versions, an unparsable action, a missing checkpoint part. */
export class CorruptLogError extends DeltaError {
  constructor(message: Message, options?: { cause?: unknown }) {
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
  constructor(message: Message, options?: { cause?: unknown }) {
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
  constructor(message: Message) {
    super('VERSION_NOT_FOUND', message);
  }
}

/**
 * A snapshot opened without its file list (`lazyFiles`) was asked for its files synchronously
 * before they were read.
 */
export class FilesNotLoadedError extends DeltaError {
  constructor(uri: string, version: number, what: string) {
    super(
      'INVALID_ARGUMENT',
      `the file list of ${uri} at version ${version} is not loaded (the table was opened with lazyFiles), ` +
        `so ${what} is not known yet: call \`await snapshot.loadFiles()\` first, or open the table without lazyFiles`,
    );
  }
}

/** The caller passed an option or value that cannot work. */
export class InvalidArgumentError extends DeltaError {
  constructor(message: Message) {
    super('INVALID_ARGUMENT', message);
  }
}

/** A filter or SQL-like expression could not be parsed, typed or evaluated. */
export class ExpressionError extends DeltaError {
  constructor(message: Message) {
    super('EXPRESSION', message);
  }
}

/** Data does not fit the table schema. */
export class SchemaMismatchError extends DeltaError {
  constructor(message: Message) {
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
  constructor(message: Message, options?: { cause?: unknown }) {
    super('COMMIT_FAILED', message, options);
  }
}

/** The table's protocol or properties forbid this write (appendOnly, unknown writer feature...). */
export class WriteNotAllowedError extends DeltaError {
  constructor(message: Message) {
    super('INVALID_ARGUMENT', message);
  }
}

/** Rows violate a CHECK constraint, column invariant or NOT NULL column; nothing was committed. */
export class ConstraintViolationError extends DeltaError {
  constructor(
    readonly constraint: string,
    message: Message,
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
    message: Message,
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
    message: Message,
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
    message: Message,
    readonly line?: number,
    readonly column?: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_ARGUMENT', message, options);
  }
}
