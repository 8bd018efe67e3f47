/**
 * Z85 (ZeroMQ RFC 32), the base-85 variant Delta uses for inline deletion vectors and
 * for the UUIDs that name deletion vector files: JSON-safe, 5 characters per 4 bytes.
 */
import { InvalidArgumentError } from '../../errors.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Character code -> digit value, 255 for characters outside the alphabet. */
const DIGITS = (() => {
  const t = new Uint8Array(128).fill(255);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** `#`, the last Z85 digit, which pads a short tail group in the `z85` crate's variant. */
const HASH = 0x23;

/**
 * Z85-encode bytes. RFC 32 needs a multiple of 4 bytes; like Delta's writer, shorter tails
 * are padded with zero bytes (decode with the original length to drop them again).
 */
export function z85Encode(bytes: Uint8Array): string {
  const groups = Math.ceil(bytes.length / 4);
  const out = new Array<string>(groups);
  const chars = new Array<string>(5);
  for (let g = 0; g < groups; g++) {
    const i = g * 4;
    // `>>> 0` keeps the group unsigned; missing tail bytes count as zero.
    let v =
      (((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0;
    for (let k = 4; k >= 0; k--) {
      chars[k] = ALPHABET[v % 85];
      v = Math.floor(v / 85);
    }
    out[g] = chars.join('');
  }
  return out.join('');
}

/**
 * Decode Z85 text (length a multiple of 5). `byteLength` trims the zero padding that
 * `z85Encode` (and Spark) add to a tail shorter than 4 bytes. Also accepts the other
 * tail padding found in Delta logs (the Rust `z85` crate's): a last group of `#`s and
 * then the tail's k bytes as k+1 digits — strict Z85 never starts a group with `#`,
 * since such a group would exceed 32 bits. Throws InvalidArgumentError.
 */
export function z85Decode(text: string, byteLength?: number): Uint8Array {
  if (text.length % 5 !== 0) {
    throw new InvalidArgumentError(`Z85 text must have a multiple of 5 characters, got ${text.length}`);
  }
  let pads = 0;
  while (pads < 3 && text.length > 0 && text.charCodeAt(text.length - 5 + pads) === HASH) pads++;
  const full = (text.length / 5) * 4 - pads;
  const length = byteLength ?? full;
  if (length > full || length < full - 3) {
    throw new InvalidArgumentError(`Z85 text of ${text.length} characters cannot hold ${length} bytes`);
  }
  const out = new Uint8Array(full + pads);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    const skip = i === text.length - 5 ? pads : 0;
    let v = 0;
    for (let k = skip; k < 5; k++) {
      const c = text.charCodeAt(i + k);
      const d = c < 128 ? DIGITS[c] : 255;
      if (d === 255) throw new InvalidArgumentError(`invalid Z85 character ${JSON.stringify(text[i + k])} at ${i + k}`);
      v = v * 85 + d;
    }
    const bytes = 4 - skip;
    if (v >= 2 ** (8 * bytes)) throw new InvalidArgumentError(`Z85 group at ${i} exceeds ${8 * bytes} bits`);
    for (let b = bytes - 1; b >= 0; b--) {
      out[o + b] = v & 0xff;
      v = Math.floor(v / 256);
    }
  }
  return out.subarray(0, length);
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Canonical UUID text -> the 20-character Z85 form used in `pathOrInlineDv`. */
export function uuidToZ85(uuid: string): string {
  if (!UUID_RE.test(uuid)) throw new InvalidArgumentError(`not a canonical UUID: ${JSON.stringify(uuid)}`);
  const hex = uuid.replace(/-/g, '');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return z85Encode(bytes);
}

/** The 20-character Z85 form -> canonical lower-case UUID text (big-endian byte order). */
export function z85ToUuid(text: string): string {
  if (text.length !== 20) throw new InvalidArgumentError(`a Z85 UUID has 20 characters, got ${text.length}`);
  const bytes = z85Decode(text);
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
