/**
 * The ObjectStore contract (support/store-contract.ts) run against S3Store on the test
 * services; store-contract-local.test.ts runs the same suite against core's LocalStore and
 * MemoryStore, so the S3 store behaves exactly like the stores the rest of the engine is
 * tested on. What S3Store wrote is checked with the MinIO client.
 */
import { createHash } from 'node:crypto';
import { beforeAll, expect, test } from 'vitest';
import { createS3Store, type AwsClients, type S3Store } from '@delta-serverless/aws';
import { type ObjectStore } from '@delta-serverless/core';
import { listAll } from '@delta-serverless/core/internal';
import { getBytes, listKeys, minio, newBucket } from '../services/index.js';
import { objectStoreContract, type IndependentView } from './support/store-contract.js';
import { newClients, storageOptions } from './support/tables.js';

// ---- S3Store: one bucket, a fresh key prefix per test (exercises the store's prefix mapping).
let bucket = '';
let clients: AwsClients;
let n = 0;
beforeAll(async () => {
  bucket = await newBucket('ds-contract');
  clients = newClients(storageOptions('conditional'));
});

function s3View(store: ObjectStore): IndependentView {
  const s3 = store as S3Store;
  return {
    keys: async (prefix) => (await listKeys(bucket, s3.key(prefix))).map((k) => k.slice(s3.key('').length)),
    bytes: async (p) => new Uint8Array(await getBytes(bucket, s3.key(p))),
    digest: async (p) => {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of await minio().getObject(bucket, s3.key(p))) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      return { size, sha256: hash.digest('hex') };
    },
  };
}

objectStoreContract('S3Store', {
  newStore: async () =>
    createS3Store(`s3://${bucket}/contract/t${++n}`, { storageOptions: storageOptions('conditional'), clients }),
  view: s3View,
  boundedStreaming: true,
  multipartParts: true,
  requests: () => clients.counter,
});

test('S3Store at the bucket root (empty key prefix): keys are the bare paths', async () => {
  const own = await newBucket('ds-root');
  const store = createS3Store(`s3://${own}`, { storageOptions: storageOptions('conditional'), clients });
  expect(store.root).toBe(`s3://${own}`);
  await store.put('_delta_log/00000000000000000000.json', new TextEncoder().encode('{}'));
  await store.put('a=1/part.parquet', new Uint8Array([1, 2, 3]));
  expect(await listKeys(own)).toEqual(['_delta_log/00000000000000000000.json', 'a=1/part.parquet']);
  expect((await listAll(store, '')).map((m) => m.path)).toEqual([
    '_delta_log/00000000000000000000.json',
    'a=1/part.parquet',
  ]);
  expect((await listAll(store, '_delta_log/', { recursive: false })).map((m) => m.path)).toEqual([
    '_delta_log/00000000000000000000.json',
  ]);
});
