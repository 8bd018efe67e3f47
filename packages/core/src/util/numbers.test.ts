import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import {
  checkEpochMillis,
  checkVersion,
  parseCount,
  parsePositiveCount,
  parseTimestamp,
  parseVersion,
} from './numbers.js';

describe('strict numbers', () => {
  it('versions and counts are decimal digits only', () => {
    expect(parseVersion('0', '--version')).toBe(0);
    expect(parseVersion('42', '--version')).toBe(42);
    expect(parseVersion('007', '--version')).toBe(7);
    for (const bad of [
      '',
      ' ',
      ' 1',
      '1 ',
      '0x10',
      '1e2',
      '-1',
      '+1',
      '1.0',
      '1.5',
      'Infinity',
      'NaN',
      '١',
      '9007199254740992',
    ]) {
      expect(() => parseVersion(bad, '--version'), bad).toThrow(InvalidArgumentError);
    }
    expect(() => parseVersion('', '--version')).toThrow(/--version must be a table version .* \(got ""\)/);
    expect(parseCount('0', '--limit')).toBe(0);
    expect(() => parsePositiveCount('0', '--max-bins')).toThrow(/--max-bins must be a whole number of at least 1/);
    expect(parsePositiveCount('3', '--max-bins')).toBe(3);
  });

  it('numbers given to the SDK are checked the same way', () => {
    expect(checkVersion(3, 'version')).toBe(3);
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53])
      expect(() => checkVersion(bad, 'version')).toThrow(/version must be/);
    expect(checkEpochMillis(0, 'timestamp')).toBe(0);
    for (const bad of [-1, 1.5, NaN])
      expect(() => checkEpochMillis(bad, 'timestamp')).toThrow(/timestamp must be epoch/);
  });

  it('timestamps are ISO-8601 (no offset = UTC) or epoch milliseconds with the suffix ms', () => {
    const cases: [string, string][] = [
      ['2024-05-01', '2024-05-01T00:00:00.000Z'],
      ['2024-05-01T12:30', '2024-05-01T12:30:00.000Z'],
      ['2024-05-01T12:30:15Z', '2024-05-01T12:30:15.000Z'],
      ['2024-05-01 12:30:15.25', '2024-05-01T12:30:15.250Z'],
      ['2024-05-01T12:30:15.123456789Z', '2024-05-01T12:30:15.123Z'],
      ['2024-05-01T12:30:15+02:00', '2024-05-01T10:30:15.000Z'],
      ['2024-05-01T12:30:15-0530', '2024-05-01T18:00:15.000Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
      ['1714564800000ms', '2024-05-01T12:00:00.000Z'],
      ['0ms', '1970-01-01T00:00:00.000Z'],
    ];
    for (const [text, iso] of cases)
      expect(new Date(parseTimestamp(text, '--timestamp')).toISOString(), text).toBe(iso);
    for (const bad of [
      '',
      '-1',
      '1714564800000',
      '1e12ms',
      '0x10ms',
      'yesterday',
      'May 1 2024',
      '2024-5-1',
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-05-01T24:00',
      '2024-05-01T12:60',
      '2024-05-01T12:00:00+25:00',
      ' 2024-05-01',
    ]) {
      expect(() => parseTimestamp(bad, '--timestamp'), bad).toThrow(InvalidArgumentError);
    }
    expect(() => parseTimestamp('-1', '--timestamp')).toThrow(
      /--timestamp must be an ISO-8601 time .* or epoch milliseconds with the suffix ms/,
    );
  });
});
