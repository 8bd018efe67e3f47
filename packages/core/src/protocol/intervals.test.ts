import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { floorToUtcDay, parseIntervalMs, tableDurationMs } from './intervals.js';

const H = 3_600_000;
const D = 24 * H;

describe('parseIntervalMs', () => {
  it.each([
    ['interval 1 weeks', 7 * D],
    ['interval 1 week', 7 * D],
    ['interval 7 days', 7 * D],
    ['INTERVAL 30 DAYS', 30 * D],
    ['168 hours', 168 * H],
    ['interval 2 days 12 hours', 2.5 * D],
    ['1 day', D],
    ['interval 90 minutes', 1.5 * H],
    ['interval 1.5 seconds', 1500],
    ['interval 250 milliseconds', 250],
    ["interval '3' days", 3 * D],
    ['interval 0 seconds', 0],
  ])('%s', (text, ms) => {
    expect(parseIntervalMs(text)).toBe(ms);
  });

  it.each(['', 'interval', '7', 'seven days', 'interval 1 fortnight', 'interval -1 days', 'interval 1 day 2'])(
    'rejects %j',
    (text) => {
      expect(() => parseIntervalMs(text)).toThrow(InvalidArgumentError);
    },
  );

  it('refuses months and years (no fixed length)', () => {
    expect(() => parseIntervalMs('interval 1 month')).toThrow(/weeks, days or hours/);
    expect(() => parseIntervalMs('interval 2 years')).toThrow(InvalidArgumentError);
  });
});

describe('tableDurationMs', () => {
  it('reads the property or falls back, naming the property on bad values', () => {
    expect(
      tableDurationMs(
        { 'delta.logRetentionDuration': 'interval 2 days' },
        'delta.logRetentionDuration',
        'interval 30 days',
      ),
    ).toBe(2 * D);
    expect(tableDurationMs({}, 'delta.logRetentionDuration', 'interval 30 days')).toBe(30 * D);
    expect(() =>
      tableDurationMs({ 'delta.logRetentionDuration': 'soon' }, 'delta.logRetentionDuration', 'interval 30 days'),
    ).toThrow(/delta\.logRetentionDuration/);
  });

  it('floors to midnight UTC', () => {
    expect(floorToUtcDay(Date.UTC(2024, 0, 2, 13, 5))).toBe(Date.UTC(2024, 0, 2));
    expect(floorToUtcDay(Date.UTC(2024, 0, 2))).toBe(Date.UTC(2024, 0, 2));
  });
});
