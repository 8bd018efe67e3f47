/**
 * Retry pacing for commit conflicts: exponential backoff with full jitter under a
 * deadline, not a small fixed retry count (serverless writers collide in bursts).
 */
export interface RetryPolicy {
  /** Give up after this long (ms) since the first attempt. Default 120 s. */
  deadlineMs: number;
  /** First backoff ceiling (ms). Default 25. */
  baseMs: number;
  /** Largest backoff ceiling (ms). Default 250 ms: longer ceilings starved writers that lost a few races (bench s3-concurrent-append). */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { deadlineMs: 120_000, baseMs: 25, maxMs: 250 };

export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 20));
  return Math.floor(random() * ceiling);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
