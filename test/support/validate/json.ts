/** Small JSON type guards shared by the validator modules. */

export type JsonObject = Record<string, unknown>;

/** A plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A finite integer JSON number. */
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Absent fields and explicit nulls mean the same thing for optional action fields. */
export function isAbsent(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

/** Short rendering of a value for messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Recursively turns bigints (hyparquet INT64) into numbers so checkpoint rows look like JSON actions. */
export function normalizeBigInts(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(normalizeBigInts);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = normalizeBigInts(x);
    return out;
  }
  return v;
}

/** Order-insensitive deep equality for plain JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}
