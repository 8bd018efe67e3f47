/**
 * The Delta `txn` appId of one upload: stable across redeliveries, retries and invocations of
 * its event, distinct for every upload — the key of exactly-once. One upload, one ingest:
 * whatever its bytes, and however it was uploaded (single PUT, multipart of any part size, copy).
 *
 * The upload is named by, in order of preference:
 * - the S3 `versionId` (versioned buckets): unique per write;
 * - the event's `sequencer` (unversioned buckets): S3 gives every write to a key its own
 *   sequencer, and a redelivered or duplicated notification carries the same one;
 * - the ETag, only for events that carry neither (hand-made events): then identical bytes
 *   uploaded again to the same key count as the same upload.
 */
import { createHash } from 'node:crypto';
import type { SourceObject } from './events.js';

export const APP_ID_PREFIX = 'ingest:';

/** The upload's token: `v:<versionId>`, else `s:<sequencer>`, else `e:<ETag>`. */
export function versionToken(obj: Pick<SourceObject, 'eTag' | 'versionId' | 'sequencer'>): string | undefined {
  if (obj.versionId) return `v:${obj.versionId}`;
  if (obj.sequencer) return `s:${obj.sequencer.toUpperCase()}`;
  return obj.eTag ? `e:${obj.eTag.replace(/^"|"$/g, '')}` : undefined;
}

/** `ingest:` + 40 hex digits of sha256("s3://bucket/key" NUL token). */
export function sourceAppId(obj: Pick<SourceObject, 'bucket' | 'key' | 'eTag' | 'versionId' | 'sequencer'>): string {
  const token = versionToken(obj);
  if (!token)
    throw new Error(
      `s3://${obj.bucket}/${obj.key}: the event has no versionId, sequencer or eTag; cannot tell this upload from another`,
    );
  const digest = createHash('sha256').update(`s3://${obj.bucket}/${obj.key}\u0000${token}`).digest('hex');
  return APP_ID_PREFIX + digest.slice(0, 40);
}
