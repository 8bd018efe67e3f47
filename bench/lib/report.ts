/** Summaries of repeated runs: medians per variant and ratios against a baseline variant. */
import { field, type ChildResult, type Runs } from './harness.js';
import { mb, median, ms, printTable, ratio } from './timing.js';

export interface Summary {
  variant: string;
  n: number;
  /** Median of import + operation. */
  totalMs: number;
  /** Median of the operation alone. */
  opMs: number;
  importMs: number;
  /** Fastest operation (least disturbed by other load on the machine). */
  minMs: number;
  /** Median CPU time (user + system, all threads) of the operation; NaN when not measured. */
  cpuMs: number;
  /** Median CPU time of the whole child process (start-up, imports, input generation, op); fresh runs only. */
  procCpuMs: number;
  rssMB: number;
  /** Every operation time, in run order. */
  allMs: number[];
}

export function summarize(runs: Runs): Summary[] {
  return Object.entries(runs).map(([variant, rs]: [string, ChildResult[]]) => {
    const op = field(rs, 'ms');
    const imp = field(rs, 'importMs').map((x) => (Number.isFinite(x) ? x : 0));
    return {
      variant,
      n: rs.length,
      totalMs: median(op.map((x, i) => x + imp[i]!)),
      opMs: median(op),
      importMs: median(imp),
      minMs: Math.min(...op),
      cpuMs: median(field(rs, 'cpuMs')),
      procCpuMs: median(field(rs, 'procCpuMs')),
      rssMB: median(field(rs, 'rssMB')),
      allMs: op.map((x) => Math.round(x)),
    };
  });
}

/** Print fresh-process medians with ratios to `baseline` (total and operation only). */
export function printFresh(title: string, sums: Summary[], baseline: string): void {
  const base = sums.find((s) => s.variant === baseline)!;
  console.log(`\n${title} (fresh processes, median of ${base.n}; ratio vs ${baseline})`);
  printTable([
    [
      'variant',
      'import+op',
      'ratio',
      'op only',
      'ratio',
      'op CPU',
      'ratio',
      'process CPU',
      'ratio',
      'import',
      'peak RSS',
      'op runs (ms)',
    ],
    ...sums.map((s) => [
      s.variant,
      ms(s.totalMs),
      ratio(s.totalMs, base.totalMs),
      ms(s.opMs),
      ratio(s.opMs, base.opMs),
      ms(s.cpuMs),
      ratio(s.cpuMs, base.cpuMs),
      ms(s.procCpuMs),
      ratio(s.procCpuMs, base.procCpuMs),
      ms(s.importMs),
      mb(s.rssMB),
      s.allMs.join(' '),
    ]),
  ]);
}

/** Print warm (in-process) medians with ratios to `baseline`. */
export function printWarm(title: string, sums: Summary[], baseline: string): void {
  const base = sums.find((s) => s.variant === baseline)!;
  console.log(`\n${title} (warm, one process, median of ${base.n} after a warm-up; ratio vs ${baseline})`);
  printTable([
    ['variant', 'op', 'ratio', 'min', 'ratio', 'op CPU', 'ratio', 'process peak RSS', 'runs (ms)'],
    ...sums.map((s) => [
      s.variant,
      ms(s.opMs),
      ratio(s.opMs, base.opMs),
      ms(s.minMs),
      ratio(s.minMs, base.minMs),
      ms(s.cpuMs),
      ratio(s.cpuMs, base.cpuMs),
      mb(s.rssMB),
      s.allMs.join(' '),
    ]),
  ]);
}

/** Median of a numeric extra field of one variant's runs. */
export function extra(runs: Runs, variant: string, key: string): number {
  return median(field(runs[variant] ?? [], key));
}
