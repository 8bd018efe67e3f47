import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, RetentionTooShortError } from '../../errors.js';
import { planRetention } from './retention.js';

const NOW = Date.UTC(2024, 0, 10);
const HOUR = 3_600_000;

describe('planRetention', () => {
  it('defaults to the table property, else one week', () => {
    expect(planRetention({}, { now: NOW })).toEqual({
      retentionMs: 168 * HOUR,
      configuredMs: 168 * HOUR,
      specifiedMs: undefined,
      checkEnabled: true,
      cutoff: NOW - 168 * HOUR,
    });
    const p = planRetention({ 'delta.deletedFileRetentionDuration': 'interval 2 days' }, { now: NOW });
    expect(p.retentionMs).toBe(48 * HOUR);
    expect(p.cutoff).toBe(NOW - 48 * HOUR);
  });

  it('accepts a longer retention and uses it', () => {
    const p = planRetention({}, { now: NOW, retentionHours: 200 });
    expect(p).toMatchObject({ retentionMs: 200 * HOUR, specifiedMs: 200 * HOUR, configuredMs: 168 * HOUR });
  });

  it('refuses a shorter retention, saying why and how to override', () => {
    let err: unknown;
    try {
      planRetention({ 'delta.deletedFileRetentionDuration': 'interval 36 hours' }, { now: NOW, retentionHours: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RetentionTooShortError);
    const e = err as RetentionTooShortError;
    expect(e.retentionMs).toBe(HOUR);
    expect(e.minimumMs).toBe(36 * HOUR);
    expect(e.message).toContain('36 hours');
    expect(e.message).toContain('enforceRetention: false');
    expect(e.message).toMatch(/readers of older versions/i);
  });

  it('allows a shorter retention (even 0) when the check is off', () => {
    const p = planRetention({}, { now: NOW, retentionHours: 0, enforceRetention: false });
    expect(p).toMatchObject({ retentionMs: 0, checkEnabled: false, cutoff: NOW });
  });

  it('rejects negative or non-finite hours and bad properties', () => {
    expect(() => planRetention({}, { now: NOW, retentionHours: -1, enforceRetention: false })).toThrow(
      InvalidArgumentError,
    );
    expect(() => planRetention({}, { now: NOW, retentionHours: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => planRetention({ 'delta.deletedFileRetentionDuration': 'soon' }, { now: NOW })).toThrow(
      /deletedFileRetentionDuration/,
    );
  });
});
