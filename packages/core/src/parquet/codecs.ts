/**
 * Decompressors for hyparquet (our pure-JS decode paths: exact INT96, small checkpoints).
 * hyparquet decodes only snappy itself; Node's zlib covers gzip, brotli and (Node >= 22.15) zstd.
 */
import * as zlib from 'node:zlib';
import type { Compressors } from 'hyparquet';

const zstd = (zlib as { zstdDecompressSync?: (b: Uint8Array) => Uint8Array }).zstdDecompressSync;

export const JS_COMPRESSORS: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ...(zstd ? { ZSTD: (input: Uint8Array) => zstd(input) } : {}),
};

/** Codecs hyparquet can decode in this process (LZ4 and LZO are left to parquet-wasm). */
export const JS_CODECS: ReadonlySet<string> = new Set(['UNCOMPRESSED', 'SNAPPY', ...Object.keys(JS_COMPRESSORS)]);
