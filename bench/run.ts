/**
 * Benchmark runner: `pnpm bench [name...] [--reps N] [--quick] [--source]`.
 *
 * The parent (this file, under tsx) generates data under bench/.data and spawns children
 * for every measurement; children run built JS by default (see lib/child-runner.ts).
 * Results are printed and saved to bench/.data/results/<name>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { distStaleness, runFresh, runWarm, transpileBench, type ChildMode } from './lib/child-runner.js';
import type { BenchModule, Harness } from './lib/harness.js';
import { DATA_DIR } from './lib/paths.js';

const BENCHES = [
  'scan-full',
  'scan-selective',
  'snapshot-load',
  'write-append',
  'commits',
  's3-commit-requests',
  's3-snapshot-load',
  's3-concurrent-append',
  'optimize-s3',
  'zorder',
  'vacuum-s3',
  'dml-delete',
  'merge-upsert',
  'merge-nested-loop',
  'cold-start',
  'ingest-throughput',
  'cli-startup',
  'scale',
] as const;
/** `s3` on the command line selects every S3 benchmark (they need packages/aws built too). */
const S3_BENCHES = BENCHES.filter((b) => b.startsWith('s3-'));

interface Args {
  names: string[];
  reps: number;
  warmReps: number;
  quick: boolean;
  mode: ChildMode;
}

function parseArgs(argv: string[]): Args {
  const names: string[] = [];
  let reps = 5;
  let warmReps = 9;
  let quick = false;
  let mode: ChildMode = 'dist';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--reps') reps = Number(argv[++i]);
    else if (a === '--warm-reps') warmReps = Number(argv[++i]);
    else if (a === '--quick') quick = true;
    else if (a === '--source') mode = 'source';
    else if (a === '--help' || a === '-h') {
      console.log(`usage: pnpm bench [${BENCHES.join('|')}|s3...] [--reps N] [--warm-reps N] [--quick] [--source]`);
      process.exit(0);
    } else if ((BENCHES as readonly string[]).includes(a)) names.push(a);
    else if (a === 's3') names.push(...S3_BENCHES);
    else throw new Error(`unknown benchmark or option "${a}"; benchmarks: ${BENCHES.join(', ')}`);
  }
  if (!Number.isInteger(reps) || reps < 1 || !Number.isInteger(warmReps) || warmReps < 1) {
    throw new Error('--reps and --warm-reps need a positive integer');
  }
  if (quick && !argv.includes('--reps')) reps = 2;
  if (quick && !argv.includes('--warm-reps')) warmReps = 2;
  return { names: names.length > 0 ? names : [...BENCHES], reps, warmReps, quick, mode };
}

async function main(): Promise<void> {
  const { names, reps, warmReps, quick, mode } = parseArgs(process.argv.slice(2));
  mkdirSync(join(DATA_DIR, 'results'), { recursive: true });
  if (mode === 'dist') {
    const needsLambda = names.includes('ingest-throughput') || names.includes('scale');
    const needsAws = needsLambda || names.some((n) => n.startsWith('s3-') || n.endsWith('-s3'));
    const stale = distStaleness(needsAws ? ['core', 'aws', ...(needsLambda ? ['lambda'] : [])] : ['core']);
    if (stale) console.warn(`WARNING: ${stale}`);
    transpileBench();
  }
  console.log(
    `children run ${mode === 'dist' ? 'built JS (packages/core/dist, bench/.data/js)' : 'TS sources via tsx'}; node ${process.version}; reps ${reps} fresh / ${warmReps} warm${quick ? ' (quick)' : ''}`,
  );
  for (const name of names) {
    const mod = (await import(`./${name}.js`)) as BenchModule;
    console.log(`\n=== ${name}: ${mod.description}`);
    const recorded: Record<string, unknown> = {
      bench: name,
      date: new Date().toISOString(),
      node: process.version,
      mode,
      reps,
      warmReps,
      quick,
    };
    const h: Harness = {
      mode,
      reps,
      warmReps,
      quick,
      fresh: (bench, variants, params, n = reps) => runFresh(mode, bench, variants, params, n),
      warm: (bench, variants, params, n = warmReps) => runWarm(mode, bench, variants, params, n),
      record: (key, value) => void (recorded[key] = value),
    };
    const t0 = performance.now();
    await mod.main(h);
    recorded.wallSeconds = Math.round((performance.now() - t0) / 1000);
    const file = join(DATA_DIR, 'results', `${name}${quick ? '.quick' : ''}.json`);
    writeFileSync(file, JSON.stringify(recorded, null, 2));
    console.log(`\n(${name}: ${recorded.wallSeconds} s; saved ${file})`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
