/**
 * Child process for lazy-dynamodb.test.ts: appends to an S3 table twice and reads it back
 * with the given storage options (and, when `catalog` names a Glue database, syncs the table
 * to it), then prints (last stdout line, JSON) which AWS SDK client
 * packages the process loaded. Run with `node --conditions=source --import tsx`; argv[2] is
 * `{ uri, storageOptions }` as JSON.
 */
import { createRequire } from 'node:module';
import * as arrow from 'apache-arrow';
import { syncCatalog } from '@delta-serverless/aws';
import { DeltaTable, writeDeltaTable, type StorageOptions } from '@delta-serverless/core';

const cfg = JSON.parse(process.argv[2]!) as { uri: string; storageOptions: StorageOptions; catalog?: string };
const rows = (from: number) =>
  new arrow.Table({ id: arrow.makeVector(BigInt64Array.from([BigInt(from), BigInt(from + 1)])) });
await writeDeltaTable(cfg.uri, rows(0), { storageOptions: cfg.storageOptions });
await writeDeltaTable(cfg.uri, rows(2), { storageOptions: cfg.storageOptions });
const table = await DeltaTable.open(cfg.uri, { storageOptions: cfg.storageOptions });
if (cfg.catalog) {
  await syncCatalog(table, { database: cfg.catalog, createDatabase: true, storageOptions: cfg.storageOptions });
}
const loaded = Object.keys(createRequire(import.meta.url).cache)
  .map((k) => /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(k)?.[1])
  .filter((m): m is string => m !== undefined);
console.log(JSON.stringify({ version: table.version, clients: [...new Set(loaded)].sort() }));
process.exit(0);
