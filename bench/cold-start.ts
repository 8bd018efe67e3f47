/**
 * cold-start: what a fresh Lambda-like Node process pays to ingest one small object with the
 * BUNDLED ingest handler (scripts/bundle-lambdas.ts: dist-style index.mjs + parquet-wasm's
 * .wasm beside it), against the embedded S3 started in the parent.
 *   ingest-bundle        import the bundle, then handler(one SQS message -> one 20-row NDJSON
 *                        object) = GET the object, decode, write one Parquet file, commit
 *   sdk-put-bundle       baseline: a bundle of @aws-sdk/client-s3 doing one PutObject (what any
 *                        S3-writing Lambda pays)
 *   sdk-put-node_modules the same handler unbundled, resolving the SDK from node_modules (as
 *                        with the SDK the Lambda runtime provides)
 * Each child reports, from process start (performance.now(), origin = process start): `boot`
 * (its first line runs), `loaded` (handler module imported), `done` (the handler resolved:
 * for ingest, the first commit landed). Children alternate, 5 x --reps of each, after one
 * unmeasured warm-up each (the first creates the table). Each child then handles a second
 * event (another object / key): `warm 2nd` is what a warm container pays for the same work.
 * CPU and peak RSS are the child's totals, both invocations included. Goal: ingest done < 400 ms.
 * COLD_START_COMPARE=<path to another build's ingest index.mjs> (`pnpm bundle` in a checkout
 * of an older commit, its .wasm beside it) adds `ingest-compare`, alternating with the rest on
 * the same table: an A/B of two builds under the same machine noise.
 * COLD_START_SOURCEMAPS=1 adds `ingest-sourcemaps`: the same bundle built with its source map,
 * run with `node --enable-source-maps` (what readable stack traces would cost every cold start;
 * infra/README.md, Bundling).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Harness, Variant } from './lib/harness.js';
import type { LandedObject } from './lib/ingest-events.js';
import { DATA_DIR } from './lib/paths.js';
import { median, printTable } from './lib/timing.js';

export const description = 'fresh process: bundled ingest handler import + first commit vs an SDK-only PutObject';

/** Children here are plain node on bundles, spawned by main (not the harness's variants). */
export const variants: Record<string, Variant> = {};

const ROWS = 20;
const MARK = '@@COLD ';

// Runs in the child: import the handler module, call it once with the event, report times.
const RUNNER = `const boot = performance.now();
const mod = await import(process.argv[2]);
const loaded = performance.now();
const res = await mod.handler(JSON.parse(process.argv[3]), { awsRequestId: 'cold-start', functionName: 'bench' });
const done = performance.now();
const cpu = process.cpuUsage();
// A second invocation in the same process: what a warm container pays for the same work.
const res2 = await mod.handler(JSON.parse(process.argv[4]), { awsRequestId: 'warm', functionName: 'bench' });
const warm = performance.now() - done;
console.log(${JSON.stringify(MARK)} + JSON.stringify({ boot, loaded, done, warm, cpuMs: (cpu.user + cpu.system) / 1000,
  rssMB: process.resourceUsage().maxRSS / 1024, failures: (res?.batchItemFailures?.length ?? 0) + (res2?.batchItemFailures?.length ?? 0) }));
`;

// The baseline handler: one PutObject with the SDK (endpoint and credentials from the env).
const SDK_PUT = `import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
const s3 = new S3Client({ endpoint: process.env.AWS_ENDPOINT_URL_S3, forcePathStyle: true });
export async function handler(event) {
  await s3.send(new PutObjectCommand({ Bucket: event.bucket, Key: event.key, Body: event.body }));
  return {};
}
`;

interface ColdRun {
  boot: number;
  loaded: number;
  done: number;
  /** A second, warm invocation in the same process (ms). */
  warm: number;
  cpuMs: number;
  rssMB: number;
  failures: number;
  /** Parent clock: spawn to exit. */
  wall: number;
}

function runChild(
  file: string,
  events: [unknown, unknown],
  runner: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const args = [...nodeArgs, runner, file, JSON.stringify(events[0]), JSON.stringify(events[1])];
    const child = spawn(process.execPath, args, {
      cwd: DATA_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) return reject(new Error(`cold-start child ${file} exited ${code}: ${err || out}`));
      resolve({ ...(JSON.parse(line.slice(MARK.length)) as Omit<ColdRun, 'wall'>), wall: performance.now() - t0 });
    });
  });
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

export async function main(h: Harness): Promise<void> {
  const { bundleLambda } = await import('../scripts/bundle-lambdas.js');
  const { LAMBDA_ENTRIES } = await import('../infra/handlers.js');
  const { build } = await import('esbuild');
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { ndjson } = await import('./lib/ingest-events.js');
  const { sqsEvent } = await import('./lib/ingest-events.js');
  const { BENCH_BUCKET } = await import('./lib/s3-env.js');

  const dir = join(DATA_DIR, 'cold-start');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const runner = join(dir, 'runner.mjs');
  writeFileSync(runner, RUNNER);
  const sdkEntry = join(dir, 'sdk-put.mjs'); // resolves @aws-sdk/client-s3 from the repo's node_modules
  writeFileSync(sdkEntry, SDK_PUT);

  const t0 = performance.now();
  const ingest = await bundleLambda({ name: 'ingest', entry: LAMBDA_ENTRIES.ingest }, join(dir, 'bundles'));
  const withMaps = process.env.COLD_START_SOURCEMAPS === '1';
  const mapped = withMaps
    ? await bundleLambda({ name: 'ingest', entry: LAMBDA_ENTRIES.ingest }, join(dir, 'bundles-mapped'), {
        sourcemap: true,
      })
    : undefined;
  const sdkBundle = join(dir, 'bundles', 'sdk-put', 'index.mjs');
  await build({
    entryPoints: [sdkEntry],
    outfile: sdkBundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const sizes = {
    ingestCode: ingest.bytes,
    ingestCodeGzip: gzipSync(readFileSync(ingest.outFile)).length,
    wasm: ingest.wasmBytes ?? 0,
    wasmGzip: gzipSync(readFileSync(join(dir, 'bundles', 'ingest', 'parquet_wasm_bg.wasm'))).length,
    sdkPutCode: statSync(sdkBundle).size,
  };
  console.log(
    `  bundles built in ${Math.round(performance.now() - t0)} ms: ingest ${kib(sizes.ingestCode)} ` +
      `(gzip ${kib(sizes.ingestCodeGzip)}) + wasm ${kib(sizes.wasm)} (gzip ${kib(sizes.wasmGzip)}); ` +
      `sdk-put ${kib(sizes.sdkPutCode)}`,
  );

  const n = h.quick ? 2 : 5 * h.reps;
  const { startS3Bench } = await import('./lib/s3-services.js');
  const bench = await startS3Bench();
  const prefix = `cold-start-${Date.now()}`;
  const tableUri = `s3://${BENCH_BUCKET}/${prefix}/tables/events`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AWS_'))),
    AWS_S3_LOCKING_PROVIDER: 'conditional',
    DELTA_INGEST_ROUTES: JSON.stringify([{ prefix: `s3://${BENCH_BUCKET}/${prefix}/landing/`, table: tableUri }]),
    POWERTOOLS_METRICS_NAMESPACE: 'DeltaServerless',
  };
  const compare = process.env.COLD_START_COMPARE;
  const runs: Record<string, ColdRun[]> = {
    'ingest-bundle': [],
    ...(compare ? { 'ingest-compare': [] } : {}),
    ...(mapped ? { 'ingest-sourcemaps': [] } : {}),
    'sdk-put-bundle': [],
    'sdk-put-node_modules': [],
  };
  const names = Object.keys(runs);
  const ingestChildren = 1 + (compare ? 1 : 0) + (mapped ? 1 : 0);
  let versions = -1;
  try {
    // Two landing objects per ingest child (cold + warm invocation), the warm-up child included.
    const landed: LandedObject[] = [];
    for (let i = 0; i < 2 * (n + 1) * ingestChildren; i++) {
      const key = `${prefix}/landing/obj-${i}.ndjson`;
      const body = ndjson(i * ROWS, ROWS);
      const put = await bench.clients.s3.send(new PutObjectCommand({ Bucket: BENCH_BUCKET, Key: key, Body: body }));
      landed.push({ bucket: BENCH_BUCKET, key, eTag: put.ETag!.replace(/"/g, ''), size: Buffer.byteLength(body) });
    }
    const sdkEvent = (i: number) => ({
      bucket: BENCH_BUCKET,
      key: `${prefix}/sdk/put-${i}.ndjson`,
      body: ndjson(0, ROWS),
    });
    let nextObject = 0;
    const launch = (name: string, i: number) =>
      name.startsWith('ingest-')
        ? runChild(
            name === 'ingest-compare' ? compare! : name === 'ingest-sourcemaps' ? mapped!.outFile : ingest.outFile,
            [sqsEvent([landed[nextObject++]!]), sqsEvent([landed[nextObject++]!])],
            runner,
            env,
            name === 'ingest-sourcemaps' ? ['--enable-source-maps'] : [],
          )
        : runChild(
            name === 'sdk-put-bundle' ? sdkBundle : sdkEntry,
            [sdkEvent(2 * i), sdkEvent(2 * i + 1)],
            runner,
            env,
          );
    // Warm-up (page cache, the table's version 0), not measured.
    for (const name of names) {
      const r = await launch(name, 0);
      if (r.failures !== 0) throw new Error(`cold-start: warm-up ${name} reported ${r.failures} failed messages`);
    }
    for (let i = 1; i <= n; i++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(i + k) % names.length]!;
        const r = await launch(name, i);
        if (r.failures !== 0) throw new Error(`cold-start: ${name} run ${i} reported ${r.failures} failed messages`);
        runs[name]!.push(r);
      }
    }
    const { DeltaTable } = await import('@delta-serverless/core');
    versions = (await DeltaTable.open(tableUri)).version;
  } finally {
    await bench.stop();
  }
  const expected = 2 * (n + 1) * ingestChildren - 1;
  if (versions !== expected)
    throw new Error(`cold-start: table at version ${versions}, expected ${expected} (two commits per ingest child)`);

  const med = (name: string, k: keyof ColdRun) => median(runs[name]!.map((r) => r[k]));
  const base = med('sdk-put-bundle', 'done');
  console.log(
    `\ncold-start: fresh node process per run, median of ${n} (ms from process start; ratio of 'done' vs sdk-put-bundle)`,
  );
  printTable([
    [
      'variant',
      'boot',
      'loaded',
      'done',
      'ratio',
      'import',
      'handler',
      'exit (parent)',
      'warm 2nd',
      'CPU',
      'peak RSS',
      'done runs (ms)',
    ],
    ...names.map((v) => [
      v,
      med(v, 'boot').toFixed(0),
      med(v, 'loaded').toFixed(0),
      med(v, 'done').toFixed(0),
      `${(med(v, 'done') / base).toFixed(2)}x`,
      median(runs[v]!.map((r) => r.loaded - r.boot)).toFixed(0),
      median(runs[v]!.map((r) => r.done - r.loaded)).toFixed(0),
      med(v, 'wall').toFixed(0),
      med(v, 'warm').toFixed(0),
      med(v, 'cpuMs').toFixed(0),
      `${med(v, 'rssMB').toFixed(0)} MB`,
      runs[v]!.map((r) => r.done.toFixed(0)).join(' '),
    ]),
  ]);
  const done = med('ingest-bundle', 'done');
  console.log(
    `\ningest-bundle: first commit ${done.toFixed(0)} ms after process start (goal < 400 ms: ${done < 400 ? 'met' : 'NOT met'}); ` +
      `${(done / base).toFixed(2)}x the bundled SDK PutObject, ${(done / med('sdk-put-node_modules', 'done')).toFixed(2)}x the unbundled one` +
      (compare ? `; ${(done / med('ingest-compare', 'done')).toFixed(2)}x ingest-compare (${compare})` : '') +
      (mapped ? `; ingest-sourcemaps is ${(med('ingest-sourcemaps', 'done') / done).toFixed(2)}x ingest-bundle` : ''),
  );
  console.log(
    `bundle sizes: ingest index.mjs ${kib(sizes.ingestCode)} (gzip ${kib(sizes.ingestCodeGzip)}), ` +
      `parquet_wasm_bg.wasm ${kib(sizes.wasm)} (gzip ${kib(sizes.wasmGzip)}); sdk-put bundle ${kib(sizes.sdkPutCode)}`,
  );
  h.record('sizes', sizes);
  h.record('runs', runs);
}
