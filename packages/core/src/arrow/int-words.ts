/**
 * Exact 64/128/256-bit integer arithmetic on little-endian 32-bit words, so that hot loops
 * (timestamp unit changes, decimal widening) avoid allocating a BigInt per value.
 * Values are two's complement; the highest word is signed.
 */

export const TWO_32 = 4294967296;
// Strict bound: a double at or beyond 2^53 may be a rounded value.
const SAFE = 2 ** 53 - 1;

/** Largest factor for which the word-wise multiply/divide below stays exact (k * 2^32 < 2^53). */
export const MAX_WORD_FACTOR = 2 ** 21;

/**
 * out[i] = src[i] * k for 64-bit values stored as Int32 word pairs. Returns the first row index
 * that overflowed 64 bits (among rows where `valid(i)`), or -1.
 */
export function mulInt64Words(
  src: Int32Array,
  out: Int32Array,
  n: number,
  k: number,
  valid: (i: number) => boolean,
): number {
  for (let i = 0; i < n; i++) {
    const lo = src[2 * i] >>> 0;
    const hi = src[2 * i + 1];
    const l = lo * k;
    const carry = Math.floor(l / TWO_32);
    const outHi = hi * k + carry;
    if ((outHi > 2147483647 || outHi < -2147483648) && valid(i)) return i;
    out[2 * i] = l - carry * TWO_32;
    out[2 * i + 1] = outHi;
  }
  return -1;
}

/** out[i] = floor(src[i] / k) (rounding toward -infinity) for 64-bit word pairs; k < MAX_WORD_FACTOR. */
export function floorDivInt64Words(src: Int32Array, out: Int32Array, n: number, k: number): void {
  for (let i = 0; i < n; i++) {
    const lo = src[2 * i] >>> 0;
    const hi = src[2 * i + 1];
    const qh = Math.floor(hi / k);
    const r = (hi - qh * k) * TWO_32 + lo;
    out[2 * i] = Math.floor(r / k);
    out[2 * i + 1] = qh;
  }
}

/** The 64-bit value at word pair i as a number (exact when |v| < 2^53). */
export function int64WordsToNumber(w: Int32Array, i: number): number {
  return w[2 * i + 1] * TWO_32 + (w[2 * i] >>> 0);
}

/** Write a safe integer as `words` little-endian 32-bit words (sign-extended). */
export function writeSafeInt(out: Uint32Array | Int32Array, base: number, words: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  out[base] = v - hi * TWO_32;
  out[base + 1] = hi;
  const ext = hi < 0 ? -1 : 0;
  for (let k = 2; k < words; k++) out[base + k] = ext;
}

/**
 * Read `words` words at `base` as a number if the value is a safe integer, else NaN
 * (the caller then takes the BigInt path).
 */
export function readSafeInt(w: Uint32Array, base: number, words: number): number {
  const hi = w[base + 1] | 0;
  const ext = hi < 0 ? 0xffffffff : 0;
  for (let k = 2; k < words; k++) if (w[base + k] !== ext) return NaN;
  const v = hi * TWO_32 + w[base];
  return v >= -SAFE && v <= SAFE ? v : NaN;
}

/** Read `words` little-endian words at `base` as a signed BigInt. */
export function readBigInt(w: Uint32Array, base: number, words: number): bigint {
  let x = 0n;
  for (let k = words - 1; k >= 0; k--) x = (x << 32n) | BigInt(w[base + k]);
  return BigInt.asIntN(words * 32, x);
}

/** Write a BigInt as `words` little-endian two's-complement words at `base`. */
export function writeBigInt(out: Uint32Array, base: number, words: number, v: bigint): void {
  let x = BigInt.asUintN(words * 32, v);
  for (let k = 0; k < words; k++) {
    out[base + k] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
}

export function isSafe(v: number): boolean {
  return v >= -SAFE && v <= SAFE;
}
