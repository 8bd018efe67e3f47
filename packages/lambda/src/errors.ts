/** Typed errors of @delta-serverless/lambda (all DeltaError subclasses, so callers can switch on `code`). */
import { DeltaError } from '@delta-serverless/core';

/** The routing configuration is invalid: the handler refuses to start (cold start). */
export class IngestConfigError extends DeltaError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** A queue message or event is not a notification the handler understands. */
export class MalformedEventError extends DeltaError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/**
 * The source object no longer has the version the event announced (overwritten or deleted
 * since): its data is gone, and the newer version has its own event.
 */
export class SourceChangedError extends DeltaError {
  constructor(
    readonly uri: string,
    message: string,
  ) {
    super('PRECONDITION_FAILED', message);
  }
}

/** One source object could not be ingested (unreadable, corrupt, wrong schema); nothing was committed for it. */
export class ObjectIngestError extends DeltaError {
  constructor(
    readonly uri: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_ARGUMENT', `could not ingest ${uri}: ${reason}`, options);
  }
}

/**
 * Work for a message did not finish before the invocation's deadline (its commit kept losing
 * races, or the store was too slow): the message fails while the function can still report it,
 * and SQS redelivers it. Whatever did commit is skipped on redelivery.
 */
export class IngestDeadlineError extends DeltaError {
  constructor(message: string) {
    super('COMMIT_FAILED', message);
  }
}

/**
 * An upload's event is older than the table's transaction retention: the table may have
 * forgotten that the upload was ingested, so ingesting it could duplicate its rows.
 */
export class StaleEventError extends DeltaError {
  constructor(
    readonly uri: string,
    message: string,
  ) {
    super('PRECONDITION_FAILED', message);
  }
}

/** The maintenance configuration (DELTA_MAINTENANCE_TABLES) is invalid. */
export class MaintenanceConfigError extends DeltaError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** An optimize-worker invocation failed; its bins were not rewritten (the others may commit). */
export class OptimizeWorkerError extends DeltaError {
  constructor(
    readonly binIds: string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super('STORAGE', message, options);
  }
}

/** A checkpoint part was not written (worker failed or the deadline came first): the checkpoint was not committed. */
export class CheckpointPartsError extends DeltaError {
  constructor(
    readonly parts: number[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super('STORAGE', message, options);
  }
}
