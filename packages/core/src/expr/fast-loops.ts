/**
 * Tight loops over Arrow typed arrays for column-vs-literal predicates. Each writes a
 * three-valued state per row into `out` (0 false, 1 null, 2 true) ignoring nulls; the
 * caller marks null rows afterwards. Comparisons yield -1/0/1 and index a 3-entry table
 * (`table[cmp + 1]`), so one loop serves all six operators.
 */

/** State table per operator, indexed by cmp + 1 (cmp = sign of value - literal). */
export const OP_TABLE: Record<string, Uint8Array> = {
  '<': Uint8Array.of(2, 0, 0),
  '<=': Uint8Array.of(2, 2, 0),
  '>': Uint8Array.of(0, 0, 2),
  '>=': Uint8Array.of(0, 2, 2),
  '=': Uint8Array.of(0, 2, 0),
  '<=>': Uint8Array.of(0, 2, 0),
  '!=': Uint8Array.of(2, 0, 2),
};

type NumberArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** Number arrays (ints, floats, date days). NaN sorts above every number and equals NaN. */
export function cmpNumbers(
  v: NumberArray,
  off: number,
  len: number,
  lit: number,
  t: Uint8Array,
  out: Uint8Array,
): void {
  // Separate loops per array class keep each one monomorphic (V8 slows down on mixed typed arrays).
  if (v instanceof Float64Array) cmpF64(v, off, len, lit, t, out);
  else if (v instanceof Int32Array) cmpI32(v, off, len, lit, t, out);
  else cmpAny(v, off, len, lit, t, out);
}

function cmpF64(v: Float64Array, off: number, len: number, lit: number, t: Uint8Array, out: Uint8Array): void {
  const lt = t[0],
    eq = t[1],
    gt = t[2];
  if (lit !== lit) {
    for (let i = 0; i < len; i++) out[i] = v[off + i] !== v[off + i] ? eq : lt;
    return;
  }
  for (let i = 0; i < len; i++) {
    const x = v[off + i];
    out[i] = x < lit ? lt : x === lit ? eq : gt; // NaN falls through to "greater"
  }
}

function cmpI32(v: Int32Array, off: number, len: number, lit: number, t: Uint8Array, out: Uint8Array): void {
  const lt = t[0],
    eq = t[1],
    gt = t[2];
  if (lit !== lit) {
    out.fill(lt, 0, len);
    return;
  }
  for (let i = 0; i < len; i++) {
    const x = v[off + i];
    out[i] = x < lit ? lt : x === lit ? eq : gt;
  }
}

function cmpAny(v: NumberArray, off: number, len: number, lit: number, t: Uint8Array, out: Uint8Array): void {
  const lt = t[0],
    eq = t[1],
    gt = t[2];
  if (lit !== lit) {
    for (let i = 0; i < len; i++) out[i] = v[off + i] !== v[off + i] ? eq : lt;
    return;
  }
  for (let i = 0; i < len; i++) {
    const x = v[off + i];
    out[i] = x < lit ? lt : x === lit ? eq : gt;
  }
}

/** 64-bit integers (long, timestamp micros) compared as (signed high, unsigned low) words: no BigInt per row. */
export function cmpInt64(
  v: BigInt64Array,
  off: number,
  len: number,
  lit: bigint,
  t: Uint8Array,
  out: Uint8Array,
): void {
  const hi = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  const lo = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  const lh = Number(BigInt.asIntN(32, lit >> 32n));
  const ll = Number(BigInt.asUintN(32, lit));
  const lt = t[0],
    eq = t[1],
    gt = t[2];
  for (let i = 0; i < len; i++) {
    const j = (off + i) << 1;
    const h = hi[j + 1];
    if (h !== lh) out[i] = h < lh ? lt : gt;
    else {
      const l = lo[j];
      out[i] = l < ll ? lt : l > ll ? gt : eq;
    }
  }
}

/** Split a bigint into `stride` little-endian 32-bit words (top word signed); undefined if it does not fit. */
export function bigintWords(v: bigint, stride: number): Int32Array | undefined {
  const bits = 32 * stride;
  if (BigInt.asIntN(bits, v) !== v) return undefined;
  const w = new Int32Array(stride);
  for (let k = 0; k < stride; k++) w[k] = Number(BigInt.asIntN(32, v >> BigInt(32 * k)));
  return w;
}

/** Decimals: `stride` 32-bit words per value, compared from the signed top word down. */
export function cmpDecimal(
  words: Uint32Array,
  stride: number,
  off: number,
  len: number,
  litWords: Int32Array,
  t: Uint8Array,
  out: Uint8Array,
): void {
  const signed = new Int32Array(words.buffer, words.byteOffset, words.length);
  const top = stride - 1;
  const lit = Uint32Array.from(litWords, (x) => x >>> 0);
  const litTop = litWords[top];
  for (let i = 0; i < len; i++) {
    const base = (off + i) * stride;
    const h = signed[base + top];
    let c = 0;
    if (h !== litTop) c = h < litTop ? -1 : 1;
    else
      for (let k = top - 1; k >= 0; k--) {
        const w = words[base + k];
        if (w !== lit[k]) {
          c = w < lit[k] ? -1 : 1;
          break;
        }
      }
    out[i] = t[c + 1];
  }
}

/** Variable-width bytes (Utf8, Binary) against literal bytes; byte order = code point order for UTF-8. */
export function cmpBytes(
  offs: Int32Array,
  bytes: Uint8Array,
  off: number,
  len: number,
  lit: Uint8Array,
  t: Uint8Array,
  out: Uint8Array,
): void {
  const n = lit.length;
  const eqOnly = t[0] === t[2];
  for (let i = 0; i < len; i++) {
    const a = offs[off + i];
    const m = offs[off + i + 1] - a;
    if (eqOnly) {
      out[i] = m === n && bytesEqual(bytes, a, lit, 0, n) ? t[1] : t[0];
      continue;
    }
    const k = m < n ? m : n;
    let c = 0;
    for (let p = 0; p < k; p++) {
      const x = bytes[a + p];
      const y = lit[p];
      if (x !== y) {
        c = x < y ? -1 : 1;
        break;
      }
    }
    if (c === 0 && m !== n) c = m < n ? -1 : 1;
    out[i] = t[c + 1];
  }
}

export function bytesEqual(bytes: Uint8Array, at: number, lit: Uint8Array, from: number, n: number): boolean {
  for (let p = 0; p < n; p++) if (bytes[at + p] !== lit[from + p]) return false;
  return true;
}

/** Bool bits (addressed at `bitOffset + i`) against a boolean literal. */
export function cmpBool(
  bits: Uint8Array,
  bitOffset: number,
  len: number,
  lit: boolean,
  t: Uint8Array,
  out: Uint8Array,
): void {
  const l = lit ? 1 : 0;
  for (let i = 0; i < len; i++) {
    const b = bitOffset + i;
    const x = (bits[b >> 3] >> (b & 7)) & 1;
    out[i] = t[x - l + 1];
  }
}

/** IN over number arrays; `miss` is the state for non-members (1 when the list holds NULL). */
export function inNumbers(
  v: NumberArray,
  off: number,
  len: number,
  list: number[],
  miss: number,
  out: Uint8Array,
): void {
  const ints = !(v instanceof Float32Array || v instanceof Float64Array);
  if (ints && list.length > 0 && list.every((x) => Number.isInteger(x))) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of list) {
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
    }
    if (hi - lo < 1 << 16) {
      // Dense lookup table over [lo, hi]: one subtraction and one load per row.
      const span = hi - lo + 1;
      const lut = new Uint8Array(span).fill(miss);
      for (const x of list) lut[x - lo] = 2;
      for (let i = 0; i < len; i++) {
        const d = v[off + i] - lo;
        out[i] = d >= 0 && d < span ? lut[d] : miss;
      }
      return;
    }
  }
  const hasNaN = list.some((x) => x !== x);
  if (list.length <= 8) {
    const vals = Float64Array.from(list.filter((x) => x === x));
    for (let i = 0; i < len; i++) {
      const x = v[off + i];
      let hit = hasNaN && x !== x;
      for (let k = 0; !hit && k < vals.length; k++) hit = x === vals[k];
      out[i] = hit ? 2 : miss;
    }
    return;
  }
  const set = new Set(list); // SameValueZero: NaN matches NaN, -0 matches 0
  for (let i = 0; i < len; i++) out[i] = set.has(v[off + i]) ? 2 : miss;
}

/** IN over 64-bit integers as (high, low) word pairs, so rows never become BigInts. */
export function inInt64(
  v: BigInt64Array,
  off: number,
  len: number,
  list: bigint[],
  miss: number,
  out: Uint8Array,
): void {
  const hi = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  const lo = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  const lh = Int32Array.from(list, (x) => Number(BigInt.asIntN(32, x >> 32n)));
  const ll = Uint32Array.from(list, (x) => Number(BigInt.asUintN(32, x)));
  if (list.length <= 8) {
    const n = list.length;
    // Range prefilter against the list's min and max: most rows of a selective IN fall outside.
    let mn = list[0];
    let mx = list[0];
    for (const x of list) {
      mn = x < mn ? x : mn;
      mx = x > mx ? x : mx;
    }
    const mnH = Number(BigInt.asIntN(32, mn >> 32n));
    const mnL = Number(BigInt.asUintN(32, mn));
    const mxH = Number(BigInt.asIntN(32, mx >> 32n));
    const mxL = Number(BigInt.asUintN(32, mx));
    for (let i = 0; i < len; i++) {
      const j = (off + i) << 1;
      const h = hi[j + 1];
      const l = lo[j];
      let hit = false;
      if (!(h < mnH || (h === mnH && l < mnL) || h > mxH || (h === mxH && l > mxL)))
        for (let k = 0; !hit && k < n; k++) hit = l === ll[k] && h === lh[k];
      out[i] = hit ? 2 : miss;
    }
    return;
  }
  const byLow = new Map<number, number[]>();
  for (let k = 0; k < list.length; k++) {
    const his = byLow.get(ll[k]);
    if (his) his.push(lh[k]);
    else byLow.set(ll[k], [lh[k]]);
  }
  for (let i = 0; i < len; i++) {
    const j = (off + i) << 1;
    const his = byLow.get(lo[j]);
    out[i] = his !== undefined && his.includes(hi[j + 1]) ? 2 : miss;
  }
}

/** IN over Utf8/Binary: a linear scan for short lists, candidates grouped by byte length otherwise. */
export function inBytes(
  offs: Int32Array,
  bytes: Uint8Array,
  off: number,
  len: number,
  list: Uint8Array[],
  miss: number,
  out: Uint8Array,
): void {
  if (list.length <= 8) {
    const lens = Int32Array.from(list, (x) => x.length);
    const first = Int32Array.from(list, (x) => (x.length > 0 ? x[0] : -1));
    const n = list.length;
    for (let i = 0; i < len; i++) {
      const a = offs[off + i];
      const m = offs[off + i + 1] - a;
      const b0 = m > 0 ? bytes[a] : -1;
      let hit = false;
      for (let k = 0; !hit && k < n; k++) hit = m === lens[k] && b0 === first[k] && bytesEqual(bytes, a, list[k], 0, m);
      out[i] = hit ? 2 : miss;
    }
    return;
  }
  const byLen = new Map<number, Uint8Array[]>();
  for (const x of list) {
    const g = byLen.get(x.length);
    if (g) g.push(x);
    else byLen.set(x.length, [x]);
  }
  for (let i = 0; i < len; i++) {
    const a = offs[off + i];
    const cands = byLen.get(offs[off + i + 1] - a);
    let hit = false;
    if (cands) for (let k = 0; !hit && k < cands.length; k++) hit = bytesEqual(bytes, a, cands[k], 0, cands[k].length);
    out[i] = hit ? 2 : miss;
  }
}

/** LIKE shapes without a regex on UTF-8 bytes (UTF-8 is self-synchronising, so byte matches are character matches). */
export function likeBytes(
  offs: Int32Array,
  bytes: Uint8Array,
  off: number,
  len: number,
  shape: 'exact' | 'prefix' | 'suffix' | 'contains',
  lit: Uint8Array,
  out: Uint8Array,
): void {
  const n = lit.length;
  switch (shape) {
    case 'exact':
      for (let i = 0; i < len; i++) {
        const a = offs[off + i];
        out[i] = offs[off + i + 1] - a === n && bytesEqual(bytes, a, lit, 0, n) ? 2 : 0;
      }
      return;
    case 'prefix':
      for (let i = 0; i < len; i++) {
        const a = offs[off + i];
        out[i] = offs[off + i + 1] - a >= n && bytesEqual(bytes, a, lit, 0, n) ? 2 : 0;
      }
      return;
    case 'suffix':
      for (let i = 0; i < len; i++) {
        const b = offs[off + i + 1];
        out[i] = b - offs[off + i] >= n && bytesEqual(bytes, b - n, lit, 0, n) ? 2 : 0;
      }
      return;
    default:
      for (let i = 0; i < len; i++) {
        const a = offs[off + i];
        const last = offs[off + i + 1] - n;
        let hit = false;
        for (let p = a; !hit && p <= last; p++) hit = bytesEqual(bytes, p, lit, 0, n);
        out[i] = hit ? 2 : 0;
      }
  }
}
