/**
 * Where the engine gets the time. Every timestamp it writes (commitInfo.timestamp, in-commit
 * timestamps, remove.deletionTimestamp, add.modificationTime, metaData.createdTime, txn
 * lastUpdated) and every "now" it compares with (retention, expiry) comes from a Clock, so
 * tests and replays can pin them. Durations (metrics, deadlines) use `stopwatch()` instead:
 * they measure this process, not the table's time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The system clock (`Date.now()`), the default. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that starts at `start` (ms since the epoch, or a Date) and moves `stepMs` forward at
 * every reading (0: it stands still). For tests that assert timestamps.
 */
export function fixedClock(start: number | Date, stepMs = 0): Clock {
  let t = typeof start === 'number' ? start : start.getTime();
  return {
    now: () => {
      const v = t;
      t += stepMs;
      return v;
    },
  };
}

/** Milliseconds elapsed since the call, on a monotonic timer (not a Clock: it measures this process). */
export function stopwatch(): () => number {
  const started = performance.now();
  return () => performance.now() - started;
}
