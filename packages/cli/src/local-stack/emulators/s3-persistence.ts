/**
 * Objects of the embedded S3 (fauxqs keeps them in memory) on disk, so a local stack started
 * again on the same data directory has every bucket and object back, with its ETag, metadata
 * and last-modified time (VACUUM's retention reads it).
 *
 * Layout: `<dir>/<bucket>/<sha256 of the key>.json` (key, ETag, content type, metadata, time)
 * beside `<same>.bin` (the bytes). Every write goes through to disk before fauxqs answers:
 * the body first, then its description, each written to a temporary file and renamed, so a
 * stopped process leaves either the old object or the new one. A description without its
 * body is skipped when loading.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildAppOptions } from 'fauxqs';

type S3Store = NonNullable<BuildAppOptions['stores']>['s3Store'];
type S3Object = ReturnType<S3Store['putObject']>;

interface Described {
  key: string;
  etag: string;
  contentType: string;
  lastModified: string;
  metadata: Record<string, string>;
}

const fileOf = (key: string) => createHash('sha256').update(key).digest('hex');

function writeAtomically(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function saveObject(dir: string, bucket: string, obj: S3Object): void {
  const base = join(dir, bucket, fileOf(obj.key));
  writeAtomically(`${base}.bin`, obj.body);
  const described: Described = {
    key: obj.key,
    etag: obj.etag,
    contentType: obj.contentType,
    lastModified: obj.lastModified.toISOString(),
    metadata: obj.metadata,
  };
  writeAtomically(`${base}.json`, JSON.stringify(described));
}

function deleteObject(dir: string, bucket: string, key: string): void {
  const base = join(dir, bucket, fileOf(key));
  rmSync(`${base}.json`, { force: true });
  rmSync(`${base}.bin`, { force: true });
}

/** Loads `dir` into the store; returns the number of objects loaded. */
function load(store: S3Store, dir: string): number {
  let n = 0;
  for (const bucket of readdirSync(dir, { withFileTypes: true })) {
    if (!bucket.isDirectory()) continue;
    store.createBucket(bucket.name);
    const bdir = join(dir, bucket.name);
    for (const f of readdirSync(bdir)) {
      if (!f.endsWith('.json')) continue;
      const bin = join(bdir, f.replace(/\.json$/, '.bin'));
      if (!existsSync(bin)) continue;
      const d = JSON.parse(readFileSync(join(bdir, f), 'utf8')) as Described;
      const obj = store.putObject(bucket.name, d.key, readFileSync(bin), d.contentType, d.metadata);
      // putObject stamps now and an MD5 ETag; the stored object keeps its own (multipart ETags too).
      obj.etag = d.etag;
      obj.lastModified = new Date(d.lastModified);
      n++;
    }
  }
  return n;
}

/**
 * Loads the objects saved under `dir` into the store, then writes every later change through
 * to `dir`. Returns how many objects were loaded.
 */
export function persistS3(store: S3Store, dir: string): number {
  mkdirSync(dir, { recursive: true });
  const loaded = load(store, dir);
  const createBucket = store.createBucket.bind(store);
  const deleteBucket = store.deleteBucket.bind(store);
  const putObject = store.putObject.bind(store);
  const completeMultipartUpload = store.completeMultipartUpload.bind(store);
  const remove = store.deleteObject.bind(store);
  store.createBucket = (name) => {
    createBucket(name);
    mkdirSync(join(dir, name), { recursive: true });
  };
  store.deleteBucket = (name) => {
    deleteBucket(name);
    rmSync(join(dir, name), { recursive: true, force: true });
  };
  store.putObject = (bucket, key, body, contentType, metadata) => {
    const obj = putObject(bucket, key, body, contentType, metadata);
    saveObject(dir, bucket, obj);
    return obj;
  };
  store.completeMultipartUpload = (uploadId, parts) => {
    const upload = (store as unknown as { multipartUploads: Map<string, { bucket: string }> }).multipartUploads.get(
      uploadId,
    );
    const obj = completeMultipartUpload(uploadId, parts);
    if (upload) saveObject(dir, upload.bucket, obj);
    return obj;
  };
  // deleteObjects calls this.deleteObject, so it is covered too.
  store.deleteObject = (bucket, key) => {
    remove(bucket, key);
    deleteObject(dir, bucket, key);
  };
  return loaded;
}
