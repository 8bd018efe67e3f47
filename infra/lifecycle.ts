/**
 * Lifecycle rules of the data bucket (plain module: tests read them).
 *
 * S3 lifecycle filters match literal key prefixes, with no wildcard for "any table", so the
 * DynamoDB protocol's temp commit files get one rule per configured table:
 * `<tablesPrefix><table>/_delta_log/.tmp/`. Tables created outside the configuration (e.g. by
 * the SDK) need their own rule. S3 allows 1,000 rules per bucket.
 */
import { allTables, tableKeyPrefix, type Settings } from './config.js';

/** One rule in the shape of the AWS provider's BucketLifecycleConfiguration rule. */
export interface LifecycleRule {
  id: string;
  status: 'Enabled';
  filter: { prefix: string };
  expiration?: { days: number } | { expiredObjectDeleteMarker: true };
  abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
  noncurrentVersionExpiration?: { noncurrentDays: number };
}

/** The bucket's rules: temp-file expiry per table, multipart abort, noncurrent-version expiry. */
export function lifecycleRules(s: Settings): LifecycleRule[] {
  const rules: LifecycleRule[] = allTables(s).map((table, i) => ({
    // The index keeps ids unique when two names sanitise alike ("a/b", "a-b").
    id: ruleId(`expire-commit-tmp-${i}-${table}`),
    status: 'Enabled',
    filter: { prefix: `${tableKeyPrefix(s, table)}_delta_log/.tmp/` },
    expiration: { days: s.tmpExpirationDays },
  }));
  // Streaming uploads of data files use multipart; a crashed Lambda leaves parts that cost storage.
  rules.push({
    id: 'abort-incomplete-multipart-uploads',
    status: 'Enabled',
    filter: { prefix: '' },
    abortIncompleteMultipartUpload: { daysAfterInitiation: s.abortMultipartDays },
  });
  if (s.versioning) {
    // VACUUM deletes files on purpose; with versioning the bytes would otherwise stay forever
    // (a delete only adds a delete marker). Noncurrent versions expire, and so do the delete
    // markers left once their noncurrent versions are gone (each would otherwise stay, and be
    // listed by every ListObjectVersions).
    rules.push({
      id: 'expire-noncurrent-versions',
      status: 'Enabled',
      filter: { prefix: '' },
      noncurrentVersionExpiration: { noncurrentDays: s.noncurrentVersionExpirationDays },
      expiration: { expiredObjectDeleteMarker: true },
    });
  }
  return rules;
}

/** Rule ids are at most 255 characters; table names are path-like, so keep them readable. */
function ruleId(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 255);
}
