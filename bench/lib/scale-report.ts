/**
 * The scale benchmark's output: the per-size details, the issue's one line per size
 * (`scale <N> files: load <ms> ms <MB> MB, refresh <ms> ms, checkpoint <ms> ms <MB> MB,
 * ingest <ms> ms`) and the largest/smallest ratio of every figure.
 */
import type { StepOutcome } from './scale-child.js';
import { median, printTable } from './timing.js';

/** Every run of every step at one size (a step may have failed: its reason is kept). */
export type SizeRuns = Record<string, StepOutcome[]>;

/** Median of `key` over the step's successful runs, with its range; or the failure. */
export function figure(
  runs: SizeRuns,
  step: string,
  key: string,
): { value: number; range: string } | { failed: string } {
  const outcomes = runs[step] ?? [];
  const bad = outcomes.find((o) => !o.ok);
  if (bad && !bad.ok) return { failed: bad.reason };
  const xs = outcomes.flatMap((o) => (o.ok && typeof o.result[key] === 'number' ? [o.result[key]] : []));
  if (xs.length === 0) return { failed: 'not run' };
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return { value: median(xs), range: xs.length > 1 ? `${lo.toFixed(0)}-${hi.toFixed(0)}` : '' };
}

const LINE: [label: string, step: string, key: string, unit: string][] = [
  ['load', 'load', 'loadMs', 'ms'],
  ['', 'load', 'loadRssMB', 'MB'],
  ['refresh', 'load-refresh', 'refreshMs', 'ms'],
  ['checkpoint', 'checkpoint', 'ms', 'ms'],
  ['', 'checkpoint', 'checkpointRssMB', 'MB'],
  ['ingest', 'ingest', 'ms', 'ms'],
];

/** `scale <N> files: load 1234 ms 456 MB, refresh ...` (a failed figure says why). */
export function scaleLine(files: number, runs: SizeRuns): string {
  const parts: string[] = [];
  for (const [label, step, key, unit] of LINE) {
    const f = figure(runs, step, key);
    const text = 'failed' in f ? (label ? f.failed : '') : `${f.value.toFixed(0)} ${unit}`;
    if (label) parts.push(`${label} ${text}`);
    else if (text) parts[parts.length - 1] += ` ${text}`;
  }
  return `scale ${files} files: ${parts.join(', ')}`;
}

/** Largest / smallest size, for every figure of the line. */
export function printRatios(sizes: readonly number[], all: ReadonlyMap<number, SizeRuns>): void {
  const lo = sizes[0]!;
  const hi = sizes[sizes.length - 1]!;
  const rows = LINE.map(([label, step, key, unit], i) => {
    const name = label || LINE[i - 1]![0];
    const a = figure(all.get(lo)!, step, key);
    const b = figure(all.get(hi)!, step, key);
    const r = 'failed' in a || 'failed' in b ? '-' : `${(b.value / a.value).toFixed(2)}x`;
    return `${name} ${unit}: ${r}`;
  });
  console.log(`ratio ${hi}/${lo} files (goal <= ${((hi / lo) * 1.1).toFixed(1)}x): ${rows.join(', ')}`);
}

const cell = (runs: SizeRuns, step: string, key: string, digits = 0): string => {
  const f = figure(runs, step, key);
  return 'failed' in f ? '!' : `${f.value.toFixed(digits)}${f.range ? ` (${f.range})` : ''}`;
};

/** One detail table over the sizes: every number the steps reported. */
export function printDetails(sizes: readonly number[], all: ReadonlyMap<number, SizeRuns>): void {
  const keys: [string, string, string][] = [
    ['load ms', 'load', 'loadMs'],
    ['load CPU ms', 'load', 'loadCpuMs'],
    ['load peak RSS MB', 'load', 'loadRssMB'],
    ['load requests', 'load', 'requests'],
    ['load waves', 'load', 'waves'],
    ['checkpoint GET alone ms', 'load', 'checkpointGetMs'],
    ['refresh ms (10 commits)', 'load-refresh', 'refreshMs'],
    ['refresh CPU ms', 'load-refresh', 'refreshCpuMs'],
    ['refresh: KB of new commits', 'load-refresh', 'refreshKB'],
    ['refresh requests / waves', 'load-refresh', 'refreshRequests'],
    ['refresh ms, 10 small commits', 'load-refresh', 'refreshSmallMs'],
    ['refresh CPU ms, 10 small commits', 'load-refresh', 'refreshSmallCpuMs'],
    ['checkpoint write ms', 'checkpoint', 'ms'],
    ['checkpoint CPU ms', 'checkpoint', 'checkpointCpuMs'],
    ['checkpoint peak RSS MB', 'checkpoint', 'checkpointRssMB'],
    ['checkpoint MB', 'checkpoint', 'checkpointBytes'],
    ['load from it ms', 'load-cp', 'loadMs'],
    ['load from it peak RSS MB', 'load-cp', 'loadRssMB'],
    ['load from it requests', 'load-cp', 'requests'],
    ['load from it waves', 'load-cp', 'waves'],
    ['VACUUM lite plan ms', 'maintenance', 'vacuumMs'],
    ['VACUUM lite plan requests', 'maintenance', 'vacuumRequests'],
    ['OPTIMIZE plan ms', 'maintenance', 'optimizeMs'],
    ['OPTIMIZE bins', 'maintenance', 'optimizeBins'],
    ['log cleanup ms', 'maintenance', 'cleanupMs'],
    ['log cleanup files deleted', 'maintenance', 'cleanupDeleted'],
    ['ingest warm ms', 'ingest', 'ms'],
    ['ingest warm requests', 'ingest', 'requests'],
    ['ingest cold ms', 'ingest', 'coldMs'],
    ['checkpoint in parts ms (one process)', 'parts', 'ms'],
    ['part worker: share load ms', 'part-share', 'shareLoadMs'],
    ['part worker: share load CPU ms', 'part-share', 'shareLoadCpuMs'],
    ['part worker: share load peak RSS MB', 'part-share', 'shareLoadRssMB'],
    ['part worker: share files', 'part-share', 'shareFiles'],
    ['part worker: part write ms', 'part-share', 'partWriteMs'],
    ['part worker: peak RSS MB', 'part-share', 'rssMB'],
  ];
  const ran = (step: string) => sizes.some((n) => (all.get(n)![step] ?? []).length > 0);
  const rows = keys
    .filter(([, step]) => ran(step))
    .map(([label, step, key]) => [label, ...sizes.map((n) => cell(all.get(n)!, step, key))]);
  const cpMB = rows.find((r) => r[0] === 'checkpoint MB');
  if (cpMB)
    sizes.forEach((n, i) => {
      const f = figure(all.get(n)!, 'checkpoint', 'checkpointBytes');
      cpMB[i + 1] = 'failed' in f ? '!' : (f.value / 1e6).toFixed(1);
    });
  const waves = rows.find((r) => r[0] === 'refresh requests / waves');
  if (waves) sizes.forEach((n, i) => (waves[i + 1] += ` / ${cell(all.get(n)!, 'load-refresh', 'refreshWaves')}`));
  printTable([['figure (median, range)', ...sizes.map(String)], ...rows]);
}

const num = (runs: SizeRuns, key: string): number | undefined => {
  const f = figure(runs, 'load-refresh', key);
  return 'failed' in f ? undefined : f.value;
};

/**
 * `refresh <N> files: 10 commits of <KB> KB <ms> ms (<cpu> ms CPU, <x> ms CPU per MB);
 * 10 small commits <ms> ms (<cpu> ms CPU)`: what a refresh costs per byte of new commits, and
 * what it costs at this size when the new commits are small (O(new commits), not O(files)).
 */
export function refreshLine(files: number, runs: SizeRuns): string {
  const [ms, cpu, kb, sms, scpu] = [
    'refreshMs',
    'refreshCpuMs',
    'refreshKB',
    'refreshSmallMs',
    'refreshSmallCpuMs',
  ].map((k) => num(runs, k));
  if (ms === undefined || cpu === undefined || kb === undefined) return `refresh ${files} files: not measured`;
  const perMB = (cpu / kb) * 1024;
  const small =
    sms === undefined || scpu === undefined ? 'not measured' : `${sms.toFixed(0)} ms (${scpu.toFixed(0)} ms CPU)`;
  return (
    `refresh ${files} files: 10 commits of ${kb.toFixed(0)} KB ${ms.toFixed(0)} ms (${cpu.toFixed(0)} ms CPU, ` +
    `${perMB.toFixed(0)} ms CPU per MB); 10 small commits ${small}`
  );
}
