/**
 * The one strict parser for the numbers users type: table versions, counts and timestamps,
 * used by the CLI flags, the SDK's time travel and the Lambda handlers' configuration.
 * `Number()` and `Date.parse()` accept far too much: `""` is 0, `0x10` is 16, `1e2` is 100,
 * `-1` is a date in 2001. Here:
 *
 * - a version or count is decimal digits only (`0`, `42`), at most 2^53 - 1;
 * - a timestamp is ISO-8601 (`2024-05-01`, `2024-05-01T12:00:00Z`, `2024-05-01 12:00:00.250+02:00`;
 *   a date or a date-time without an offset is UTC), or epoch milliseconds written with the
 *   suffix `ms` (`1714564800000ms`); a bare number is refused, so a number meant as seconds or
 *   a version is never read as a time.
 *
 * `name` is how the caller's interface calls the value (`--version`, `timestamp`,
 * `AWS_MAX_ATTEMPTS`): errors name it.
 */
import { InvalidArgumentError } from '../errors.js';

const DIGITS = /^[0-9]+$/;
const EPOCH_MS = /^([0-9]+)ms$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Decimal digits only, as a safe integer >= `min`. */
function parseDigits(text: string, name: string, min: number, what: string): number {
  const n = DIGITS.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new InvalidArgumentError(`${name} must be ${what} written in decimal digits (got ${JSON.stringify(text)})`);
  }
  return n;
}

/** A table version: decimal digits only. */
export function parseVersion(text: string, name: string): number {
  return parseDigits(text, name, 0, 'a table version (0, 1, 2...)');
}

/** A count or limit that may be 0: decimal digits only. */
export function parseCount(text: string, name: string): number {
  return parseDigits(text, name, 0, 'a whole number (0 or more)');
}

/** A count of at least 1: decimal digits only. */
export function parsePositiveCount(text: string, name: string): number {
  return parseDigits(text, name, 1, 'a whole number of at least 1');
}

/** A version given as a number (SDK): a non-negative safe integer. */
export function checkVersion(version: number, name: string): number {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new InvalidArgumentError(`${name} must be a table version (a whole number, 0 or more), got ${version}`);
  }
  return version;
}

/** ISO-8601 or `<digits>ms` -> epoch milliseconds. */
export function parseTimestamp(text: string, name: string): number {
  const epoch = EPOCH_MS.exec(text);
  const ms = epoch ? Number(epoch[1]) : isoMillis(text);
  if (ms === undefined || !Number.isSafeInteger(ms)) {
    throw new InvalidArgumentError(
      `${name} must be an ISO-8601 time like 2024-05-01T12:00:00Z (no offset means UTC) or epoch milliseconds ` +
        `with the suffix ms, like 1714564800000ms (got ${JSON.stringify(text)})`,
    );
  }
  return ms;
}

/** A timestamp given as epoch milliseconds (SDK): a non-negative safe integer. */
export function checkEpochMillis(ms: number, name: string): number {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidArgumentError(`${name} must be epoch milliseconds (a whole number, 0 or more), got ${ms}`);
  }
  return ms;
}

/** Epoch milliseconds of an ISO-8601 date or date-time, or undefined when it is not one (or not a real date). */
function isoMillis(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', , sign, oh = '0', om = '0'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as number[];
  const offsetMin = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 59) return undefined;
  if (Number(oh) > 23 || Number(om) > 59) return undefined;
  const date = new Date(0); // setUTCFullYear, unlike Date.UTC, takes years 0-99 as they are
  date.setUTCFullYear(year!, month! - 1, day!);
  date.setUTCHours(hour!, minute!, second!, Number(frac.padEnd(3, '0').slice(0, 3)));
  if (date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day) return undefined; // 2024-02-30
  return date.getTime() - offsetMin * 60_000;
}
