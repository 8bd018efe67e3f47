/**
 * Deletion vector files: a format-version byte (1), then per DV a big-endian uint32 size,
 * the serialized bitmap, and a big-endian CRC-32 of the bitmap. A descriptor's `offset`
 * points at the size field.
 */
import { CorruptDataError } from '../../errors.js';

export const DV_FILE_FORMAT_VERSION = 1;

/** Bytes around each bitmap in a DV file: size before, checksum after. */
export const DV_FRAMING_BYTES = 8;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3 / zlib polynomial), as java.util.zip.CRC32. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface EncodedDeletionVectorFile {
  bytes: Uint8Array;
  /** Per input bitmap, the `offset` to put in its descriptor (its size field). */
  offsets: number[];
}

/** Build a DV file holding the given serialized bitmaps (from serializeRoaringBitmapArray). */
export function encodeDeletionVectorFile(bitmaps: readonly Uint8Array[]): EncodedDeletionVectorFile {
  let total = 1;
  for (const b of bitmaps) total += DV_FRAMING_BYTES + b.length;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes[0] = DV_FILE_FORMAT_VERSION;
  const offsets: number[] = [];
  let pos = 1;
  for (const b of bitmaps) {
    offsets.push(pos);
    view.setUint32(pos, b.length, false);
    bytes.set(b, pos + 4);
    view.setUint32(pos + 4 + b.length, crc32(b), false);
    pos += DV_FRAMING_BYTES + b.length;
  }
  return { bytes, offsets };
}

/**
 * Check one framed DV (`size | bitmap | crc`, as read from `offset`) against the size the
 * descriptor promises and its checksum; return the bitmap bytes. `where` names the file.
 */
export function unframeDeletionVector(framed: Uint8Array, sizeInBytes: number, where: string): Uint8Array {
  const fail = (why: string): never => {
    throw new CorruptDataError(`${where}: ${why}; the deletion vector cannot be trusted (the table may be damaged)`);
  };
  if (framed.length < DV_FRAMING_BYTES + sizeInBytes) {
    fail(`file too short: expected ${DV_FRAMING_BYTES + sizeInBytes} bytes at the offset, got ${framed.length}`);
  }
  const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
  const size = view.getUint32(0, false);
  if (size !== sizeInBytes) fail(`stored size ${size} does not match the log's sizeInBytes ${sizeInBytes}`);
  const bitmap = framed.subarray(4, 4 + size);
  const stored = view.getUint32(4 + size, false);
  const actual = crc32(bitmap);
  if (stored !== actual) {
    fail(`CRC-32 mismatch (stored ${hex(stored)}, computed ${hex(actual)})`);
  }
  return bitmap;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
