/**
 * s3-snapshot-load: the snapshot-load table (2,000 commits, checkpoint at 1990 with 100,000
 * adds, 9 commits after it; built by snapshot-load.ts) uploaded to an embedded S3 bucket,
 * then `loadSnapshot` through an S3Store, per commit coordinator:
 *   conditional   S3 conditional writes: nothing to recover before reading
 *   dynamodb      the lock table: recovery (a Query for the newest entry) runs before reading
 *   *-lat         30 ms added per S3 call, 10 ms per DynamoDB call
 * The lock table holds a complete entry for the last version, as a writer would leave it.
 * Goal: <= 3 waves.
 */
import { field, type Harness, type Params, type Runs, type Variant } from './lib/harness.js';
import { printFresh, printWarm, summarize } from './lib/report.js';
import type { Coordinator } from './lib/s3-env.js';
import { median, ms, printTable, startTimer } from './lib/timing.js';

export const description = '2,000-commit table on embedded S3: loadSnapshot requests, LIST pages, waves and time';

const PREFIX = 'snapshot-2000';
const LAST_VERSION = 1999;
const EXPECTED_FILES = 100_009;

async function load(p: Params, coordinator: Coordinator, latency: boolean) {
  const env = await import('./lib/s3-env.js');
  const s = await env.s3Session(coordinator, latency ? env.AWS_LIKE_LATENCY : {});
  const store = s.store((p.prefix as string | undefined) ?? PREFIX);
  s.reset();
  const stop = startTimer();
  const snap = await s.core.loadSnapshot(s.core.createEngine(store));
  const t = stop();
  if (snap.version !== LAST_VERSION || snap.numFiles !== EXPECTED_FILES) {
    throw new Error(
      `s3-snapshot-load: got version ${snap.version} with ${snap.numFiles} files, expected ${LAST_VERSION} / ${EXPECTED_FILES}`,
    );
  }
  const c = s.clients.counter;
  if (c.count() !== s.tracker.requests)
    throw new Error(`s3-snapshot-load: RequestCounter saw ${c.count()} calls, the wave tracker ${s.tracker.requests}`);
  return {
    ...t,
    importMs: s.importMs,
    requests: c.count(),
    waves: s.tracker.waves,
    inflightMs: s.tracker.inflightMs(),
    gets: c.count('s3:GetObject'),
    listPages: c.count('s3:ListObjectsV2'),
    heads: c.count('s3:HeadObject'),
    dynamo: c.count() - c.count('s3:GetObject') - c.count('s3:ListObjectsV2') - c.count('s3:HeadObject'),
    kinds: JSON.stringify(c.snapshot()),
    waveLog: s.tracker.summary(env.shortKey(PREFIX)).join('\n'),
  };
}

export const variants: Record<string, Variant> = {
  conditional: (p) => load(p, 'conditional', false),
  dynamodb: (p) => load(p, 'dynamodb', false),
  'conditional-lat': (p) => load(p, 'conditional', true),
  'dynamodb-lat': (p) => load(p, 'dynamodb', true),
};

const VARIANTS = ['conditional', 'dynamodb', 'conditional-lat', 'dynamodb-lat'];

export async function main(h: Harness): Promise<void> {
  const { ensureTable } = await import('./snapshot-load.js');
  const dir = await ensureTable();
  const { startS3Bench, uploadDir } = await import('./lib/s3-services.js');
  const { BENCH_BUCKET, BENCH_LOCK_TABLE } = await import('./lib/s3-env.js');
  const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
  const bench = await startS3Bench();
  try {
    const t0 = performance.now();
    const up = await uploadDir(bench, dir, PREFIX);
    // What a DynamoDB-coordinated writer leaves behind: the newest entry, complete.
    await (
      await bench.clients.dynamo()
    ).send(
      new PutItemCommand({
        TableName: BENCH_LOCK_TABLE,
        Item: {
          tablePath: { S: `s3://${BENCH_BUCKET}/${PREFIX}` },
          fileName: { S: `${String(LAST_VERSION).padStart(20, '0')}.json` },
          tempPath: { S: `.tmp/${String(LAST_VERSION).padStart(20, '0')}.json.bench` },
          complete: { S: 'true' },
          expireTime: { N: String(Math.floor(Date.now() / 1000) + 86_400) },
        },
      }),
    );
    console.log(
      `  uploaded ${up.files} files (${(up.bytes / 1e6).toFixed(1)} MB) to s3://${BENCH_BUCKET}/${PREFIX} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const fresh = await h.fresh('s3-snapshot-load', VARIANTS, {});
    const warm = await h.warm('s3-snapshot-load', VARIANTS, {});
    const r = (v: string) => warm[v]![0]!;
    console.log('\ns3-snapshot-load: requests (a wave = in-flight calls going from 0 to 1, across S3 and DynamoDB)');
    printTable([
      ['variant', 'requests', 'waves', 'GETs', 'LIST pages', 'HEADs', 'DynamoDB', 'calls'],
      ...VARIANTS.map((v) => [
        v,
        String(r(v).requests),
        String(r(v).waves),
        String(r(v).gets),
        String(r(v).listPages),
        String(r(v).heads),
        String(r(v).dynamo),
        Object.entries(JSON.parse(String(r(v).kinds)) as Record<string, number>)
          .map(([k, n]) => `${k} ${n}`)
          .join(', '),
      ]),
    ]);
    for (const v of ['conditional', 'dynamodb']) console.log(`${v} (warm run 1):\n${String(r(v).waveLog)}`);
    console.log(`conditional (fresh run 1):\n${String(fresh['conditional']![0]!.waveLog)}`);
    const fs = summarize(fresh);
    const ws = summarize(warm);
    const med = (runs: Runs, v: string, k: string) => median(field(runs[v]!, k));
    console.log('\ntime with a call in flight (waiting on the emulators) vs the whole load, medians');
    printTable([
      ['variant', 'fresh in flight', 'fresh op', 'warm in flight', 'warm op'],
      ...VARIANTS.map((v) => [
        v,
        ms(med(fresh, v, 'inflightMs')),
        ms(med(fresh, v, 'ms')),
        ms(med(warm, v, 'inflightMs')),
        ms(med(warm, v, 'ms')),
      ]),
    ]);
    printFresh('s3-snapshot-load', fs, 'conditional');
    printWarm('s3-snapshot-load', ws, 'conditional');
    h.record('upload', up);
    h.record('requests', Object.fromEntries(VARIANTS.map((v) => [v, r(v)])));
    h.record('freshRequests', Object.fromEntries(VARIANTS.map((v) => [v, fresh[v]![0]!])));
    h.record('fresh', fs);
    h.record('warm', ws);
  } finally {
    await bench.stop();
  }
}
