/**
 * Refuse input that is clearly not text before a text parser chews on it: Parquet, gzip that
 * was not declared, or bytes with NULs (binary data). Looks at the first chunk only.
 */
import { InputFormatError } from '../errors.js';
import { hasGzipMagic, hasParquetMagic } from './detect.js';

const SNIFF_BYTES = 64 * 1024;

/** Pass chunks through after checking that the stream starts like `format` text. */
export async function* guardText(
  chunks: AsyncIterable<Uint8Array>,
  key: string,
  format: string,
): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const chunk of chunks) {
    if (first && chunk.length > 0) {
      first = false;
      const why = hasParquetMagic(chunk)
        ? 'it is a Parquet file; read it with format "parquet"'
        : hasGzipMagic(chunk)
          ? 'it is gzip-compressed; read it with compression "gzip" (or "auto")'
          : chunk.subarray(0, SNIFF_BYTES).includes(0)
            ? 'it contains NUL bytes (binary data, or UTF-16 text: convert it to UTF-8)'
            : undefined;
      if (why) throw new InputFormatError(key, `${key}: cannot read the object as ${format} text: ${why}`);
    }
    yield chunk;
  }
}
