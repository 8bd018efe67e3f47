import { describe, expect, test } from 'vitest';
import { parseStatsJson } from './stats-json.js';
import { parseStatsValue } from './scalar.js';

describe('parseStatsJson', () => {
  test('keeps longs beyond 2^53 exact', () => {
    const s = parseStatsJson(
      '{"numRecords":2,"minValues":{"id":-9007199254740993},"maxValues":{"id":9007199254740993}}',
    )!;
    expect(parseStatsValue(s.maxValues!.id, { type: 'long' })).toBe(9007199254740993n);
    expect(parseStatsValue(s.minValues!.id, { type: 'long' })).toBe(-9007199254740993n);
    expect(s.numRecords).toBe(2);
  });

  test('keeps wide decimals exact, leaves short numbers as numbers', () => {
    const s = parseStatsJson(
      '{"minValues":{"d":12345678901234567.891,"x":1.5,"e":1.2345678901234567891E+5},"maxValues":{"n":[1, 2]}}',
    )!;
    expect(s.minValues!.d).toBe('12345678901234567.891');
    expect(parseStatsValue(s.minValues!.d, { type: 'decimal', precision: 20, scale: 3 })).toBe(12345678901234567891n);
    expect(s.minValues!.x).toBe(1.5);
    expect(s.minValues!.e).toBe('1.2345678901234567891E+5');
  });

  test('never rewrites inside strings into something wrong; bad JSON gives undefined', () => {
    expect(parseStatsJson('{"minValues":{"s":"12345678901234567890"}}')!.minValues!.s).toBe('12345678901234567890');
    expect(parseStatsJson('not json')).toBeUndefined();
  });
});
