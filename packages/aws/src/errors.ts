/** Typed errors of @delta-serverless/aws (storage errors reuse core's classes). */
import { StorageError } from '@delta-serverless/core';

/** S3 or DynamoDB refused an action: the message names the bucket/key or table and the action. */
export class AccessDeniedError extends StorageError {
  constructor(
    readonly resource: string,
    readonly action: string,
    options?: { cause?: unknown },
  ) {
    super(
      `access denied: ${action} on ${resource}. Grant the caller's IAM role this action on this resource ` +
        '(and check the bucket policy and KMS key policy).',
      options,
    );
  }
}
