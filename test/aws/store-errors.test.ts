/**
 * Typed errors of the S3 store and the lock table, and request accounting. Real server
 * answers where the services can give them (missing bucket, 404, 412, missing lock table;
 * wrong credentials on the real tier's RGW), a fault proxy for 403s the emulators never send,
 * and the mapping function itself on SDK-shaped errors.
 */
import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, test } from 'vitest';
import { AccessDeniedError, createS3Store } from '@delta-serverless/aws';
import {
  DeltaTable,
  NotFoundError,
  PreconditionFailedError,
  StorageError,
  TableNotFoundError,
  writeDeltaTable,
} from '@delta-serverless/core';
import { listAll } from '@delta-serverless/core/internal';
import { mapS3Error } from '../../packages/aws/src/s3-errors.js';
import { services, uniqueName } from '../services/index.js';
import { startFaultProxy, type FaultAction } from './support/fault-proxy.js';
import { batch, newClients, newS3Table, openStore, range, storageOptions, validateS3Table } from './support/tables.js';

const enc = new TextEncoder();

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('missing bucket', () => {
  test('every call names the bucket in a StorageError (HEAD cannot tell: NotFoundError)', async () => {
    const bucket = uniqueName('ds-missing');
    const uri = `s3://${bucket}/t`;
    const store = createS3Store(uri, { storageOptions: storageOptions('conditional') });
    const calls: [string, () => Promise<unknown>][] = [
      ['GetObject', () => store.get('a.json')],
      ['PutObject', () => store.put('a.json', enc.encode('x'))],
      ['PutObject', () => store.put('a.json', enc.encode('x'), { ifNoneMatch: true })],
      // A stream under one part (8 MiB) is a single PutObject; a larger one goes multipart.
      ['PutObject', () => store.putStream('a.bin', (async function* () { yield enc.encode('x'); })())], // prettier-ignore
      ['PutObject (multipart)', () => store.putStream('b.bin', (async function* () { for (let i = 0; i < 9; i++) yield new Uint8Array(1 << 20); })())], // prettier-ignore
      ['ListObjectsV2', () => listAll(store, '_delta_log/')],
      ['DeleteObjects', () => store.deleteMany(['a.json'])],
    ];
    for (const [action, call] of calls) {
      const err = await failure(call());
      expect(err, action).toBeInstanceOf(StorageError);
      expect(err).not.toBeInstanceOf(NotFoundError);
      expect(err.message).toContain(`bucket ${bucket} does not exist`);
      expect(err.message).toContain(action);
      expect(err.message).toMatch(/create it or fix the table URI/);
    }
    // A HEAD response has no body: S3 cannot say which of bucket or key is missing.
    expect(await failure(store.head('a.json'))).toBeInstanceOf(NotFoundError);

    // Through the table API: a StorageError about the bucket, not "no table here".
    // Thunks: a promise created before the previous one is awaited would reject unhandled.
    for (const call of [
      () => DeltaTable.open(uri, { storageOptions: storageOptions('conditional') }),
      () => writeDeltaTable(uri, batch([1]), { storageOptions: storageOptions('conditional') }),
    ]) {
      const err = await failure(call());
      expect(err).toBeInstanceOf(StorageError);
      expect(err).not.toBeInstanceOf(TableNotFoundError);
      expect(err.message).toContain(bucket);
    }
  });
});

describe('server answers', () => {
  test('404 -> NotFoundError naming the s3:// location; 412 -> PreconditionFailedError', async () => {
    const t = await newS3Table();
    const store = openStore(t, 'conditional');
    const nf = await failure(store.get('_delta_log/00000000000000000000.json'));
    expect(nf).toBeInstanceOf(NotFoundError);
    expect((nf as NotFoundError).path).toBe('_delta_log/00000000000000000000.json');
    expect(nf.message).toBe(`object not found: s3://${t.bucket}/${t.prefix}/_delta_log/00000000000000000000.json`);
    expect(await failure(DeltaTable.open(t.uri, { store }))).toBeInstanceOf(TableNotFoundError);

    await store.put('x.json', enc.encode('1'), { ifNoneMatch: true });
    const pf = await failure(store.put('x.json', enc.encode('2'), { ifNoneMatch: true }));
    expect(pf).toBeInstanceOf(PreconditionFailedError);
    expect((pf as PreconditionFailedError).path).toBe('x.json');
  });

  test('missing lock table: a StorageError naming it and how to create it', async () => {
    const t = await newS3Table();
    const lockTable = uniqueName('no_such_lock', 200).replaceAll('-', '_');
    const opts = storageOptions('dynamodb', lockTable);
    for (const call of [
      () => DeltaTable.open(t.uri, { storageOptions: opts }),
      () => writeDeltaTable(t.uri, batch([1]), { storageOptions: opts }),
    ]) {
      const err = await failure(call());
      expect(err).toBeInstanceOf(StorageError);
      expect(err.message).toContain(`DynamoDB lock table ${lockTable} does not exist`);
      expect(err.message).toMatch(/createLockTable\(\)/);
    }
  });
});

describe('access denied', () => {
  const deny: FaultAction = { kind: 'status', status: 403, code: 'AccessDenied', message: 'Access Denied' };

  test('a 403 from S3 (through a proxy) -> AccessDeniedError naming the key and the action', async () => {
    const t = await newS3Table();
    const store0 = openStore(t, 'conditional');
    await store0.put('data/a.json', enc.encode('{}'));
    const proxy = await startFaultProxy(services().s3Endpoint, 's3', () => deny);
    try {
      const opts = storageOptions('conditional', undefined, { AWS_ENDPOINT_URL_S3: proxy.endpoint });
      const store = createS3Store(t.uri, { storageOptions: opts, clients: newClients(opts) });
      const where = `s3://${t.bucket}/${t.prefix}/data/a.json`;
      const cases: [string, () => Promise<unknown>, string][] = [
        ['s3:GetObject', () => store.get('data/a.json'), where],
        ['s3:HeadObject', () => store.head('data/a.json'), where],
        ['s3:PutObject', () => store.put('data/a.json', enc.encode('x')), where],
        ['s3:ListObjectsV2', () => listAll(store, 'data/'), `s3://${t.bucket}/${t.prefix}/data/`],
        ['s3:DeleteObjects', () => store.deleteMany(['data/a.json']), where],
      ];
      for (const [action, call, resource] of cases) {
        const err = await failure(call());
        expect(err, action).toBeInstanceOf(AccessDeniedError);
        expect(err).toBeInstanceOf(StorageError);
        expect((err as AccessDeniedError).action).toBe(action);
        expect((err as AccessDeniedError).resource).toBe(resource);
        expect(err.message).toBe(
          `access denied: ${action} on ${resource}. Grant the caller's IAM role this action on this resource ` +
            '(and check the bucket policy and KMS key policy).',
        );
      }
      // 403 is not retried: one request per call.
      expect(proxy.log).toHaveLength(cases.length);
    } finally {
      await proxy.stop();
    }
  });

  test('an AccessDeniedException from DynamoDB -> AccessDeniedError naming the lock table', async () => {
    const t = await newS3Table();
    await writeDeltaTable(t.uri, batch([1]), { storageOptions: storageOptions('dynamodb', t.lockTable) });
    const proxy = await startFaultProxy(services().dynamoEndpoint, 'dynamodb', () => ({
      kind: 'status',
      status: 400,
      code: 'AccessDeniedException',
      message: 'User is not authorized to perform: dynamodb:Query',
    }));
    try {
      const opts = storageOptions('dynamodb', t.lockTable, { AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint });
      const err = await failure(DeltaTable.open(t.uri, { storageOptions: opts }));
      expect(err).toBeInstanceOf(AccessDeniedError);
      expect((err as AccessDeniedError).resource).toBe(`DynamoDB table ${t.lockTable}`);
      expect((err as AccessDeniedError).action).toBe('dynamodb:Query');
    } finally {
      await proxy.stop();
    }
  });

  // Only a real server checks signatures: RGW answers wrong keys with 403 InvalidAccessKeyId.
  if (services().tier === 'real') {
    test('real tier: wrong credentials on RGW -> AccessDeniedError', async () => {
      const t = await newS3Table();
      const opts = storageOptions('conditional', undefined, {
        AWS_SECRET_ACCESS_KEY: 'wrong-secret-0000000000000000000000000000',
      });
      const store = createS3Store(t.uri, { storageOptions: opts, clients: newClients(opts) });
      const err = await failure(store.get('_delta_log/00000000000000000000.json'));
      expect(err).toBeInstanceOf(AccessDeniedError);
      expect((err as AccessDeniedError).action).toBe('s3:GetObject');
      expect(await failure(DeltaTable.open(t.uri, { store }))).toBeInstanceOf(AccessDeniedError);
    });
  }
});

describe('mapS3Error on SDK-shaped errors', () => {
  const sdk = (name: string, status: number, message = name): S3ServiceException =>
    new S3ServiceException({
      name,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status },
      message,
    });

  test.each([
    ['NoSuchKey', 404, NotFoundError],
    ['NotFound', 404, NotFoundError], // HEAD
    ['PreconditionFailed', 412, PreconditionFailedError],
    ['ConditionalRequestConflict', 409, PreconditionFailedError],
    ['AccessDenied', 403, AccessDeniedError],
    ['Forbidden', 403, AccessDeniedError], // HEAD
    ['InvalidAccessKeyId', 403, AccessDeniedError],
    ['SignatureDoesNotMatch', 403, AccessDeniedError],
    ['NoSuchBucket', 404, StorageError],
    ['OperationAborted', 409, StorageError],
    ['SlowDown', 503, StorageError],
    ['InternalError', 500, StorageError],
  ] as const)('%s (HTTP %i) -> %o', (name, status, type) => {
    const err = mapS3Error(sdk(name, status), 'GetObject', 'bkt', 'tbl/_delta_log/x.json', '_delta_log/x.json');
    expect(err).toBeInstanceOf(type);
    expect((err as Error & { cause?: unknown }).cause).toBeInstanceOf(S3ServiceException);
    if (err instanceof NotFoundError || err instanceof PreconditionFailedError)
      expect(err.path).toBe('_delta_log/x.json');
    if (err instanceof AccessDeniedError)
      expect([err.resource, err.action]).toEqual(['s3://bkt/tbl/_delta_log/x.json', 's3:GetObject']);
    if (type === StorageError)
      expect(err.message).toContain(
        name === 'NoSuchBucket' ? 'bucket bkt does not exist' : `(HTTP ${status}): ${name}`,
      );
  });

  test('a network error (no HTTP status) keeps its message', () => {
    const net = Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
    const err = mapS3Error(net, 'PutObject', 'bkt', 'k');
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toBe('S3 PutObject s3://bkt/k failed: Error: socket hang up');
  });
});

describe('request accounting (RequestCounter, by kind)', () => {
  for (const mode of ['conditional', 'dynamodb'] as const) {
    test(`${mode}: open, append and read of a small table in exact round trips`, async () => {
      const t = await newS3Table();
      await writeDeltaTable(t.uri, batch(range(0, 2)), { storageOptions: storageOptions(mode, t.lockTable) });
      const writer = newClients(storageOptions(mode, t.lockTable));
      const recovery = mode === 'dynamodb' ? { 'dynamodb:Query': 1 } : {};
      const table = await DeltaTable.open(t.uri, { store: openStore(t, mode, writer) });
      // _last_checkpoint (404) + 0.json, one LIST (+ the lock-table recovery query).
      expect(writer.counter.snapshot()).toEqual({ 's3:GetObject': 2, 's3:ListObjectsV2': 1, ...recovery });
      writer.counter.reset();

      const w = await table.append(batch(range(2, 2)));
      expect(w.version).toBe(1);
      // conditional: the data file + the commit PUT + the version checksum (1.crc). dynamodb:
      // + temp PUT, GetItem (N-1), PutItem (claim), UpdateItem (complete); the copy is the commit PUT.
      expect(writer.counter.snapshot()).toEqual(
        mode === 'conditional'
          ? { 's3:PutObject': 3 }
          : { 's3:PutObject': 4, 'dynamodb:GetItem': 1, 'dynamodb:PutItem': 1, 'dynamodb:UpdateItem': 1 },
      );

      const reader = newClients(storageOptions(mode, t.lockTable));
      const r = await DeltaTable.open(t.uri, { store: openStore(t, mode, reader) });
      expect(reader.counter.snapshot()).toEqual({ 's3:GetObject': 3, 's3:ListObjectsV2': 1, ...recovery });
      reader.counter.reset();
      expect((await r.toArrow()).numRows).toBe(4);
      expect(reader.counter.snapshot()).toEqual({ 's3:GetObject': 2 }); // one GET per (small) data file
      await validateS3Table(t);
    });
  }
});
