/**
 * What a killed writer leaves on S3, and VACUUM full reclaiming it: a data file larger than one
 * part (8 MiB) goes up as a multipart upload, and a writer killed mid-upload leaves the upload
 * open, its parts billed but invisible to listings. VACUUM full aborts the table's uploads
 * started before its cutoff (younger ones may be a live writer's) and nothing else. Runs on moto
 * (the embedded S3 does not list multipart uploads); moto reports every upload as initiated in
 * 2010, so keeping young uploads is shown on the local store (the same age rule:
 * test/faults/killed-writer-leftovers.test.ts). The DynamoDB protocol's temp commit files
 * under `_delta_log/.tmp/` are reclaimed by log cleanup (and the bucket's lifecycle rule).
 */
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, expect, it } from 'vitest';
import '@delta-serverless/aws';
import { DeltaTable, writeDeltaTable, type StorageOptions } from '@delta-serverless/core';
import { startMoto, type MotoServer } from '../services/moto.js';
import { assertValidStoreTable } from '../support/validate-store.js';

let moto: MotoServer;
let s3: S3Client;
let storageOptions: StorageOptions;
const BUCKET = 'leftovers';
const HOUR = 3_600_000;

beforeAll(async () => {
  moto = await startMoto();
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  storageOptions = {
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  };
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

/** A multipart upload started and never completed (a writer killed mid-upload). */
async function killedUpload(key: string): Promise<string> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
  await s3.send(
    new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: new Uint8Array(1024).fill(1) }),
  );
  return UploadId!;
}

async function openUploads(): Promise<string[]> {
  const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
  return (r.Uploads ?? []).map((u) => u.Key!).sort();
}

it("VACUUM full aborts the table's abandoned multipart uploads, and only those", async () => {
  const uri = `s3://${BUCKET}/tables/t`;
  await writeDeltaTable(uri, arrow.tableFromArrays({ id: BigInt64Array.from([1n, 2n]) }), { storageOptions });
  await killedUpload('tables/t/part-00000-killed.snappy.parquet');
  await killedUpload('tables/other/part-00000-elsewhere.snappy.parquet'); // another table
  const table = await DeltaTable.open(uri, { storageOptions });

  const later = { mode: 'full' as const, retentionHours: 1, enforceRetention: false, now: Date.now() + 2 * HOUR };
  const dry = await table.vacuum({ ...later, dryRun: true });
  expect(dry.incompleteWrites.map((w) => w.path)).toEqual(['part-00000-killed.snappy.parquet']);
  expect(await openUploads()).toHaveLength(2);
  const r = await table.vacuum(later);
  expect(r.numIncompleteWrites).toBe(1);
  expect(await openUploads()).toEqual(['tables/other/part-00000-elsewhere.snappy.parquet']);
  expect((await table.toArrow()).numRows).toBe(2);
  await assertValidStoreTable(table.store); // the independent validator, read through the table's S3 store
});
