/**
 * The DynamoDB SDK loads only when a DynamoDB lock table is used: a process that commits with
 * S3 conditional writes never evaluates @aws-sdk/client-dynamodb (25-45 ms of a cold start,
 * bench cold-start). Likewise the Glue SDK loads only for a catalog sync. Checked in fresh
 * child processes, which commit and read over real HTTP.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { uniqueName } from '../services/index.js';
import { newS3Table, storageOptions, validateS3Table, type Mode } from './support/tables.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'sdk-loads.ts');

async function sdkClientsLoaded(mode: Mode, catalog?: string): Promise<{ version: number; clients: string[] }> {
  const t = await newS3Table('tables/lazy-ddb');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      CHILD,
      JSON.stringify({ uri: t.uri, storageOptions: storageOptions(mode, t.lockTable), catalog }),
    ],
    { env: process.env, maxBuffer: 4 * 1024 * 1024 },
  );
  await validateS3Table(t);
  return JSON.parse(stdout.trim().split('\n').pop()!) as { version: number; clients: string[] };
}

describe('lazy DynamoDB SDK', () => {
  test('commits with S3 conditional writes never load @aws-sdk/client-dynamodb', async () => {
    const r = await sdkClientsLoaded('conditional');
    expect(r.version).toBe(1);
    expect(r.clients).toContain('client-s3');
    expect(r.clients).not.toContain('client-dynamodb');
    expect(r.clients).not.toContain('client-glue');
  });

  test('a catalog sync loads the Glue SDK (the check above can fail)', async () => {
    const r = await sdkClientsLoaded('conditional', uniqueName('ds_lazy').replaceAll('-', '_'));
    expect(r.clients).toContain('client-glue');
  });

  test('commits through the lock table load it (the check above can fail)', async () => {
    const r = await sdkClientsLoaded('dynamodb');
    expect(r.version).toBe(1);
    expect(r.clients).toContain('client-dynamodb');
  });
});
