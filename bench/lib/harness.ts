/**
 * The contract between bench/run.ts (parent: builds data, spawns children, prints) and the
 * benchmark files (variants that run inside children). Types only plus tiny helpers, so a
 * child importing a benchmark module loads nothing heavy before its timer starts.
 */

/** What one variant run reports. `ms` is the measured operation; the rest is context. */
export interface VariantResult {
  /** Time of the measured operation, after imports. */
  ms: number;
  /** Time to import the libraries the variant needs (only meaningful in a fresh process). */
  importMs?: number;
  /** Extra numbers/labels (rows, files read, requests, waves...). */
  [key: string]: number | string | undefined;
}

export type Params = Record<string, unknown>;
export type Variant = (params: Params) => Promise<VariantResult>;

/** A benchmark file: variants (run in children) and the orchestration (run in the parent). */
export interface BenchModule {
  description: string;
  variants: Record<string, Variant>;
  main(h: Harness): Promise<void>;
}

/** One child's result: the variant's numbers plus the child's peak RSS. */
export interface ChildResult extends VariantResult {
  rssMB: number;
}

/** Per-variant results of repeated runs. */
export type Runs = Record<string, ChildResult[]>;

export interface Harness {
  /** How children run: built JS ('dist', default) or TS sources through tsx ('source'). */
  mode: 'dist' | 'source';
  /** Fresh-process repetitions per variant (default 5). */
  reps: number;
  /** In-process repetitions per variant after the warm-up (default 9: cheap, and the machine is noisy). */
  warmReps: number;
  /** Smaller inputs and fewer repetitions, for a smoke test. */
  quick: boolean;
  /**
   * Fresh processes: for each repetition, one child per variant, variants alternating.
   * Returns every run of every variant.
   */
  fresh(bench: string, variants: readonly string[], params: Params, reps?: number): Promise<Runs>;
  /**
   * One child runs every variant once to warm up, then `warmReps` rounds of all variants
   * (order rotated each round). Returns the measured runs; rssMB is the shared process peak.
   */
  warm(bench: string, variants: readonly string[], params: Params, reps?: number): Promise<Runs>;
  /** Keep a value for bench/.data/results/<bench>.json (what RESULTS.md is written from). */
  record(key: string, value: unknown): void;
}

/** Field of a run, for medians (missing values are NaN). */
export function field(runs: readonly ChildResult[], key: string): number[] {
  return runs.map((r) => {
    const v = r[key];
    return typeof v === 'number' ? v : NaN;
  });
}
