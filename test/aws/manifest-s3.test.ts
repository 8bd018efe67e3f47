/**
 * Symlink manifests of an S3 table, read with the MinIO client (independent of the engine):
 * each line is `s3://<bucket>/<key>` of an object that exists, and the lines are exactly the
 * live files of their partition, through appends, OPTIMIZE and VACUUM.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { getText, listKeys } from '../services/index.js';
import { newS3Table, storageOptions, validateS3Table } from './support/tables.js';

const rows = (ids: number[], p: string) =>
  new arrow.Table({
    id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()),
    p: arrow.vectorFromArray(
      ids.map(() => p),
      new arrow.Utf8(),
    ),
  });

describe('symlink manifests on S3', () => {
  test('list the live objects as s3:// paths after appends, OPTIMIZE and VACUUM', async () => {
    const t = await newS3Table('tables/manifested');
    const opts = storageOptions('conditional');
    const props = { 'delta.compatibility.symlinkFormatManifest.enabled': 'true' };
    await writeDeltaTable(t.uri, rows([1, 2], 'a:b'), { storageOptions: opts, partitionBy: ['p'], properties: props });
    const table = await DeltaTable.open(t.uri, { storageOptions: opts });
    await table.append(rows([3], 'a:b'));
    await table.append(rows([4], 'c'));
    await table.optimize({ minFilesPerBin: 2 });
    await table.vacuum({ retentionHours: 0, enforceRetention: false });

    const prefix = `${t.prefix}/_symlink_format_manifest/`;
    const manifests = await listKeys(t.bucket, prefix);
    expect(manifests).toEqual([`${prefix}p=a%3Ab/manifest`, `${prefix}p=c/manifest`]);
    const keys = new Set(await listKeys(t.bucket, `${t.prefix}/`));
    const live = (await DeltaTable.open(t.uri, { storageOptions: opts })).snapshot.files();
    const listed: string[] = [];
    for (const m of manifests) {
      for (const line of (await getText(t.bucket, m)).split('\n').filter((l) => l !== '')) {
        expect(line.startsWith(`s3://${t.bucket}/${t.prefix}/`)).toBe(true);
        const key = line.slice(`s3://${t.bucket}/`.length);
        expect(keys.has(key)).toBe(true);
        listed.push(key);
      }
    }
    expect(listed.sort()).toEqual(live.map((f) => `${t.prefix}/${decodeURIComponent(f.path)}`).sort());
    expect(listed.filter((k) => k.includes('p=a%3Ab/'))).toHaveLength(1); // OPTIMIZE compacted the two files
    await validateS3Table(t);
  });
});
