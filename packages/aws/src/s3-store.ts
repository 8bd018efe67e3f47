/**
 * ObjectStore on Amazon S3 (and S3-compatible stores): ranged GETs, paginated listing with
 * StartAfter, batched DeleteObjects, conditional PutObject (`If-None-Match: *`) and
 * streaming multipart uploads in bounded memory.
 */
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  StorageError,
  type ByteRange,
  type CommitCoordinator,
  type IncompleteWrite,
  type ListOptions,
  type ObjectMeta,
  type ObjectStore,
  type PutOptions,
} from '@delta-serverless/core';
import { concatBytes } from '@delta-serverless/core/internal';
import { mapS3Error } from './s3-errors.js';
import { formatS3Uri, type S3Location } from './s3-uri.js';

/**
 * Multipart part size and parts in flight: memory per upload is about their product, plus the
 * chunk being split into parts (a Parquet row group).
 */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
const DELETE_BATCH = 1000;

export interface S3StoreOptions {
  client: S3Client;
  location: S3Location;
  commitCoordinator?: CommitCoordinator;
}

export class S3Store implements ObjectStore {
  readonly root: string;
  readonly client: S3Client;
  readonly bucket: string;
  readonly commitCoordinator?: CommitCoordinator;
  private readonly prefix: string;

  constructor(opts: S3StoreOptions) {
    this.client = opts.client;
    this.bucket = opts.location.bucket;
    this.prefix = opts.location.prefix ? `${opts.location.prefix}/` : '';
    this.root = formatS3Uri(opts.location);
    this.commitCoordinator = opts.commitCoordinator;
  }

  /** Full S3 key of a store path. */
  key(path: string): string {
    return this.prefix + path;
  }

  async get(path: string, range?: ByteRange): Promise<Uint8Array> {
    // An empty range still fails on a missing object, like the other stores (one HEAD; rare).
    if (range && range.end <= range.start) return this.head(path).then(() => new Uint8Array(0));
    const key = this.key(path);
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end - 1}` : undefined,
        }),
      );
      if (!res.Body) return new Uint8Array(0);
      return await res.Body.transformToByteArray();
    } catch (err) {
      // A range starting at or past the end of the object.
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416)
        return new Uint8Array(0);
      throw mapS3Error(err, 'GetObject', this.bucket, key, path);
    }
  }

  async head(path: string): Promise<ObjectMeta> {
    const key = this.key(path);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        path,
        size: Number(res.ContentLength ?? 0),
        lastModified: res.LastModified?.getTime() ?? 0,
        etag: res.ETag,
      };
    } catch (err) {
      throw mapS3Error(err, 'HeadObject', this.bucket, key, path);
    }
  }

  async put(path: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    const key = this.key(path);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: data,
          ContentLength: data.length,
          ContentType: options?.contentType,
          IfNoneMatch: options?.ifNoneMatch ? '*' : undefined,
        }),
      );
    } catch (err) {
      throw mapS3Error(err, 'PutObject', this.bucket, key, path);
    }
  }

  async putStream(path: string, chunks: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<void> {
    if (options?.ifNoneMatch) {
      // Conditional writes are single PUTs (commit files are small).
      const parts: Uint8Array[] = [];
      for await (const c of chunks) parts.push(c);
      return this.put(path, concatBytes(parts), options);
    }
    // Objects smaller than one part (most data files of an event-driven table) go up in one
    // PutObject; only what outgrows a part takes lib-storage's multipart Upload. The buffer is
    // the one part Upload would hold anyway.
    const it = chunks[Symbol.asyncIterator]();
    const head: Uint8Array[] = [];
    let buffered = 0;
    while (buffered < PART_SIZE) {
      const r = await it.next();
      if (r.done) return this.put(path, concatBytes(head), options);
      head.push(r.value);
      buffered += r.value.length;
    }
    const all = (async function* () {
      yield* head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })();
    const key = this.key(path);
    const upload = new Upload({
      client: this.client,
      // highWaterMark 0: pull a chunk only when the upload needs one. Readable.from's default
      // reads 16 chunks ahead; fed by a Parquet writer (one chunk per row group) that buffered
      // most of the file whenever S3 was slower than encoding.
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: Readable.from(all, { highWaterMark: 0 }),
        ContentType: options?.contentType,
      },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      throw mapS3Error(err, 'PutObject (multipart)', this.bucket, key, path);
    }
  }

  async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    const recursive = options?.recursive ?? true;
    let token: string | undefined;
    const startAfter = options?.startAfter !== undefined ? this.key(options.startAfter) : undefined;
    do {
      let res;
      try {
        res = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.key(prefix),
            Delimiter: recursive ? undefined : '/',
            StartAfter: token ? undefined : startAfter,
            ContinuationToken: token,
          }),
        );
      } catch (err) {
        throw mapS3Error(err, 'ListObjectsV2', this.bucket, this.key(prefix));
      }
      for (const o of res.Contents ?? []) {
        if (!o.Key || !o.Key.startsWith(this.prefix)) continue;
        yield {
          path: o.Key.slice(this.prefix.length),
          size: Number(o.Size ?? 0),
          lastModified: o.LastModified?.getTime() ?? 0,
          etag: o.ETag,
        };
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Incomplete multipart uploads under `prefix`: a writer killed mid-upload of a large data file
   * leaves its parts, billed but invisible to listings, until aborted (here by VACUUM full, or by
   * the bucket's AbortIncompleteMultipartUpload lifecycle rule).
   */
  async *listIncompleteWrites(prefix: string): AsyncIterable<IncompleteWrite> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      let res;
      try {
        res = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            Prefix: this.key(prefix),
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
      } catch (err) {
        throw mapS3Error(err, 'ListMultipartUploads', this.bucket, this.key(prefix));
      }
      for (const u of res.Uploads ?? []) {
        if (!u.Key?.startsWith(this.prefix) || !u.UploadId) continue;
        const started = u.Initiated?.getTime() ?? 0;
        yield { path: u.Key.slice(this.prefix.length), size: 0, started, handle: u.UploadId };
      }
      const more = res.IsTruncated === true;
      keyMarker = more ? res.NextKeyMarker : undefined;
      uploadIdMarker = more ? res.NextUploadIdMarker : undefined;
    } while (keyMarker !== undefined);
  }

  async discardIncompleteWrites(writes: readonly IncompleteWrite[]): Promise<void> {
    for (const w of writes) {
      if (!w.handle) continue;
      try {
        await this.client.send(
          new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key(w.path), UploadId: w.handle }),
        );
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchUpload') continue;
        throw mapS3Error(err, 'AbortMultipartUpload', this.bucket, this.key(w.path), w.path);
      }
    }
  }

  async deleteMany(paths: readonly string[]): Promise<void> {
    for (let i = 0; i < paths.length; i += DELETE_BATCH) {
      const batch = paths.slice(i, i + DELETE_BATCH);
      let res;
      try {
        res = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((p) => ({ Key: this.key(p) })), Quiet: true },
          }),
        );
      } catch (err) {
        throw mapS3Error(err, 'DeleteObjects', this.bucket, this.key(batch[0] ?? ''));
      }
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        throw new StorageError(
          `S3 DeleteObjects failed for ${failed.length} of ${batch.length} keys in ${this.bucket}, e.g. ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message ?? ''}`,
        );
      }
    }
  }
}
