/**
 * Child process for coordinator-crash.test.ts: appends one batch to an S3 table in dynamodb
 * mode and SIGKILLs itself at a chosen step of the commit protocol (an SDK middleware sees
 * the call). Run with `node --conditions=source --import tsx`; argv[2] is a CrashWriterConfig
 * as JSON. Exits 0 only if the step was never reached (the parent treats that as a failure).
 */
import * as arrow from 'apache-arrow';
import { createClients, createS3Store, resolveAwsConfig } from '@delta-serverless/aws';
import { writeDeltaTable, type StorageOptions } from '@delta-serverless/core';
import { hookClients, isStep, type CommitStep } from './sdk-hooks.js';

export interface CrashWriterConfig {
  uri: string;
  storageOptions: StorageOptions;
  step: CommitStep;
  ids: number[];
}

const cfg = JSON.parse(process.argv[2]!) as CrashWriterConfig;
const clients = createClients(resolveAwsConfig(cfg.storageOptions, {}));
await hookClients(clients, (call, phase) => {
  if (isStep(cfg.step, call, phase)) process.kill(process.pid, 'SIGKILL');
});
const store = createS3Store(cfg.uri, { storageOptions: cfg.storageOptions, clients });
const rows = new arrow.Table({
  id: arrow.makeVector(BigInt64Array.from(cfg.ids.map(BigInt))),
  w: arrow.vectorFromArray(
    cfg.ids.map(() => 'victim'),
    new arrow.Utf8(),
  ),
});
await writeDeltaTable(store, rows);
process.exit(0);
