/**
 * The ingest handler under its Lambda deadline (real handler, real HTTP, a short fake
 * `getRemainingTimeInMillis`): a batch that cannot commit — every commit attempt loses
 * (a proxy answers each conditional commit PUT or lock-table PutItem with the precondition
 * failure a winning writer causes), or the store stops answering — returns its messages as
 * failures before the timeout instead of timing out with the whole batch. Nothing is
 * committed and, when the store answered, no staged file is left behind.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createIngestHandler } from '@delta-serverless/lambda';
import { listKeys, newBucket, services } from '../services/index.js';
import { HANG, PASS, startFaultProxy, type FaultAction, type FaultProxy } from './support/fault-proxy.js';
import { csv, failures, notification, Recorder, sqsEvent, upload } from './support/ingest.js';
import { logVersions, newClients, newS3Table, storageOptions, validateS3Table, type Mode } from './support/tables.js';

/** The fake function timeout: what `getRemainingTimeInMillis` says at the start. */
const TIMEOUT_MS = 5_000;
/** Work stops this long before the timeout (commit retries included). */
const RESERVE_MS = 2_500;

const LOST_RACE_S3: FaultAction = {
  kind: 'status',
  status: 412,
  code: 'PreconditionFailed',
  message: 'At least one of the pre-conditions you specified did not hold',
};
const LOST_RACE_DDB: FaultAction = {
  kind: 'status',
  status: 400,
  code: 'ConditionalCheckFailedException',
  message: 'The conditional request failed',
};

const proxies: FaultProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
});

/** A table at version 0 and a handler whose S3 and DynamoDB traffic goes through proxies. */
async function rig(mode: Mode) {
  const [landing, t] = await Promise.all([newBucket('landing'), newS3Table('tables/deadline')]);
  const s = services();
  const [s3, ddb] = await Promise.all([
    startFaultProxy(s.s3Endpoint, 's3'),
    startFaultProxy(s.dynamoEndpoint, 'dynamodb'),
  ]);
  proxies.push(s3, ddb);
  const opts = storageOptions(mode, t.lockTable, {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
  });
  const rec = new Recorder();
  const handler = createIngestHandler({
    routes: [{ prefix: `s3://${landing}/in/`, table: t.uri }],
    clients: newClients(opts),
    storageOptions: opts,
    logger: rec,
    metrics: rec,
    reserveMs: RESERVE_MS,
  });
  // Version 0, through the handler, before any fault.
  const first = await upload(landing, 'in/first.csv', csv(0, 2));
  expect(failures(await handler(sqsEvent([notification([first])]).event))).toEqual([]);
  return { landing, t, s3, ddb, rec, handler };
}

/** Invoke with a fake Lambda context that has TIMEOUT_MS left; returns the response and the time taken. */
async function invokeTimed(handler: ReturnType<typeof createIngestHandler>, event: unknown) {
  const started = Date.now();
  const deadline = started + TIMEOUT_MS;
  const res = await handler(event, { awsRequestId: 'deadline', getRemainingTimeInMillis: () => deadline - Date.now() });
  return { res, ms: Date.now() - started };
}

describe.each(['conditional', 'dynamodb'] as const)('ingest under its deadline (%s)', (mode) => {
  test('every commit attempt loses: the messages fail before the timeout, nothing is committed or left', async () => {
    const r = await rig(mode);
    if (mode === 'conditional') r.s3.decide = (q) => (q.kind === 'commit-put' ? LOST_RACE_S3 : PASS);
    else r.ddb.decide = (q) => (q.kind === 'PutItem' ? LOST_RACE_DDB : PASS);
    const objs = [await upload(r.landing, 'in/a.csv', csv(10, 2)), await upload(r.landing, 'in/b.csv', csv(20, 2))];
    const { event, ids } = sqsEvent(objs.map((o) => notification([o])));
    const { res, ms } = await invokeTimed(r.handler, event);

    expect(failures(res).sort()).toEqual([...ids].sort());
    expect(ms).toBeLessThan(TIMEOUT_MS);
    // Gave up at the work deadline (not at once): the commit was retried until then.
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - RESERVE_MS - 500);
    const attempts = (mode === 'conditional' ? r.s3 : r.ddb).log.filter((e) =>
      mode === 'conditional' ? e.kind === 'commit-put' : e.kind === 'PutItem',
    );
    expect(attempts.length).toBeGreaterThan(1);
    expect(await logVersions(r.t)).toEqual([0]);
    const errors = r.rec.logs.filter((l) => l.level === 'error' && l.message === 'object not ingested');
    expect(errors.map((e) => e.extra['key']).sort()).toEqual(['in/a.csv', 'in/b.csv']);
    for (const e of errors) {
      expect(e.extra['errorName']).toBe('IngestDeadlineError');
      expect(e.extra['reason']).toMatch(/before the invocation's deadline \(\d+ lost races\)/);
    }
    // The staged files of the failed objects were deleted: only version 0's file remains.
    const data = (await listKeys(r.t.bucket, `${r.t.prefix}/`)).filter((k) => k.endsWith('.parquet'));
    expect(data).toHaveLength(1);
    await validateS3Table(r.t); // and the table is what the independent validator expects
  });
});

// The report deadline does not depend on the commit protocol: one mode is enough.
test('the store stops answering mid-commit: the messages are reported failed before the timeout', async () => {
  const r = await rig('conditional');
  r.s3.decide = (q) => (q.kind === 'commit-put' ? HANG : PASS);
  const obj = await upload(r.landing, 'in/c.csv', csv(30, 2));
  const { event, ids } = sqsEvent([notification([obj])]);
  const { res, ms } = await invokeTimed(r.handler, event);

  expect(failures(res)).toEqual(ids);
  expect(ms).toBeLessThan(TIMEOUT_MS);
  expect(r.rec.logs.some((l) => l.message === 'message not finished in time' && l.extra['messageId'] === ids[0])).toBe(
    true,
  );
  expect(await logVersions(r.t)).toEqual([0]);
  await validateS3Table(r.t);
});
