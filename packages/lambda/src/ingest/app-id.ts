/**
 * The Delta `txn` appId of a source object version: stable across redeliveries, retries
 * and invocations, distinct for every (bucket, key, version) — the key of exactly-once.
 */
import { createHash } from 'node:crypto';
import type { SourceObject } from './events.js';

export const APP_ID_PREFIX = 'ingest:';

/** The version token: S3 versionId when the bucket is versioned, else the ETag. */
export function versionToken(obj: Pick<SourceObject, 'eTag' | 'versionId'>): string | undefined {
  return obj.versionId ? `v:${obj.versionId}` : obj.eTag ? `e:${obj.eTag.replace(/^"|"$/g, '')}` : undefined;
}

/** `ingest:` + 40 hex digits of sha256("s3://bucket/key" NUL token). */
export function sourceAppId(obj: Pick<SourceObject, 'bucket' | 'key' | 'eTag' | 'versionId'>): string {
  const token = versionToken(obj);
  if (!token) throw new Error(`s3://${obj.bucket}/${obj.key} has neither versionId nor eTag; cannot derive an appId`);
  const digest = createHash('sha256').update(`s3://${obj.bucket}/${obj.key}\u0000${token}`).digest('hex');
  return APP_ID_PREFIX + digest.slice(0, 40);
}
