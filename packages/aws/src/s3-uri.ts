/** `s3://bucket/prefix` and `s3a://bucket/prefix` table URIs. */
import { InvalidArgumentError } from '@delta-serverless/core';

export interface S3Location {
  scheme: 's3' | 's3a';
  bucket: string;
  /** Key prefix of the table root, without leading or trailing slash ('' for the bucket root). */
  prefix: string;
}

export function parseS3Uri(uri: string): S3Location {
  const m = /^(s3a?):\/\/([^/]+)\/?(.*)$/i.exec(uri);
  if (!m) throw new InvalidArgumentError(`not an S3 URI: ${uri} (expected s3://bucket/path or s3a://bucket/path)`);
  return { scheme: m[1]!.toLowerCase() as 's3' | 's3a', bucket: m[2]!, prefix: m[3]!.replace(/^\/+|\/+$/g, '') };
}

export function formatS3Uri(loc: S3Location, scheme: 's3' | 's3a' = loc.scheme): string {
  return `${scheme}://${loc.bucket}${loc.prefix ? `/${loc.prefix}` : ''}`;
}
