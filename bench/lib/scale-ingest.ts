/**
 * The scale benchmark's ingest step: the ingest handler (createIngestHandler, clients
 * injected) in a fresh child appends one small NDJSON object to the table (the cold
 * invocation: it loads the snapshot), then a second one (the warm invocation, measured: its
 * held snapshot is refreshed, not reloaded). Versions are chosen so neither commit lands on a
 * checkpoint interval (no post-commit checkpoint inside the measured invocation).
 */
import type { Params, VariantResult } from './harness.js';
import { sqsEvent, type LandedObject } from './ingest-events.js';
import { session, type StepParams } from './scale-steps.js';
import { peakRssMB, startTimer } from './timing.js';

function rows(first: number, n: number): string {
  let out = '';
  for (let i = first; i < first + n; i++) {
    const row = {
      date: '2026-02-12',
      region: 'eu-west',
      id: 9_000_000_000 + i,
      value: 0.5 + i,
      qty: i,
      user: `u${i}`,
      kind: 'buy',
      ok: i % 2 === 0,
      score: 0.25,
      ref: i * 7,
      note: 'ingested',
      amount: 1.5,
    };
    out += JSON.stringify(row) + '\n';
  }
  return out;
}

const silent = () => {
  const noop = () => {};
  return {
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    metrics: { addMetric: noop, publishStoredMetrics: noop },
  };
};

/** Cold then warm invocation of the ingest handler, one 10-row object each. */
export async function ingest(p: Params): Promise<VariantResult> {
  const { prefix } = p as StepParams;
  const x = await session(p);
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { createIngestHandler } = await import('@delta-serverless/lambda');
  const env = await import('./s3-env.js');
  const bucket = env.BENCH_BUCKET;
  const land = async (n: number): Promise<LandedObject> => {
    const key = `${prefix}-landing/obj-${process.pid}-${n}.ndjson`;
    const body = rows(n * 10, 10);
    const res = await x.s.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    return { bucket, key, eTag: res.ETag ?? '', size: Buffer.byteLength(body) };
  };
  const { logger, metrics } = silent();
  const handler = createIngestHandler({
    routes: [
      {
        prefix: `s3://${bucket}/${prefix}-landing/`,
        table: `s3://${bucket}/${prefix}`,
        partitionBy: ['date', 'region'],
      },
    ],
    storageOptions: env.storageOptionsFor('conditional'),
    clients: x.s.clients,
    logger,
    metrics: metrics as never,
  });
  const failed = (res: unknown) =>
    (res as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures?.length ?? 0;
  const objects = [await land(1), await land(2)];
  let stop = startTimer();
  if (failed(await handler(sqsEvent([objects[0]!]) as never)) !== 0)
    throw new Error('scale ingest: the cold invocation failed');
  const coldMs = stop().ms;
  x.s.reset();
  stop = startTimer();
  if (failed(await handler(sqsEvent([objects[1]!]) as never)) !== 0)
    throw new Error('scale ingest: the warm invocation failed');
  const t = stop();
  return {
    ms: t.ms,
    cpuMs: t.cpuMs,
    coldMs,
    requests: x.s.clients.counter.count(),
    waves: x.s.tracker.waves,
    rssMB: peakRssMB(),
  };
}
