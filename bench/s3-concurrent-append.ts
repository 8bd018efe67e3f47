/**
 * s3-concurrent-append: 1, 4, 8 and 16 writer processes appending 10-row batches to one S3
 * table on the embedded services, per commit coordinator, for a fixed time. Each writer holds
 * a DeltaTable (snapshot loaded before the start), appends with post-commit hooks off (no
 * checkpoints: the commit protocol alone) and retries lost races (blind appends never
 * conflict logically). All writers start together (s3-spawn.ts). Reported: total commits/s,
 * conflicts retried, p50/p99 commit latency, requests per commit, emulator CPU.
 */
import type { Harness, Params, Variant } from './lib/harness.js';
import type { Coordinator } from './lib/s3-env.js';
import { median, printTable } from './lib/timing.js';

export const description = '1-16 concurrent writer processes appending to one S3 table: commits/s, conflicts, latency';

/** Writer counts; env S3_BENCH_WRITERS=4,16 narrows a run. */
const WRITERS = (process.env.S3_BENCH_WRITERS ?? '1,4,8,16').split(',').map(Number);
/** Seconds per configuration; env S3_BENCH_SECONDS overrides (default 15, --quick 4). Rounds: S3_BENCH_ROUNDS (default 2, --quick 1). */
const SECONDS = process.env.S3_BENCH_SECONDS ? Number(process.env.S3_BENCH_SECONDS) : undefined;
const ROWS = 10;

interface WriterParams extends Params {
  coordinator: Coordinator;
  prefix: string;
  durationMs: number;
  writer: number;
  /** Commit retry backoff ceiling (core default 2,000 ms); undefined keeps the default. */
  retryMaxMs?: number;
}

async function writer(p: Params) {
  const { coordinator, prefix, durationMs, writer: id, retryMaxMs } = p as WriterParams;
  const { importArrow } = await import('./lib/libs.js');
  await importArrow();
  const { makeBatch } = await import('./lib/data.js');
  const env = await import('./lib/s3-env.js');
  const { readyAndWait } = await import('./lib/s3-ready.js');
  const s = await env.s3Session(coordinator);
  // Warm-up on a scratch table (parquet-wasm compile, JIT, connections), then hold the real one.
  await s.core.writeDeltaTable(s.store(`${prefix}-warmup/w${id}`), makeBatch(0, ROWS), { postCommitHooks: false });
  const table = await s.core.DeltaTable.open(s.store(prefix));
  await readyAndWait();

  s.reset();
  const goAt = Date.now();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const latencies: number[] = [];
  let conflicts = 0;
  let failures = 0;
  let lastError = '';
  let row = (id + 1) * 10_000_000;
  const short = env.shortKey(prefix);
  let worst = { ms: 0, trace: '' };
  let oneRetry = '';
  while (performance.now() - t0 < durationMs) {
    const batch = makeBatch(row, ROWS);
    row += ROWS;
    const c0 = performance.now();
    const i0 = s.tracker.log.length;
    try {
      const res = await table.append(batch, {
        postCommitHooks: false,
        ...(retryMaxMs !== undefined ? { retry: { maxMs: retryMaxMs } } : {}),
      });
      conflicts += res.conflictsRetried;
      const ms = performance.now() - c0;
      latencies.push(ms);
      // Keep the call trace of the slowest commit, and of one that lost exactly one race.
      if (ms > worst.ms) worst = { ms, trace: s.tracker.summary(short, i0).join('\n') };
      if (res.conflictsRetried === 1 && !oneRetry) oneRetry = s.tracker.summary(short, i0).join('\n');
    } catch (err) {
      failures++;
      lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    ms: performance.now() - t0,
    windowCpuMs: (cpu.user + cpu.system) / 1000,
    inflightMs: s.tracker.inflightMs(),
    sdkRetries: s.tracker.retries().retries,
    sdkRetryDelayMs: s.tracker.retries().delayMs,
    errors: JSON.stringify(s.tracker.errors()),
    worstMs: worst.ms,
    worstTrace: worst.trace,
    oneRetryTrace: oneRetry,
    goAt,
    endAt: Date.now(),
    commits: latencies.length,
    conflicts,
    failures,
    lastError,
    requests: s.clients.counter.count(),
    kinds: JSON.stringify(s.clients.counter.snapshot()),
    latencies: JSON.stringify(latencies.map((x) => Math.round(x * 10) / 10)),
  };
}

export const variants: Record<string, Variant> = { writer };

function pct(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

/** A writer configuration: a coordinator, optionally with a lower retry backoff ceiling. */
interface Setup {
  name: string;
  coordinator: Coordinator;
  retryMaxMs?: number;
}

const ALL_SETUPS: Setup[] = [
  { name: 'conditional', coordinator: 'conditional' },
  { name: 'dynamodb', coordinator: 'dynamodb' },
  { name: 'conditional, backoff <= 100 ms', coordinator: 'conditional', retryMaxMs: 100 },
  { name: 'dynamodb, backoff <= 100 ms', coordinator: 'dynamodb', retryMaxMs: 100 },
];
/** env S3_BENCH_SETUPS=0,1 keeps only those setups (indexes into the list above). */
const SETUPS = process.env.S3_BENCH_SETUPS
  ? process.env.S3_BENCH_SETUPS.split(',').map((i) => ALL_SETUPS[Number(i)]!)
  : ALL_SETUPS;

interface Row {
  setup: string;
  coordinator: Coordinator;
  writers: number;
  round: number;
  windowS: number;
  commits: number;
  commitsPerSec: number;
  conflicts: number;
  failures: number;
  p50: number;
  p99: number;
  max: number;
  perWriter: string;
  requestsPerCommit: number;
  kinds: Record<string, number>;
  serverCpu: number;
  writersCpuS: number;
  /** Share of the writers' time with a call in flight. */
  waitingShare: number;
  /** Failed SDK calls by kind and error (lost races show up here). */
  callErrors?: Record<string, number>;
  sdkRetries?: number;
  sdkRetryDelayS?: number;
  /** Call trace of the slowest commit, and of a commit that lost exactly one race. */
  worstTrace: string;
  oneRetryTrace: string;
  lastError: string;
}

export async function main(h: Harness): Promise<void> {
  const { startS3Bench } = await import('./lib/s3-services.js');
  const { runGang } = await import('./lib/s3-spawn.js');
  const { BENCH_BUCKET, storageOptionsFor } = await import('./lib/s3-env.js');
  const { importArrow, importCoreWithInternal } = await import('./lib/libs.js');
  await importArrow();
  const { makeBatch } = await import('./lib/data.js');
  const core = await importCoreWithInternal();
  const durationMs = (SECONDS ?? (h.quick ? 4 : 15)) * 1000;
  const rounds = process.env.S3_BENCH_ROUNDS ? Number(process.env.S3_BENCH_ROUNDS) : h.quick ? 1 : 2;
  const bench = await startS3Bench();
  const rows: Row[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? SETUPS : [...SETUPS].reverse();
      for (const setup of order) {
        const { coordinator, retryMaxMs } = setup;
        for (const n of WRITERS) {
          const prefix = `concurrent/s${ALL_SETUPS.indexOf(setup)}-${coordinator}-w${n}-r${round}`;
          const uri = `s3://${BENCH_BUCKET}/${prefix}`;
          const store = () =>
            bench.aws.createS3Store(uri, { storageOptions: storageOptionsFor(coordinator), clients: bench.clients });
          await core.writeDeltaTable(store(), makeBatch(0, ROWS), { postCommitHooks: false });
          process.stdout.write(`  round ${round}: ${setup.name}, ${n} writer(s), ${durationMs / 1000} s...`);
          const cpu0 = process.cpuUsage();
          const params: WriterParams[] = Array.from({ length: n }, (_, i) => ({
            coordinator,
            prefix,
            durationMs,
            writer: i,
            ...(retryMaxMs !== undefined ? { retryMaxMs } : {}),
          }));
          const res = await runGang(h.mode, 's3-concurrent-append', 'writer', params);
          const cpu = process.cpuUsage(cpu0);
          const commits = res.reduce((a, r) => a + Number(r.commits), 0);
          const window =
            (Math.max(...res.map((r) => Number(r.endAt))) - Math.min(...res.map((r) => Number(r.goAt)))) / 1000;
          const lat = res.flatMap((r) => JSON.parse(String(r.latencies)) as number[]).sort((a, b) => a - b);
          const kinds: Record<string, number> = {};
          for (const r of res)
            for (const [k, c] of Object.entries(JSON.parse(String(r.kinds)) as Record<string, number>))
              kinds[k] = (kinds[k] ?? 0) + c;
          const final = await core.loadSnapshot(core.createEngine(store()));
          if (final.version !== commits || final.numFiles !== commits + 1) {
            throw new Error(
              `s3-concurrent-append: ${uri} is at version ${final.version} with ${final.numFiles} files after ${commits} commits (expected ${commits} / ${commits + 1})`,
            );
          }
          const perWriter = res.map((r) => Number(r.commits));
          const row: Row = {
            setup: setup.name,
            coordinator,
            writers: n,
            round,
            windowS: window,
            commits,
            commitsPerSec: commits / window,
            conflicts: res.reduce((a, r) => a + Number(r.conflicts), 0),
            failures: res.reduce((a, r) => a + Number(r.failures), 0),
            p50: pct(lat, 0.5),
            p99: pct(lat, 0.99),
            max: lat[lat.length - 1] ?? NaN,
            perWriter: n === 1 ? String(perWriter[0]) : `${Math.min(...perWriter)}-${Math.max(...perWriter)}`,
            requestsPerCommit: res.reduce((a, r) => a + Number(r.requests), 0) / Math.max(1, commits),
            kinds,
            // Parent CPU during the gang: the emulators (fauxqs + dynalite) plus idle bookkeeping.
            serverCpu: (cpu.user + cpu.system) / 1e6,
            writersCpuS: res.reduce((a, r) => a + Number(r.windowCpuMs), 0) / 1000,
            waitingShare: res.reduce((a, r) => a + Number(r.inflightMs) / Number(r.ms), 0) / n,
            lastError: res.map((r) => String(r.lastError)).find((e) => e !== '') ?? '',
            worstTrace: String([...res].sort((a, b) => Number(b.worstMs) - Number(a.worstMs))[0]!.worstTrace),
            oneRetryTrace: res.map((r) => String(r.oneRetryTrace)).find((t) => t !== '') ?? '',
          };
          rows.push(row);
          process.stdout.write(
            ` ${commits} commits, ${row.commitsPerSec.toFixed(1)}/s, ${row.conflicts} conflicts retried, ${row.failures} failed\n`,
          );
          if (row.lastError) console.log(`    last error: ${row.lastError}`);
          const errs: Record<string, number> = {};
          for (const r of res)
            for (const [k, c] of Object.entries(JSON.parse(String(r.errors)) as Record<string, number>))
              errs[k] = (errs[k] ?? 0) + c;
          row.callErrors = errs;
          row.sdkRetries = res.reduce((a, r) => a + Number(r.sdkRetries), 0);
          row.sdkRetryDelayS = res.reduce((a, r) => a + Number(r.sdkRetryDelayMs), 0) / 1000;
          console.log(
            `    failed calls ${JSON.stringify(errs)}; SDK retries ${row.sdkRetries} (${row.sdkRetryDelayS.toFixed(1)} s of backoff); ` +
              `writers waiting on calls ${(row.waitingShare * 100).toFixed(0)}%, emulator ${(row.serverCpu / window).toFixed(2)} cores, writers ${(row.writersCpuS / window).toFixed(2)} cores`,
          );
        }
      }
    }
  } finally {
    await bench.stop();
  }

  console.log(
    `\ns3-concurrent-append: ${ROWS}-row appends for ${durationMs / 1000} s per configuration, hooks off; ` +
      `${rounds} round(s), median over rounds (latencies: all commits of the round with the median commits/s)`,
  );
  const table: string[][] = [];
  for (const setup of SETUPS) {
    for (const n of WRITERS) {
      const rs = rows.filter((r) => r.setup === setup.name && r.writers === n);
      const mid = [...rs].sort((a, b) => a.commitsPerSec - b.commitsPerSec)[(rs.length - 1) >> 1]!;
      table.push([
        setup.name,
        String(n),
        median(rs.map((r) => r.commitsPerSec)).toFixed(1),
        rs.map((r) => r.commitsPerSec.toFixed(1)).join(' '),
        String(mid.commits),
        String(mid.conflicts),
        (mid.conflicts / Math.max(1, mid.commits)).toFixed(2),
        String(mid.failures),
        `${mid.p50.toFixed(0)} ms`,
        `${mid.p99.toFixed(0)} ms`,
        `${mid.max.toFixed(0)} ms`,
        mid.perWriter,
        mid.requestsPerCommit.toFixed(1),
        `${(mid.serverCpu / mid.windowS).toFixed(2)}`,
        `${(mid.writersCpuS / mid.windowS).toFixed(2)}`,
        `${(mid.waitingShare * 100).toFixed(0)}%`,
      ]);
    }
  }
  printTable([
    [
      'setup',
      'writers',
      'commits/s',
      'rounds',
      'commits',
      'conflicts retried',
      'per commit',
      'failed',
      'p50',
      'p99',
      'max',
      'per writer',
      'requests/commit',
      'emulator cores',
      'writer cores',
      'writers waiting on calls',
    ],
    ...table,
  ]);
  for (const name of ['conditional', 'dynamodb']) {
    const r = rows.find((x) => x.setup === name && x.writers === 4);
    if (r?.oneRetryTrace) console.log(`\n${name}, 4 writers: a commit that lost one race\n${r.oneRetryTrace}`);
  }
  for (const name of ['conditional', 'dynamodb']) {
    const r = rows.find((x) => x.setup === name && x.writers === 16);
    if (r?.worstTrace) {
      const lines = r.worstTrace.split('\n');
      const shown =
        lines.length > 40 ? [...lines.slice(0, 20), `... ${lines.length - 40} waves ...`, ...lines.slice(-20)] : lines;
      console.log(`\n${name}, 16 writers: the slowest commit (${lines.length} waves)\n${shown.join('\n')}`);
    }
  }
  h.record('rows', rows);
}
