/**
 * Fetch a Parquet footer (`<FileMetaData> <4-byte length> PAR1`) with as few ranged reads
 * as possible: one read of the file's tail, plus one more only when the footer is larger
 * than that tail. The bytes are cached in the StoreFile so the decoders' own footer reads
 * are answered from memory.
 */
import { CorruptDataFileError } from '../errors.js';
import type { StoreFile } from './blob.js';

/** Tail bytes fetched on open. Spark and parquet-rs footers are a few KB; 64 KiB is one cheap GET. */
export const DEFAULT_FOOTER_PREFETCH = 64 * 1024;

/**
 * Files up to this size are fetched whole on open: one GET instead of footer + column chunks.
 * On S3 a GET of a couple of MB costs about what a small one does (first-byte latency
 * dominates), and event-driven tables are full of such files (OPTIMIZE reads thousands).
 */
export const WHOLE_FILE_BYTES = 2 * 1024 * 1024;

const MAGIC = 0x31524150; // "PAR1" little-endian

/** The serialized footer: its thrift bytes and where they start in the file. */
export interface FooterBytes {
  /** The thrift-encoded FileMetaData followed by the 4-byte length and "PAR1". */
  bytes: Uint8Array;
  /** Offset of `bytes` in the file. */
  offset: number;
}

/** Read and cache the footer of `file`. Throws CorruptDataFileError when it is not a Parquet file. */
export async function fetchFooter(file: StoreFile, prefetch = DEFAULT_FOOTER_PREFETCH): Promise<FooterBytes> {
  if (file.size < 12) throw notParquet(file.path, `it is only ${file.size} bytes long`);
  const tailStart = Math.max(0, file.size - Math.max(prefetch, 8));
  let tail = await file.read(tailStart, file.size);
  let tailOffset = tailStart;
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  if (view.getUint32(tail.length - 4, true) !== MAGIC) throw notParquet(file.path, 'it does not end with "PAR1"');
  const metaLength = view.getUint32(tail.length - 8, true);
  const footerStart = file.size - 8 - metaLength;
  if (footerStart < 4) {
    throw notParquet(file.path, `its footer length ${metaLength} does not fit in a file of ${file.size} bytes`);
  }
  if (footerStart < tailOffset) {
    const head = await file.read(footerStart, tailOffset);
    const all = new Uint8Array(head.length + tail.length);
    all.set(head, 0);
    all.set(tail, head.length);
    tail = all;
    tailOffset = footerStart;
  }
  file.cache(tailOffset, tail);
  return { bytes: tail.subarray(footerStart - tailOffset), offset: footerStart };
}

function notParquet(path: string, why: string): CorruptDataFileError {
  return new CorruptDataFileError(
    path,
    `${path} is not a valid Parquet file: ${why}. Check that the object is complete.`,
  );
}
