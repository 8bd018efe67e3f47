/**
 * s3-commit-requests: requests and sequential round trips (waves) of one small append
 * (10 rows) to an existing S3 table whose snapshot is loaded (a held DeltaTable), per commit
 * coordinator, on the embedded services (fauxqs + dynalite, started by the parent).
 *   conditional       S3 conditional writes (PutObject If-None-Match: *)
 *   dynamodb          the DynamoDB lock table (Delta Spark's S3DynamoDBLogStore protocol)
 *   *-lat             the same with 30 ms added per S3 call and 10 ms per DynamoDB call
 * Each child: create the table, 2 warm-up appends, then 20 measured appends (post-commit
 * hooks off, so no checkpoint), then 10 appends with default hooks (one checkpoint).
 * Goal: conditional = 1 PUT for the commit (+ the data file PUT); dynamodb = the protocol's minimum.
 */
import { field, type Harness, type Params, type Runs, type Variant } from './lib/harness.js';
import { median, printTable } from './lib/timing.js';
import type { Coordinator } from './lib/s3-env.js';
import type { CallRecord } from './lib/s3-tracker.js';

export const description = 'requests and sequential round trips per small S3 append, per commit coordinator';

const MEASURED = 20;
const WARMUP = 2;
const HOOK_COMMITS = 10;
const ROWS = 10;

/** A data file write: a PUT outside `_delta_log/`. */
const isData = (r: CallRecord) => r.kind === 's3:PutObject' && !r.target.includes('/_delta_log/');

async function run(p: Params, coordinator: Coordinator, latency: boolean) {
  const measured = (p.commits as number | undefined) ?? MEASURED;
  const { importArrow } = await import('./lib/libs.js');
  await importArrow();
  const { makeBatch } = await import('./lib/data.js');
  const env = await import('./lib/s3-env.js');
  const s = await env.s3Session(coordinator, latency ? env.AWS_LIKE_LATENCY : {});
  const prefix = `commit-requests/${coordinator}${latency ? '-lat' : ''}-${process.pid}-${Date.now()}`;
  const store = s.store(prefix);
  let row = 0;
  const batch = () => makeBatch((row += ROWS) - ROWS, ROWS);
  await s.core.writeDeltaTable(store, batch(), { postCommitHooks: false });
  const table = await s.core.DeltaTable.open(store);
  for (let i = 0; i < WARMUP; i++) await table.append(batch(), { postCommitHooks: false });

  const perCommit: { ms: number; requests: number; waves: number; dataWaves: number; counted: number }[] = [];
  let kinds = '';
  let commitKinds = '';
  let waveLog = '';
  for (let i = 0; i < measured; i++) {
    s.reset();
    const t0 = performance.now();
    const res = await table.append(batch(), { postCommitHooks: false });
    const ms = performance.now() - t0;
    if (res.conflictsRetried !== 0) throw new Error('s3-commit-requests: unexpected conflict (single writer)');
    const log = s.tracker.log;
    const dataWaves = new Set(log.filter(isData).map((r) => r.wave));
    for (const r of log) if (!isData(r)) dataWaves.delete(r.wave);
    perCommit.push({
      ms,
      requests: log.length,
      waves: s.tracker.waves,
      dataWaves: dataWaves.size,
      counted: s.clients.counter.count(),
    });
    kinds = JSON.stringify(s.clients.counter.snapshot());
    commitKinds = JSON.stringify(s.tracker.byKind(log.filter((r) => !isData(r))));
    waveLog = s.tracker.summary(env.shortKey(prefix)).join('\n');
  }
  // Default hooks: one checkpoint (and log cleanup) per 10 versions.
  const hooks = { requests: 0, waves: 0, ms: 0, kinds: {} as Record<string, number>, checkpointLog: '' };
  let checkpoints = 0;
  for (let i = 0; i < HOOK_COMMITS; i++) {
    s.reset();
    const t0 = performance.now();
    const res = await table.append(batch());
    hooks.ms += performance.now() - t0;
    hooks.requests += s.tracker.requests;
    hooks.waves += s.tracker.waves;
    for (const [k, n] of Object.entries(s.clients.counter.snapshot())) hooks.kinds[k] = (hooks.kinds[k] ?? 0) + n;
    if (res.postCommit?.checkpointed !== undefined) {
      checkpoints++;
      hooks.checkpointLog = s.tracker.summary(env.shortKey(prefix)).join('\n');
    }
  }

  const expected = 1 + WARMUP + measured + HOOK_COMMITS - 1;
  if (table.version !== expected)
    throw new Error(`s3-commit-requests: at version ${table.version}, expected ${expected}`);
  for (const c of perCommit) {
    if (c.counted !== c.requests)
      throw new Error(`s3-commit-requests: RequestCounter saw ${c.counted} calls, the wave tracker ${c.requests}`);
  }
  const col = (k: keyof (typeof perCommit)[number]) => perCommit.map((c) => c[k]);
  const span = (xs: number[]) =>
    Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}-${Math.max(...xs)}`;
  return {
    ms: median(col('ms')),
    importMs: s.importMs,
    minMs: Math.min(...col('ms')),
    requests: median(col('requests')),
    requestsSpan: span(col('requests')),
    waves: median(col('waves')),
    wavesSpan: span(col('waves')),
    dataWaves: median(col('dataWaves')),
    kinds,
    commitKinds,
    waveLog,
    hooksRequests: hooks.requests,
    hooksWaves: hooks.waves,
    hooksKinds: JSON.stringify(Object.fromEntries(Object.entries(hooks.kinds).sort(([a], [b]) => a.localeCompare(b)))),
    hooksMs: hooks.ms,
    checkpointLog: hooks.checkpointLog,
    checkpoints,
  };
}

export const variants: Record<string, Variant> = {
  conditional: (p) => run(p, 'conditional', false),
  dynamodb: (p) => run(p, 'dynamodb', false),
  'conditional-lat': (p) => run(p, 'conditional', true),
  'dynamodb-lat': (p) => run(p, 'dynamodb', true),
};

const VARIANTS = ['conditional', 'dynamodb', 'conditional-lat', 'dynamodb-lat'];

function kindsText(json: string): string {
  return Object.entries(JSON.parse(json) as Record<string, number>)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

export async function main(h: Harness): Promise<void> {
  const { startS3Bench } = await import('./lib/s3-services.js');
  const bench = await startS3Bench();
  let runs: Runs;
  try {
    runs = await h.fresh('s3-commit-requests', VARIANTS, { commits: h.quick ? 5 : MEASURED });
  } finally {
    await bench.stop();
  }
  const first = (v: string) => runs[v]![0]!;
  const med = (v: string, k: string) => median(field(runs[v]!, k));
  console.log(
    `\ns3-commit-requests: one ${ROWS}-row append to a loaded S3 table, hooks off ` +
      `(requests/waves per commit over ${h.quick ? 5 : MEASURED} commits x ${h.reps} processes; time: median of process medians)`,
  );
  printTable([
    ['variant', 'requests', 'waves', 'data-file waves', 'commit waves', 'p50 commit', 'min commit', 'per process (ms)'],
    ...VARIANTS.map((v) => [
      v,
      String(first(v).requestsSpan),
      String(first(v).wavesSpan),
      String(first(v).dataWaves),
      String(Number(first(v).waves) - Number(first(v).dataWaves)),
      `${med(v, 'ms').toFixed(1)} ms`,
      `${Math.min(...field(runs[v]!, 'minMs')).toFixed(1)} ms`,
      field(runs[v]!, 'ms')
        .map((x) => x.toFixed(0))
        .join(' '),
    ]),
  ]);
  for (const v of ['conditional', 'dynamodb']) {
    console.log(
      `\n${v}: all calls ${kindsText(String(first(v).kinds))}; commit only ${kindsText(String(first(v).commitKinds))}`,
    );
    console.log(String(first(v).waveLog));
  }
  console.log(`\nwith default post-commit hooks: ${HOOK_COMMITS} appends (one checkpoint every 10 versions)`);
  printTable([
    ['variant', 'requests', 'waves', 'checkpoints', 'time (10 commits)', 'calls'],
    ...VARIANTS.map((v) => [
      v,
      String(first(v).hooksRequests),
      String(first(v).hooksWaves),
      String(first(v).checkpoints),
      `${med(v, 'hooksMs').toFixed(0)} ms`,
      kindsText(String(first(v).hooksKinds)),
    ]),
  ]);
  for (const v of ['conditional', 'dynamodb']) {
    console.log(`\n${v}: the commit that checkpointed`);
    console.log(String(first(v).checkpointLog));
  }
  h.record('runs', runs);
}
