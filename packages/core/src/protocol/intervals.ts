/**
 * Duration table properties (`delta.logRetentionDuration`, `delta.deletedFileRetentionDuration`,
 * `delta.setTransactionRetentionDuration`) in Spark's CalendarInterval text form:
 * `interval 1 weeks`, `interval 7 days`, `168 hours`, `interval 2 days 12 hours`.
 * Months and years are refused, as Spark does for these properties (they have no fixed length).
 */
import { InvalidArgumentError } from '../errors.js';

const MS_PER_UNIT: Record<string, number> = {
  nanosecond: 1e-6,
  microsecond: 1e-3,
  millisecond: 1,
  ms: 1,
  second: 1000,
  sec: 1000,
  minute: 60_000,
  min: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

export const MS_PER_DAY = 86_400_000;

/** Parse an interval string into milliseconds (non-negative, rounded down to whole ms). */
export function parseIntervalMs(text: string): number {
  const body = text.trim().replace(/^interval\s+/i, '');
  const tokens = body.split(/\s+/).filter((t) => t.length > 0);
  if (tokens.length === 0 || tokens.length % 2 !== 0) throw invalid(text);
  let total = 0;
  for (let i = 0; i < tokens.length; i += 2) {
    const num = tokens[i]!.replace(/^'(.*)'$/, '$1');
    if (!/^\+?\d+(\.\d+)?$/.test(num)) throw invalid(text);
    const unit = tokens[i + 1]!.toLowerCase().replace(/s$/, '');
    if (unit === 'month' || unit === 'year') {
      throw new InvalidArgumentError(
        `interval "${text}" uses ${unit}s, which have no fixed length; express the duration in weeks, days or hours`,
      );
    }
    const ms = MS_PER_UNIT[unit];
    if (ms === undefined) throw invalid(text);
    total += Number(num) * ms;
  }
  return Math.floor(total);
}

/** Duration property of a table configuration, or `fallback` (an interval string) when unset. */
export function tableDurationMs(
  configuration: Readonly<Record<string, string>>,
  key: string,
  fallback: string,
): number {
  const raw = configuration[key];
  if (raw === undefined || raw === null) return parseIntervalMs(fallback);
  try {
    return parseIntervalMs(raw);
  } catch (err) {
    throw new InvalidArgumentError(`table property ${key}: ${(err as Error).message}`);
  }
}

/** Midnight UTC at or before `ms` (the protocol's day granularity for log cleanup). */
export function floorToUtcDay(ms: number): number {
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}

function invalid(text: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `cannot parse interval "${text}": expected e.g. "interval 7 days", "interval 1 weeks" or "168 hours" ` +
      '(units: week, day, hour, minute, second, millisecond)',
  );
}
