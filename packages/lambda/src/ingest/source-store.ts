/**
 * A read-only ObjectStore over one source object *version*: every GET and HEAD names the
 * S3 versionId when the event had one, and otherwise checks that the response's ETag is the
 * event's. Bytes of a newer upload under the same key can then never be ingested under the
 * older upload's appId (which would ingest the newer bytes twice once their own event comes).
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  InvalidArgumentError,
  NotFoundError,
  StorageError,
  type ByteRange,
  type ObjectMeta,
  type ObjectStore,
} from '@delta-serverless/core';
import { SourceChangedError } from '../errors.js';
import type { SourceObject } from './events.js';

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const unquote = (e: string | undefined) => e?.replace(/^"|"$/g, '');

export class SourceObjectStore implements ObjectStore {
  readonly root: string;

  constructor(
    private readonly client: S3Client,
    private readonly source: SourceObject,
  ) {
    this.root = `s3://${source.bucket}`;
  }

  private where(path: string): string {
    return `s3://${this.source.bucket}/${path}`;
  }

  private checkEtag(path: string, etag: string | undefined): void {
    if (this.source.versionId || !this.source.eTag || etag === undefined) return;
    if (unquote(etag) !== this.source.eTag)
      throw new SourceChangedError(
        this.where(path),
        `${this.where(path)} was replaced after the upload event (ETag ${unquote(etag)}, event had ${this.source.eTag}); ` +
          'the newer upload is ingested through its own event',
      );
  }

  private mapError(err: unknown, action: string, path: string): Error {
    const e = err as SdkError;
    const status = e.$metadata?.httpStatusCode;
    if (e.name === 'NoSuchVersion' || status === 412)
      return new SourceChangedError(this.where(path), `${this.where(path)}: the version the event announced is gone`);
    if (e.name === 'NoSuchKey' || e.name === 'NotFound' || status === 404)
      return new NotFoundError(path, `source object not found: ${this.where(path)} (deleted after the upload event?)`);
    return new StorageError(
      `S3 ${action} ${this.where(path)} failed${status ? ` (HTTP ${status})` : ''}: ${e.name ?? ''} ${e.message ?? String(err)}`,
    );
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    if (range && range.end <= range.start) return this.head(path).then(() => new Uint8Array(0));
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.source.bucket,
          Key: path,
          VersionId: this.source.versionId,
          Range: range ? `bytes=${range.start}-${range.end - 1}` : undefined,
        }),
      );
      this.checkEtag(path, res.ETag);
      return res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
    } catch (err) {
      if (err instanceof SourceChangedError) throw err;
      if ((err as SdkError).$metadata?.httpStatusCode === 416) return new Uint8Array(0);
      throw this.mapError(err, 'GetObject', path);
    }
  }

  async head(path: string): Promise<ObjectMeta> {
    let res;
    try {
      res = await this.client.send(
        new HeadObjectCommand({ Bucket: this.source.bucket, Key: path, VersionId: this.source.versionId }),
      );
    } catch (err) {
      throw this.mapError(err, 'HeadObject', path);
    }
    this.checkEtag(path, res.ETag);
    return {
      path,
      size: Number(res.ContentLength ?? 0),
      lastModified: res.LastModified?.getTime() ?? 0,
      etag: res.ETag,
    };
  }

  put(): Promise<void> {
    return Promise.reject(readOnly());
  }
  putStream(): Promise<void> {
    return Promise.reject(readOnly());
  }
  deleteMany(): Promise<void> {
    return Promise.reject(readOnly());
  }
  list(): AsyncIterable<ObjectMeta> {
    throw readOnly();
  }
}

function readOnly(): Error {
  return new InvalidArgumentError('source objects are read-only to the ingest handler');
}
