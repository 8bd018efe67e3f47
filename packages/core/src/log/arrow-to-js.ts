/**
 * Column-wise conversion of Arrow data into plain JS values, used to turn checkpoint rows
 * into actions. Longs become numbers (sizes, timestamps and versions in actions fit), maps
 * become objects, and nulls become undefined so absent optional fields stay absent.
 * Column-wise decoding avoids Arrow JS's per-row proxy objects, which dominate the cost of
 * loading a 100k-file checkpoint.
 *
 * Arrow JS slicing rule: `Data.slice` slices value and offset buffers (index them with i),
 * but not null bitmaps or boolean bit buffers (index those with data.offset + i); struct
 * children are sliced with their parent, list/map children are not.
 */
import * as arrow from 'apache-arrow';

const decoder = new TextDecoder();

type JsValue = unknown;

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** Validity of row i, or every row valid when the column has no nulls (checked once per column). */
function validityOf(data: arrow.Data): (i: number) => boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return () => true;
  const off = data.offset;
  return (i) => (bitmap[(off + i) >> 3]! & (1 << ((off + i) & 7))) !== 0;
}

/** Decode rows [0, data.length) of `data` into JS values. */
export function dataToJs(data: arrow.Data): JsValue[] {
  const n = data.length;
  const out = new Array<JsValue>(n);
  const isValid = validityOf(data);
  const off = data.offset;
  switch (data.type.typeId) {
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return stringsToJs(data, isValid, out);
    case arrow.Type.Int:
    case arrow.Type.Float: {
      const values = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < n; i++) if (isValid(i)) out[i] = Number(values[i]);
      return out;
    }
    case arrow.Type.Bool: {
      const values = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        if (!isValid(i)) continue;
        const idx = off + i;
        out[i] = (values[idx >> 3]! & (1 << (idx & 7))) !== 0;
      }
      return out;
    }
    case arrow.Type.Struct:
      return structsToJs(data, isValid, out);
    case arrow.Type.Map:
    case arrow.Type.List:
      return listsToJs(data, isValid, out);
    default: {
      // Rare in actions (binary, dates in stats_parsed): fall back to Arrow's accessor.
      const vec = arrow.makeVector(data);
      for (let i = 0; i < n; i++) {
        const v = vec.get(i);
        if (v !== null && v !== undefined) out[i] = typeof v === 'bigint' ? Number(v) : v;
      }
      return out;
    }
  }
}

function stringsToJs(data: arrow.Data, isValid: (i: number) => boolean, out: JsValue[]): JsValue[] {
  const n = data.length;
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const bytes = data.values as Uint8Array;
  const first = Number(offsets[0]);
  const last = Number(offsets[n]);
  if (isAscii(bytes, first, last)) {
    // One decode for the whole column; byte offsets equal string offsets in ASCII.
    const all = decoder.decode(bytes.subarray(first, last));
    for (let i = 0; i < n; i++) {
      if (isValid(i)) out[i] = all.slice(Number(offsets[i]) - first, Number(offsets[i + 1]) - first);
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    if (!isValid(i)) continue;
    out[i] = decoder.decode(bytes.subarray(Number(offsets[i]), Number(offsets[i + 1])));
  }
  return out;
}

function structsToJs(data: arrow.Data, isValid: (i: number) => boolean, out: JsValue[]): JsValue[] {
  const fields = (data.type as arrow.Struct).children;
  const cols = data.children.map((c) => dataToJs(c));
  for (let i = 0; i < data.length; i++) {
    if (!isValid(i)) continue;
    const o: Record<string, JsValue> = {};
    for (let f = 0; f < fields.length; f++) {
      const v = cols[f]![i];
      if (v !== undefined) o[fields[f]!.name] = v;
    }
    out[i] = o;
  }
  return out;
}

/** Lists as arrays; maps (lists of key/value entries) as objects keyed by the key's text. */
function listsToJs(data: arrow.Data, isValid: (i: number) => boolean, out: JsValue[]): JsValue[] {
  const n = data.length;
  const offsets = data.valueOffsets as Int32Array;
  const start = offsets[0]!;
  const end = offsets[n]!;
  const values = dataToJs(sliceChild(data.children[0]!, start, end - start));
  const isMap = data.type.typeId === arrow.Type.Map;
  for (let i = 0; i < n; i++) {
    if (!isValid(i)) continue;
    const s = offsets[i]! - start;
    const e = offsets[i + 1]! - start;
    if (isMap) {
      const o: Record<string, JsValue> = {};
      for (let j = s; j < e; j++) {
        const entry = values[j] as { key?: unknown; value?: unknown };
        const value = entry.value === undefined ? null : entry.value;
        o[intern(String(entry.key))] = typeof value === 'string' ? intern(value) : value;
      }
      out[i] = o;
    } else {
      out[i] = values.slice(s, e);
    }
  }
  return out;
}

/**
 * One copy of each short map key or value (partition values repeat across a table's files:
 * a million adds hold a few hundred distinct ones). Bounded: cleared when it grows large.
 */
const interned = new Map<string, string>();
const INTERN_MAX_LENGTH = 64;
const INTERN_MAX_ENTRIES = 100_000;

function intern(s: string): string {
  if (s.length > INTERN_MAX_LENGTH) return s;
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size >= INTERN_MAX_ENTRIES) interned.clear();
  // A flat copy: `s` may be a slice of a whole column's text, which it would keep alive.
  const flat = (' ' + s).slice(1);
  interned.set(flat, flat);
  return flat;
}

/** A child's rows [start, start+length) as a Data with its own offset. */
function sliceChild(child: arrow.Data, start: number, length: number): arrow.Data {
  return start === 0 && length === child.length ? child : child.slice(start, length);
}
