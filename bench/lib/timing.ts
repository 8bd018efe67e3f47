/** Timing, statistics and formatting helpers (no heavy imports: children load this first). */
import { readFileSync } from 'node:fs';

export const now = (): number => performance.now();

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Peak resident set size of this process so far, in MB. On Linux this is VmHWM: maxRSS
 * (getrusage) of a spawned child starts at its parent's RSS at fork time (it survives exec),
 * so a child of a parent holding an embedded S3 full of data reported the parent's size.
 */
export function peakRssMB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Run a full GC when node was started with --expose-gc (children are). */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/**
 * A full GC, then a pause for V8's concurrent sweeping of the freed heap to finish: a step
 * timed right after `gc()` on a 1 GB heap otherwise shares the cores with the sweeper threads
 * (and counts their CPU time), which a warm process does not.
 */
export async function settle(pauseMs = 500): Promise<void> {
  gc();
  await new Promise((r) => setTimeout(r, pauseMs));
}

export const ms = (x: number): string => (Number.isFinite(x) ? `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms` : '-');
export const mb = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(0)} MB` : '-');
export const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : '-');

/** Print rows as an aligned text table (first row is the header). */
export function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  rows.forEach((r, i) => {
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

/** Wall and CPU (user + system, all threads) time since the call, for `{ ms, cpuMs }` results. */
export function startTimer(): () => { ms: number; cpuMs: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
  };
}
