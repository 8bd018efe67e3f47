/**
 * Streaming gunzip (node:zlib) of a chunk stream. Concatenated gzip members are read as one
 * stream (what `cat a.gz b.gz` and many log shippers produce). Corrupt or truncated data
 * becomes an InputFormatError; errors of the source pass through unchanged.
 */
import { pipeline, Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { DeltaError, InputFormatError } from '../errors.js';
import { hasGzipMagic } from './detect.js';

const OUTPUT_CHUNK = 256 * 1024;

/** Decompress a gzip chunk stream; `key` names the object in errors. */
export async function* gunzipChunks(chunks: AsyncIterable<Uint8Array>, key: string): AsyncGenerator<Uint8Array> {
  const gunzip = zlib.createGunzip({ chunkSize: OUTPUT_CHUNK });
  let sourceError: unknown;
  const source = Readable.from(
    tapErrors(chunks, (e) => (sourceError = e)),
    { objectMode: false },
  );
  pipeline(source, gunzip, () => undefined); // errors surface through the iteration below
  try {
    for await (const out of gunzip as AsyncIterable<Buffer>) {
      yield new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
  } catch (err) {
    if (sourceError !== undefined) throw sourceError;
    if (err instanceof DeltaError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new InputFormatError(
      key,
      `${key}: not valid gzip data (${msg}). The object is corrupt or truncated, or not gzip-compressed: ` +
        're-upload it, or read it with compression "none"',
      undefined,
      undefined,
      { cause: err },
    );
  } finally {
    if (!gunzip.destroyed) gunzip.destroy();
  }
}

/** Pass chunks through, remembering an error of the source (zlib would otherwise re-label it). */
async function* tapErrors(
  chunks: AsyncIterable<Uint8Array>,
  onError: (e: unknown) => void,
): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } catch (err) {
    onError(err);
    throw err;
  }
}

/**
 * Look at the first bytes of a stream without consuming them: returns whether it starts with
 * the gzip magic and a stream that yields every chunk again.
 */
export async function sniffGzip(
  chunks: AsyncIterable<Uint8Array>,
): Promise<{ gzip: boolean; head: Uint8Array; chunks: AsyncIterable<Uint8Array> }> {
  const it = chunks[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let len = 0;
  let done = false;
  while (len < 4) {
    const n = await it.next();
    if (n.done) {
      done = true;
      break;
    }
    seen.push(n.value);
    len += n.value.length;
  }
  const head = seen.length === 1 ? seen[0]! : Buffer.concat(seen);
  return {
    gzip: hasGzipMagic(head),
    head,
    chunks: (async function* () {
      try {
        yield* seen;
        while (!done) {
          const n = await it.next();
          if (n.done) done = true;
          else yield n.value;
        }
      } finally {
        if (!done) await it.return?.();
      }
    })(),
  };
}
