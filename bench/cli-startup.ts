/**
 * cli-startup: what a user waits for when they run `delta-serverless`, against `node -e 0` in the
 * same run. Each run is a fresh `node` process spawned by this parent; the rounds alternate the
 * variants (start rotated each round) so machine noise spreads over all of them.
 *   baseline   node -e 0
 *   help       delta-serverless --help      (goal: within 100 ms of the baseline)
 *   describe   delta-serverless describe <a local 3-commit table>   (goal: within 200 ms)
 *   scan       delta-serverless scan <the same table>   (reads Parquet; no goal, for scale)
 * The CLI is the command a user runs, packages/cli/bin/delta-serverless (the bundle of
 * scripts/bundle-cli.ts, built by `pnpm install` / `pnpm build`; rebuilt here first).
 * CLI_STARTUP_COMPARE=<path to another bin.js> adds `help-compare` and `describe-compare`, e.g.
 * the unbundled `packages/cli/dist/bin.js` of `tsc -b`, or a checkout of an older commit.
 * Wall time is spawn to exit, seen from the parent; CPU (user + system) is the child's own,
 * reported by a tiny `--import` preload that every variant (the baseline too) loads.
 * Deltas are per round (variant minus the baseline of the same round): median and range.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Harness, Variant } from './lib/harness.js';
import { DATA_DIR, ROOT } from './lib/paths.js';
import { median, ms, printTable } from './lib/timing.js';

export const description = 'fresh process: delta-serverless --help and describe of a local table vs node -e 0';

/** Children are plain node processes spawned by main (not the harness's variants). */
export const variants: Record<string, Variant> = {};

const BIN = join(ROOT, 'packages/cli/bin/delta-serverless');
const GOALS: Record<string, number> = { help: 100, describe: 200 };

interface Run {
  wall: number;
  cpuMs: number;
}

/** Writes the child's CPU time to the file named by CLI_STARTUP_CPU_FILE when it exits. */
const PRELOAD = `process.on('exit', () => {
  const c = process.cpuUsage();
  require('node:fs').appendFileSync(process.env.CLI_STARTUP_CPU_FILE, String((c.user + c.system) / 1000) + '\\n');
});`;

function runOnce(args: readonly string[], cwd: string, preload: string, cpuFile: string): Promise<Run> {
  rmSync(cpuFile, { force: true });
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, ...args], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CLI_STARTUP_CPU_FILE: cpuFile },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited with ${code}: ${err}`));
      resolve({ wall, cpuMs: Number(readFileSync(cpuFile, 'utf8').trim()) });
    });
  });
}

/** A local table with three commits (a create from CSV, two appends), made with the CLI itself. */
async function makeTable(dir: string, preload: string, cpuFile: string): Promise<string> {
  const table = join(dir, 'events');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < 3; f++) {
    const rows = Array.from({ length: 200 }, (_, i) => `${f * 200 + i},${['NZ', 'AU', 'DE'][i % 3]},${i * 1.5}`);
    writeFileSync(join(dir, `part-${f}.csv`), ['id,country,amount', ...rows].join('\n') + '\n');
    await runOnce([BIN, 'append', table, join(dir, `part-${f}.csv`)], dir, preload, cpuFile);
  }
  return table;
}

function summarize(runs: Record<string, Run[]>, names: readonly string[]): string[][] {
  const base = runs['baseline']!;
  const rows: string[][] = [
    ['variant', 'wall median', 'wall range', 'Δ wall median', 'Δ range', 'CPU', 'Δ CPU', 'goal'],
  ];
  for (const name of names) {
    const rs = runs[name]!;
    const walls = rs.map((r) => r.wall);
    const deltas = rs.map((r, i) => r.wall - base[i]!.wall);
    const cpuDelta = median(rs.map((r) => r.cpuMs)) - median(base.map((r) => r.cpuMs));
    const goal = GOALS[name.replace(/-compare$/, '')];
    const met = goal === undefined ? '' : `${median(deltas) <= goal ? 'met' : 'MISSED'} (Δ ≤ ${goal} ms)`;
    rows.push([
      name,
      ms(median(walls)),
      `${ms(Math.min(...walls))} - ${ms(Math.max(...walls))}`,
      name === 'baseline' ? '' : ms(median(deltas)),
      name === 'baseline' ? '' : `${ms(Math.min(...deltas))} - ${ms(Math.max(...deltas))}`,
      ms(median(rs.map((r) => r.cpuMs))),
      name === 'baseline' ? '' : ms(cpuDelta),
      met,
    ]);
  }
  return rows;
}

export async function main(h: Harness): Promise<void> {
  const { bundleCli } = await import('../scripts/bundle-cli.js');
  await bundleCli();
  const dir = join(DATA_DIR, 'cli-startup');
  mkdirSync(DATA_DIR, { recursive: true });
  const preload = join(DATA_DIR, 'cli-startup-cpu.cjs');
  writeFileSync(preload, PRELOAD);
  const cpuFile = join(DATA_DIR, 'cli-startup-cpu.txt');
  const table = await makeTable(dir, preload, cpuFile);
  const commands: Record<string, string[]> = {
    baseline: ['-e', '0'],
    help: [BIN, '--help'],
    describe: [BIN, 'describe', table],
    scan: [BIN, 'scan', table],
  };
  const compare = process.env['CLI_STARTUP_COMPARE'] && resolve(process.env['CLI_STARTUP_COMPARE']);
  if (compare) {
    if (!existsSync(compare)) throw new Error(`CLI_STARTUP_COMPARE=${compare} does not exist`);
    commands['help-compare'] = [compare, '--help'];
    commands['describe-compare'] = [compare, 'describe', table];
  }
  const names = Object.keys(commands);
  const rounds = h.quick ? 3 : h.reps * 4;
  const runs: Record<string, Run[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await runOnce(commands[n]!, dir, preload, cpuFile); // warm the file cache
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      runs[name]!.push(await runOnce(commands[name]!, dir, preload, cpuFile));
    }
  }
  console.log(`${rounds} rounds; node ${process.version}; bin ${pathToFileURL(BIN).href}`);
  printTable(summarize(runs, names));
  h.record('runs', runs);
}
