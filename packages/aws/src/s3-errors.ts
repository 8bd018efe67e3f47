/** Map S3 SDK errors to the engine's typed errors, naming the bucket/key and the action. */
import { NotFoundError, PreconditionFailedError, StorageError } from '@delta-serverless/core';
import { AccessDeniedError } from './errors.js';

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * `path` is the store-relative path the caller asked for: NotFoundError / PreconditionFailedError
 * carry it (like LocalStore and MemoryStore do), while messages name the full `s3://` location.
 */
export function mapS3Error(err: unknown, action: string, bucket: string, key: string, path: string = key): Error {
  const e = err as SdkError;
  const status = e?.$metadata?.httpStatusCode;
  const name = e?.name ?? e?.Code ?? '';
  const where = `s3://${bucket}/${key}`;
  if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket'))
    return new NotFoundError(path, `object not found: ${where}`, { cause: err });
  if (name === 'PreconditionFailed' || status === 412 || (status === 409 && name === 'ConditionalRequestConflict')) {
    return new PreconditionFailedError(path, { cause: err });
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403)
    return new AccessDeniedError(where, `s3:${action}`, { cause: err });
  if (name === 'NoSuchBucket')
    return new StorageError(`bucket ${bucket} does not exist (${action} ${where}); create it or fix the table URI`, {
      cause: err,
    });
  return new StorageError(
    `S3 ${action} ${where} failed${status ? ` (HTTP ${status})` : ''}: ${name ? `${name}: ` : ''}${e?.message ?? String(err)}`,
    { cause: err },
  );
}
