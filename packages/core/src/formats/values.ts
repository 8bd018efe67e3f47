/**
 * Text -> value parsers for CSV cells and JSON strings, written for the hot path: one regex
 * test per cell, no Date objects, no BigInt unless a value needs more than 53 bits.
 * Each returns NaN / undefined for text that does not parse (the caller reports it).
 */

/** Integer without leading zeros (what inference accepts: `007` stays a string). */
export const CANONICAL_INT_RE = /^[+-]?(?:0|[1-9]\d*)$/;
/** Any integer text (a target type says the column is numeric, so `007` is 7). */
export const INT_RE = /^\s*[+-]?\d+\s*$/;
/** Decimal float text without leading zeros in the integer part (inference). */
export const CANONICAL_FLOAT_RE = /^[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FLOAT_RE = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const DATE_RE = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/;
const TS_RE =
  /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

const MICROS_PER_SECOND = 1_000_000;
// Seconds whose micros stay below 2^53 (about years 1685..2255).
const SAFE_SECONDS = 9_007_199_254;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= dim;
}

/** `YYYY-MM-DD` -> days since the epoch, NaN if not a valid date. */
export function parseDateText(s: string): number {
  const m = DATE_RE.exec(s);
  if (!m) return NaN;
  const y = +m[1]!;
  const mo = +m[2]!;
  const d = +m[3]!;
  return validDay(y, mo, d) ? daysFromCivil(y, mo, d) : NaN;
}

/** Whether the text is an ISO-8601 timestamp with a zone (`Z`, `UTC` or an offset). */
export function isZonedTimestamp(s: string): boolean {
  const m = TS_RE.exec(s);
  return m !== null && m[4] !== undefined && m[8] !== undefined;
}

/**
 * ISO-8601 timestamp (`2024-01-02T03:04:05.123456Z`, space separator, offset, or a bare date)
 * -> microseconds since the epoch in UTC: a number when exact, a bigint beyond 2^53.
 * `zone`: 'utc' reads zoneless text as UTC; 'forbid' refuses a zone (timestamp_ntz).
 * Returns undefined when the text does not parse.
 */
export function parseTimestampText(s: string, zone: 'utc' | 'forbid'): number | bigint | undefined {
  const m = TS_RE.exec(s);
  if (!m) return undefined;
  const y = +m[1]!;
  const mo = +m[2]!;
  const d = +m[3]!;
  const h = m[4] === undefined ? 0 : +m[4];
  const mi = m[5] === undefined ? 0 : +m[5];
  const sec = m[6] === undefined ? 0 : +m[6];
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || sec > 60) return undefined;
  let seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  const z = m[8];
  if (z !== undefined) {
    if (zone === 'forbid') return undefined;
    const c = z.charCodeAt(0);
    if (c === 43 /* + */ || c === 45 /* - */) {
      const oh = +z.slice(1, 3);
      const om = z.length > 3 ? +z.slice(z.length - 2) : 0;
      if (oh > 18 || om > 59) return undefined;
      const off = oh * 3600 + om * 60;
      seconds += c === 43 ? -off : off;
    }
  }
  const frac = m[7] === undefined ? 0 : +(m[7] + '00000').slice(0, 6);
  if (seconds > -SAFE_SECONDS && seconds < SAFE_SECONDS) return seconds * MICROS_PER_SECOND + frac;
  return BigInt(seconds) * 1_000_000n + BigInt(frac);
}

/** Float text (also NaN, Infinity, -Infinity, inf) -> number; undefined when it is not a number. */
export function parseFloatText(s: string): number | undefined {
  if (FLOAT_RE.test(s)) return +s;
  switch (s.trim().toLowerCase()) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/** Boolean text: true/false (any case), also t/f, yes/no, 1/0. */
export function parseBoolText(s: string): boolean | undefined {
  switch (s.trim().toLowerCase()) {
    case 'true':
    case 't':
    case 'yes':
    case '1':
      return true;
    case 'false':
    case 'f':
    case 'no':
    case '0':
      return false;
    default:
      return undefined;
  }
}

/** Whether `s` is `true` or `false` in any case (what inference calls boolean). */
export function isBoolWord(s: string): boolean {
  return s.length === 4 || s.length === 5 ? /^(?:true|false)$/i.test(s) : false;
}
