/**
 * The data bucket: landing uploads and Delta tables. Versioning off by default (see
 * infra/README.md), SSE-S3 encryption, HTTPS-only and public access blocked (SST defaults),
 * lifecycle rules from infra/lifecycle.ts.
 */
import type { Settings } from './config.js';
import { lifecycleRules } from './lifecycle.js';

/** Create the bucket and its lifecycle and encryption configuration. */
export function createStorage(settings: Settings) {
  const bucket = new sst.aws.Bucket('Data', { versioning: settings.versioning });
  // A resource of our own: SST's `lifecycle` option cannot abort incomplete multipart uploads.
  new aws.s3.BucketLifecycleConfiguration('DataLifecycle', {
    bucket: bucket.name,
    rules: lifecycleRules(settings),
  });
  // S3 encrypts new objects with SSE-S3 anyway; declaring it keeps the setting visible and
  // guarded. SSE-KMS would also need kms:GenerateDataKey/Decrypt on every function.
  new aws.s3.BucketServerSideEncryptionConfiguration('DataEncryption', {
    bucket: bucket.name,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
  });
  return { bucket };
}
