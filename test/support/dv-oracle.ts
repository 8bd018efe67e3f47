/**
 * An independent reader of the deletion vectors a table's log names, for tests. It shares no
 * code with @delta-serverless/core: Z85 and the descriptor rules are re-implemented here from
 * PROTOCOL.md ("Deletion Vector Descriptor Schema", "Deletion Vector Format"), checksums come
 * from node:zlib's CRC-32, and each 32-bit bucket of the RoaringBitmapArray is decoded by
 * CRoaring (npm `roaring`, the reference C implementation) from the portable format.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import roaring from 'roaring';

export interface DvDescriptor {
  storageType: string;
  pathOrInlineDv: string;
  offset?: number | null;
  sizeInBytes: number;
  cardinality: number;
}

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const MAGIC = 1681511377;

/** Z85 (ZeroMQ RFC 32): 5 characters -> 4 bytes, big-endian base 85. */
export function z85DecodeOracle(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new Error(`Z85 text length ${text.length} is not a multiple of 5`);
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let v = 0;
    for (let k = 0; k < 5; k++) {
      const d = Z85.indexOf(text[i + k]!);
      if (d < 0) throw new Error(`bad Z85 character ${text[i + k]}`);
      v = v * 85 + d;
    }
    const o = (i / 5) * 4;
    out[o] = (v >>> 24) & 0xff;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
  return out;
}

function uuidText(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The file of a `u` descriptor, relative to the table root. */
export function dvFileOracle(d: DvDescriptor): string {
  const prefix = d.pathOrInlineDv.slice(0, -20);
  const name = `deletion_vector_${uuidText(z85DecodeOracle(d.pathOrInlineDv.slice(-20)))}.bin`;
  return prefix ? `${prefix}/${name}` : name;
}

/** Row indexes of a serialized RoaringBitmapArray (magic, bucket count, buckets of portable 32-bit bitmaps). */
export function decodeBitmapOracle(bytes: Uint8Array): number[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.readInt32LE(0) !== MAGIC) throw new Error(`bad RoaringBitmapArray magic ${buf.readInt32LE(0)}`);
  const buckets = Number(buf.readBigUInt64LE(4));
  let pos = 12;
  const rows: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const high = buf.readUInt32LE(pos);
    pos += 4;
    const bitmap = roaring.RoaringBitmap32.deserialize(buf.subarray(pos), true);
    pos += bitmap.getSerializationSizeInBytes(true);
    for (const low of bitmap) rows.push(high * 2 ** 32 + low);
  }
  if (pos !== buf.length) throw new Error(`${buf.length - pos} trailing bytes after the bitmap`);
  return rows;
}

/** Decode the DV a descriptor names in table `dir`, checking framing, size, CRC and cardinality. */
export function readDvOracle(dir: string, d: DvDescriptor): number[] {
  let bitmap: Uint8Array;
  if (d.storageType === 'i') {
    bitmap = z85DecodeOracle(d.pathOrInlineDv).subarray(0, d.sizeInBytes);
  } else {
    const file = d.storageType === 'u' ? path.join(dir, dvFileOracle(d)) : new URL(d.pathOrInlineDv).pathname;
    const bytes = fs.readFileSync(file);
    if (bytes[0] !== 1) throw new Error(`DV file ${file} has format version ${bytes[0]}, expected 1`);
    const at = Number(d.offset ?? 1);
    const size = bytes.readUInt32BE(at);
    if (size !== d.sizeInBytes) throw new Error(`DV at ${file}@${at}: size ${size} != sizeInBytes ${d.sizeInBytes}`);
    bitmap = bytes.subarray(at + 4, at + 4 + size);
    const crc = bytes.readUInt32BE(at + 4 + size);
    if (crc !== crc32(bitmap)) throw new Error(`DV at ${file}@${at}: CRC mismatch`);
  }
  const rows = decodeBitmapOracle(bitmap);
  if (rows.length !== d.cardinality) throw new Error(`DV cardinality ${d.cardinality} != ${rows.length} rows decoded`);
  return rows;
}
