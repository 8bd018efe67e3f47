/**
 * ingest-throughput: 1,000 small NDJSON objects (20 rows each) already in the embedded S3 are
 * delivered to the ingest handler (createIngestHandler in the child process, clients injected)
 * in SQS batches of 100 messages (one object per message, as S3 notifications arrive).
 *   handler-seq     one handler, the 10 batches one after the other (one Lambda container)
 *   handler-4       4 handler instances with their own clients (4 containers), 4 batches in flight
 *   direct-append   baseline: the same rows, decoded before the timer, one DeltaTable.append
 *                   per batch of 100 objects (2,000 rows): the engine's write + commit alone
 *   direct-fetch    baseline: GET + decode the 100 objects (4 at a time) inside the timer, then
 *                   one append: the handler's work without exactly-once (no txn per object)
 * Each child warms up first (a scratch table: imports, parquet-wasm, connections), then writes
 * a fresh table. Reported: objects/s, commits, commit conflicts retried, p50 batch latency.
 */
import type { Harness, Params, Runs, Variant } from './lib/harness.js';
import type { LandedObject } from './lib/ingest-events.js';
import { field } from './lib/harness.js';
import { median, printTable } from './lib/timing.js';

export const description =
  '1,000 small NDJSON objects through the ingest handler in SQS batches of 100 (1 and 4 in flight)';

const OBJECTS = 1000;
const ROWS = 20;
const BATCH = 100;
const WARMUP_OBJECTS = 5;

interface ThroughputParams extends Params {
  /** JSON file with { main: LandedObject[], warmup: LandedObject[] }. */
  objectsFile: string;
  prefix: string;
}

interface Landed {
  main: LandedObject[];
  warmup: LandedObject[];
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

async function setup(p: Params) {
  const { objectsFile, prefix } = p as ThroughputParams;
  const { readFileSync } = await import('node:fs');
  const landed = JSON.parse(readFileSync(objectsFile, 'utf8')) as Landed;
  const env = await import('./lib/s3-env.js');
  const aws = await env.importAws();
  const core = { ...(await import('@delta-serverless/core')), ...(await import('@delta-serverless/core/internal')) };
  const options = env.storageOptionsFor('conditional');
  const run = `${process.pid}-${Date.now()}`;
  const tableUri = `s3://${env.BENCH_BUCKET}/${prefix}/tables/run-${run}`;
  const scratchUri = `s3://${env.BENCH_BUCKET}/${prefix}/tables/warmup-${run}`;
  return { landed, aws, core, options, tableUri, scratchUri, bucket: env.BENCH_BUCKET, prefix };
}

/** Silent logger + metrics sink that sums what the handler reports. */
function recorder() {
  const sums = new Map<string, number>();
  const noop = () => {};
  return {
    sums,
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    metrics: {
      addMetric: (name: string, _unit: unknown, value: number) => void sums.set(name, (sums.get(name) ?? 0) + value),
      publishStoredMetrics: noop,
    },
  };
}

async function handlerRun(p: Params, inFlight: number) {
  const s = await setup(p);
  const { createIngestHandler } = await import('@delta-serverless/lambda');
  const { sqsEvent } = await import('./lib/ingest-events.js');
  const rec = recorder();
  const routes = [
    { prefix: `s3://${s.bucket}/${s.prefix}/landing/warmup/`, table: s.scratchUri },
    { prefix: `s3://${s.bucket}/${s.prefix}/landing/main/`, table: s.tableUri },
  ];
  // One handler per container, each with its own SDK clients (and connections).
  const handlers = Array.from({ length: inFlight }, () =>
    createIngestHandler({
      routes,
      storageOptions: s.options,
      clients: s.aws.createClients(s.aws.resolveAwsConfig(s.options)),
      logger: rec.logger,
      metrics: rec.metrics as never,
    }),
  );
  const failed = (res: unknown) =>
    (res as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures?.length ?? 0;
  // Warm-up: every container ingests into the scratch table (module init, wasm, connections).
  for (const h of handlers) {
    const f = failed(await h(sqsEvent(s.landed.warmup)));
    if (f !== 0) throw new Error(`ingest-throughput: warm-up had ${f} failed messages`);
  }
  rec.sums.clear();
  const batches = chunks(s.landed.main, BATCH).map((objs) => sqsEvent(objs));
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    handlers.map(async (h) => {
      while (next < batches.length) {
        const event = batches[next++]!;
        const b0 = performance.now();
        failures += failed(await h(event));
        latencies.push(performance.now() - b0);
      }
    }),
  );
  const ms = performance.now() - t0;
  const table = await s.core.DeltaTable.open(s.tableUri, { storageOptions: s.options });
  const rows = (await table.toArrow({ columns: ['id'] })).numRows;
  return {
    ms,
    objectsPerS: (s.landed.main.length / ms) * 1000,
    commits: table.version + 1,
    conflicts: rec.sums.get('CommitConflicts') ?? 0,
    p50: median(latencies),
    max: Math.max(...latencies),
    failures,
    rows,
    ingested: rec.sums.get('ObjectsIngested') ?? 0,
    duplicates: rec.sums.get('DuplicatesSkipped') ?? 0,
  };
}

async function directRun(p: Params, fetchInTimer: boolean) {
  const s = await setup(p);
  const clients = s.aws.createClients(s.aws.resolveAwsConfig(s.options));
  const source = s.aws.createS3Store(`s3://${s.bucket}`, { storageOptions: s.options, clients });
  // Decode an object with the same NDJSON reader the handler uses (types inferred alike).
  const decode = async (o: LandedObject) => {
    const out = [];
    for await (const b of s.core.readInputObject(source, o.key)) out.push(b);
    return out;
  };
  const decodeAll = async (objs: readonly LandedObject[]) => {
    const out: Awaited<ReturnType<typeof decode>>[] = new Array(objs.length);
    let i = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (i < objs.length) {
          const k = i++;
          out[k] = await decode(objs[k]!);
        }
      }),
    );
    return out.flat();
  };
  // Warm-up on a scratch table.
  await s.core.writeDeltaTable(s.scratchUri, await decodeAll(s.landed.warmup), { storageOptions: s.options });
  const groups = chunks(s.landed.main, BATCH);
  const pre = fetchInTimer ? [] : await Promise.all(groups.map((g) => decodeAll(g)));
  const latencies: number[] = [];
  let conflicts = 0;
  let table: Awaited<ReturnType<typeof s.core.DeltaTable.open>> | undefined;
  const t0 = performance.now();
  for (let i = 0; i < groups.length; i++) {
    const b0 = performance.now();
    const data = fetchInTimer ? await decodeAll(groups[i]!) : pre[i]!;
    if (!table) {
      const res = await s.core.writeDeltaTable(s.tableUri, data, { storageOptions: s.options });
      table = await s.core.DeltaTable.open(s.tableUri, { storageOptions: s.options });
      conflicts += res.conflictsRetried;
    } else conflicts += (await table.append(data)).conflictsRetried;
    latencies.push(performance.now() - b0);
  }
  const ms = performance.now() - t0;
  const rows = (await table!.toArrow({ columns: ['id'] })).numRows;
  return {
    ms,
    objectsPerS: (s.landed.main.length / ms) * 1000,
    commits: table!.version + 1,
    conflicts,
    p50: median(latencies),
    max: Math.max(...latencies),
    failures: 0,
    rows,
    ingested: s.landed.main.length,
    duplicates: 0,
  };
}

export const variants: Record<string, Variant> = {
  'handler-seq': (p) => handlerRun(p, 1),
  'handler-4': (p) => handlerRun(p, 4),
  'direct-append': (p) => directRun(p, false),
  'direct-fetch': (p) => directRun(p, true),
};

const VARIANTS = Object.keys(variants);

export async function main(h: Harness): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { DATA_DIR } = await import('./lib/paths.js');
  const { ndjson } = await import('./lib/ingest-events.js');
  const { BENCH_BUCKET } = await import('./lib/s3-env.js');
  const { startS3Bench } = await import('./lib/s3-services.js');
  const n = h.quick ? 200 : OBJECTS;
  const bench = await startS3Bench();
  let runs: Runs;
  try {
    const prefix = `ingest-throughput-${Date.now()}`;
    const t0 = performance.now();
    const upload = async (kind: string, count: number): Promise<LandedObject[]> => {
      const out: LandedObject[] = new Array(count);
      let i = 0;
      const worker = async () => {
        while (i < count) {
          const k = i++;
          const key = `${prefix}/landing/${kind}/part-${String(k).padStart(5, '0')}.ndjson`;
          const body = ndjson(k * ROWS, ROWS);
          const put = await bench.clients.s3.send(new PutObjectCommand({ Bucket: BENCH_BUCKET, Key: key, Body: body }));
          out[k] = { bucket: BENCH_BUCKET, key, eTag: put.ETag!.replace(/"/g, ''), size: Buffer.byteLength(body) };
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      return out;
    };
    const landed: Landed = { main: await upload('main', n), warmup: await upload('warmup', WARMUP_OBJECTS) };
    console.log(
      `  uploaded ${n} + ${WARMUP_OBJECTS} objects of ${ROWS} rows in ${Math.round(performance.now() - t0)} ms`,
    );
    const dir = join(DATA_DIR, 'ingest-throughput');
    mkdirSync(dir, { recursive: true });
    const objectsFile = join(dir, 'objects.json');
    writeFileSync(objectsFile, JSON.stringify(landed));
    runs = await h.fresh('ingest-throughput', VARIANTS, { objectsFile, prefix });
  } finally {
    await bench.stop();
  }
  for (const v of VARIANTS) {
    for (const r of runs[v]!) {
      if (r.failures !== 0 || r.rows !== n * ROWS || r.ingested !== n)
        throw new Error(
          `ingest-throughput ${v}: ${r.failures} failures, ${r.rows} rows, ${r.ingested} objects ingested`,
        );
    }
  }
  const med = (v: string, k: string) => median(field(runs[v]!, k));
  const base = med('direct-append', 'ms');
  console.log(
    `\ningest-throughput: ${n} objects x ${ROWS} rows in SQS batches of ${BATCH}; median of ${h.reps} processes ` +
      `(time ratio vs direct-append)`,
  );
  printTable([
    ['variant', 'total', 'ratio', 'objects/s', 'commits', 'conflicts', 'p50 batch', 'max batch', 'runs (ms)'],
    ...VARIANTS.map((v) => [
      v,
      `${med(v, 'ms').toFixed(0)} ms`,
      `${(med(v, 'ms') / base).toFixed(2)}x`,
      med(v, 'objectsPerS').toFixed(0),
      field(runs[v]!, 'commits').join('/'),
      field(runs[v]!, 'conflicts').join('/'),
      `${med(v, 'p50').toFixed(0)} ms`,
      `${med(v, 'max').toFixed(0)} ms`,
      field(runs[v]!, 'ms')
        .map((x) => x.toFixed(0))
        .join(' '),
    ]),
  ]);
  h.record('runs', runs);
}
