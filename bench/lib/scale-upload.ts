/**
 * Upload a generated table to `s3://BENCH_BUCKET/<prefix>/` through the aws package's
 * S3Store: small files with one PUT, large ones (checkpoints of 100k+ files exceed the
 * emulator's 11 MiB request limit) with `putStream`, i.e. a multipart upload, as the engine
 * writes them. 16 files in flight.
 */
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { S3Bench } from './s3-services.js';
import { BENCH_BUCKET, storageOptionsFor } from './s3-env.js';

const SINGLE_PUT_MAX = 8 * 1024 * 1024;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

export async function uploadTable(
  bench: S3Bench,
  dir: string,
  prefix: string,
): Promise<{ files: number; bytes: number }> {
  const store = bench.aws.createS3Store(`s3://${BENCH_BUCKET}/${prefix}`, {
    storageOptions: storageOptionsFor('conditional'),
    clients: bench.clients,
  });
  const files = filesUnder(dir);
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const key = relative(dir, file).split('\\').join('/');
      const size = statSync(file).size;
      bytes += size;
      if (size <= SINGLE_PUT_MAX) await store.put(key, readFileSync(file));
      else await store.putStream(key, createReadStream(file) as AsyncIterable<Uint8Array>);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { files: files.length, bytes };
}
