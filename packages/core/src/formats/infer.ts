/**
 * Type inference from the first batch of rows. CSV text: long (integers without leading
 * zeros that fit 64 bits), double, boolean (true/false), date (YYYY-MM-DD), timestamp (ISO-8601
 * with a zone, read as UTC), else string. JSON values: long/double from numbers, boolean,
 * string, struct from objects, list from arrays; mixed kinds become string. A column with no
 * non-null value is a string column. The types are then kept for the rest of the object.
 */
import * as arrow from 'apache-arrow';
import { deltaTypeToArrow } from '../protocol/arrow-schema.js';
import {
  CANONICAL_FLOAT_RE,
  CANONICAL_INT_RE,
  isBoolWord,
  isZonedTimestamp,
  parseDateText,
  parseFloatText,
} from './values.js';

const INT = 1;
const FLOAT = 2;
const BOOL = 4;
const DATE = 8;
const TS = 16;

const INT64_MAX_TEXT = '9223372036854775807';

/** Arrow type of a CSV column from its text values (nulls already removed as null). */
export function inferTextType(values: readonly (string | null)[], n: number): arrow.DataType {
  let mask = INT | FLOAT | BOOL | DATE | TS;
  let seen = false;
  let special = false; // NaN / Infinity seen: a float column only if real numbers appear too
  for (let i = 0; i < n && mask !== 0; i++) {
    const s = values[i];
    if (s == null) continue;
    seen = true;
    let m = 0;
    if (mask & (INT | FLOAT)) {
      if (CANONICAL_INT_RE.test(s)) m |= fitsInt64(s) ? INT | FLOAT : FLOAT;
      else if (CANONICAL_FLOAT_RE.test(s)) m |= FLOAT;
      else if (parseFloatText(s) !== undefined && !/\d/.test(s)) {
        m |= FLOAT;
        special = true;
      }
    }
    if (mask & BOOL && isBoolWord(s)) m |= BOOL;
    if (mask & DATE && s.length <= 12 && !Number.isNaN(parseDateText(s))) m |= DATE;
    if (mask & TS && s.length >= 16 && isZonedTimestamp(s)) m |= TS;
    mask &= m;
  }
  if (!seen) return new arrow.Utf8();
  if (mask & INT && !special) return new arrow.Int64();
  if (mask & FLOAT && (!special || hasRealNumber(values, n))) return new arrow.Float64();
  if (mask & BOOL) return new arrow.Bool();
  if (mask & DATE) return deltaTypeToArrow({ type: 'date' });
  if (mask & TS) return deltaTypeToArrow({ type: 'timestamp' });
  return new arrow.Utf8();
}

function hasRealNumber(values: readonly (string | null)[], n: number): boolean {
  for (let i = 0; i < n; i++) {
    const s = values[i];
    if (s != null && /\d/.test(s)) return true;
  }
  return false;
}

function fitsInt64(s: string): boolean {
  const digits = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? s.slice(1) : s;
  if (digits.length < 19) return true;
  if (digits.length > 19) return false;
  return digits <= INT64_MAX_TEXT || (s[0] === '-' && digits === '9223372036854775808');
}

/** Arrow type of a JSON column from its values (undefined and null are missing values). */
export function inferJsonType(values: readonly unknown[], n: number): arrow.DataType {
  let ints = 0;
  let floats = 0;
  let bools = 0;
  let strings = 0;
  let arrays = 0;
  let objects = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v == null) continue;
    total++;
    switch (typeof v) {
      case 'number':
        if (Number.isInteger(v)) ints++;
        else floats++;
        break;
      case 'bigint':
        ints++;
        break;
      case 'boolean':
        bools++;
        break;
      case 'string':
        strings++;
        break;
      default:
        if (Array.isArray(v)) arrays++;
        else objects++;
    }
  }
  if (total === 0 || strings === total) return new arrow.Utf8();
  if (ints + floats === total) return floats > 0 ? new arrow.Float64() : new arrow.Int64();
  if (bools === total) return new arrow.Bool();
  if (arrays === total) return listOf(values, n);
  if (objects === total) return structOf(values, n) ?? new arrow.Utf8();
  return new arrow.Utf8(); // mixed kinds: kept as text (JSON for objects and arrays)
}

function listOf(values: readonly unknown[], n: number): arrow.DataType {
  const elems: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const a = values[i];
    if (Array.isArray(a)) for (const e of a) elems.push(e);
  }
  return new arrow.List(new arrow.Field('element', inferJsonType(elems, elems.length), true));
}

/** Struct of the union of keys (first-seen order); undefined for objects without keys. */
export function structOf(values: readonly unknown[], n: number): arrow.Struct | undefined {
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const o = values[i];
    if (o == null || typeof o !== 'object') continue;
    for (const k of Object.keys(o)) names.add(k);
  }
  if (names.size === 0) return undefined;
  const fields = [...names].map((k) => {
    const child: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) child[i] = (values[i] as Record<string, unknown> | null)?.[k];
    return new arrow.Field(k, inferJsonType(child, n), true);
  });
  return new arrow.Struct(fields);
}
