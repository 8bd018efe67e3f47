/** Value parsing used by partition and stats checks (appendix "Partition Value Serialization"). */
import type { DeltaType } from './delta-schema.js';

const INT_RANGES: Record<string, [bigint, bigint]> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
};

/** Why a serialized partition value does not parse for its column type, or undefined when it does. */
export function partitionValueProblem(value: string, t: DeltaType): string | undefined {
  if (value === '') return undefined; // an empty string means null for every type
  if (t.kind !== 'primitive') return `partition columns must be primitive, got ${t.kind}`;
  switch (t.name) {
    case 'string':
    case 'binary':
      return undefined;
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(value)) return `'${value}' is not an integer`;
      const [lo, hi] = INT_RANGES[t.name];
      const n = BigInt(value);
      return n < lo || n > hi ? `'${value}' is out of range for ${t.name}` : undefined;
    }
    case 'float':
    case 'double':
      return /^(-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|NaN|-?Infinity)$/.test(value)
        ? undefined
        : `'${value}' is not a number`;
    case 'decimal': {
      const m = /^-?(\d*)(?:\.(\d*))?$/.exec(value);
      if (!m || (m[1] === '' && (m[2] ?? '') === '')) return `'${value}' is not a plain decimal number`;
      const intDigits = m[1].replace(/^0+/, '').length;
      const fracDigits = (m[2] ?? '').length;
      const p = t.precision ?? 10;
      const s = t.scale ?? 0;
      if (fracDigits > s || intDigits > p - s) return `'${value}' does not fit decimal(${p},${s})`;
      return undefined;
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : `'${value}' is not 'true' or 'false'`;
    case 'date':
      return parseDateDays(value) === undefined ? `'${value}' is not a date {year}-{month}-{day}` : undefined;
    case 'timestamp':
      if (
        /^[+-]?\d{4,}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value) &&
        parseTimestampMicros(value) !== undefined
      )
        return undefined;
      if (
        /^[+-]?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(value) &&
        parseTimestampMicros(value) !== undefined
      )
        return undefined;
      return `'${value}' is not a timestamp ('YYYY-MM-DD HH:MM:SS[.ffffff]' or ISO 8601 in UTC ending in Z)`;
    case 'timestamp_ntz':
      if (
        /^[+-]?\d{4,}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value) &&
        parseTimestampMicros(value) !== undefined
      )
        return undefined;
      return `'${value}' is not a timestamp without time zone ('YYYY-MM-DD HH:MM:SS[.ffffff]')`;
    default:
      return `type ${t.name} cannot be a partition column`;
  }
}

/** Epoch day of `YYYY-MM-DD` (proleptic Gregorian), or undefined when malformed or not a real date. */
export function parseDateDays(s: string): number | undefined {
  const m = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const ms = civilMillis(Number(m[1]), Number(m[2]), Number(m[3]));
  return ms === undefined ? undefined : ms / 86_400_000;
}

function civilMillis(y: number, mo: number, d: number): number | undefined {
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d); // setUTCFullYear, unlike Date.UTC, keeps years 0..99 as they are
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return undefined;
  return dt.getTime();
}

/**
 * Microseconds since the epoch of a timestamp string as found in partition values and stats:
 * `YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}][Z|±HH:MM|±HHMM]`; no zone means UTC (timestamp_ntz, or the
 * writer's zone for legacy partition values, which we cannot know).
 */
export function parseTimestampMicros(s: string): bigint | undefined {
  const m = /^([+-]?\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return undefined;
  const day = civilMillis(Number(m[1]), Number(m[2]), Number(m[3]));
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const sec = Number(m[6]);
  if (day === undefined || h > 23 || mi > 59 || sec > 59) return undefined;
  const frac = BigInt((m[7] ?? '').padEnd(9, '0').slice(0, 6) || '0');
  let offsetMin = 0;
  const z = m[8];
  if (z && z !== 'Z') {
    const digits = z.slice(1).replace(':', '');
    offsetMin = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * (z[0] === '-' ? -1 : 1);
  }
  const ms = day + ((h * 60 + mi - offsetMin) * 60 + sec) * 1000;
  return BigInt(ms) * 1000n + frac;
}

/** Characters Spark/Hive escape as %XX in partition directory names. */
export function needsHiveEscape(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (c >= 0x01 && c <= 0x1f) || c === 0x7f || '"#%\'*/:=?\\{[]^'.includes(ch);
}

/** Reverses Hive path escaping (%XX is one UTF-16 code unit, as Spark writes it). */
export function hiveUnescape(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Compares strings by Unicode code point (= UTF-8 byte order, which Delta stats use). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Number of code points. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** First `n` code points. */
export function codePointPrefix(s: string, n: number): string {
  let out = '';
  let i = 0;
  for (const ch of s) {
    if (i++ >= n) break;
    out += ch;
  }
  return out;
}
