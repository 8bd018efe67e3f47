/**
 * The text encoding of CSV and NDJSON input. Text must be UTF-8 unless another encoding is
 * declared: invalid UTF-8 is refused naming the line (never replaced by U+FFFD), and a
 * declared `latin1` (ISO-8859-1) or `windows-1252` is converted to UTF-8 before parsing.
 * Validation runs on the bytes as they stream past (Node's `isUtf8`, SIMD); only a failure
 * pays for locating the bad byte.
 */
import { isUtf8 } from 'node:buffer';
import { InputFormatError } from '../errors.js';

export type TextEncoding = 'utf-8' | 'latin1' | 'windows-1252';

export const TEXT_ENCODINGS: readonly TextEncoding[] = ['utf-8', 'latin1', 'windows-1252'];

/** `encoding` as a TextEncoding (case-insensitive, `utf8` too), or an InputFormatError. */
export function checkEncoding(encoding: string | undefined, key: string): TextEncoding {
  const e = (encoding ?? 'utf-8').toLowerCase();
  if (e === 'utf8' || e === 'utf-8') return 'utf-8';
  if (e === 'latin1' || e === 'iso-8859-1') return 'latin1';
  if (e === 'windows-1252' || e === 'cp1252') return 'windows-1252';
  throw new InputFormatError(key, `unknown text encoding "${encoding}"; use ${TEXT_ENCODINGS.join(', ')}`);
}

/** UTF-8 bytes of `chunks`: checked when the input is UTF-8, converted from a declared encoding. */
export function utf8Text(
  chunks: AsyncIterable<Uint8Array>,
  key: string,
  format: string,
  encoding: TextEncoding = 'utf-8',
): AsyncIterable<Uint8Array> {
  return encoding === 'utf-8' ? checkedUtf8(chunks, key, format) : converted(chunks, encoding);
}

async function* converted(chunks: AsyncIterable<Uint8Array>, encoding: TextEncoding): AsyncGenerator<Uint8Array> {
  // Node's latin1 is ISO-8859-1; the WHATWG decoder's "latin1" label would mean windows-1252.
  const decoder = encoding === 'windows-1252' ? new TextDecoder('windows-1252') : undefined;
  for await (const chunk of chunks) {
    const text = decoder ? decoder.decode(chunk, { stream: true }) : Buffer.from(chunk).toString('latin1');
    yield Buffer.from(text, 'utf8');
  }
}

/** Bytes a UTF-8 sequence starting with `lead` has (1 for a byte that cannot start one). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 1;
}

/** Length of the prefix of `bytes` that does not end inside a multi-byte sequence. */
function completePrefix(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4; i--) {
    if ((bytes[i]! & 0xc0) !== 0x80) return i + sequenceLength(bytes[i]!) > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

async function* checkedUtf8(
  chunks: AsyncIterable<Uint8Array>,
  key: string,
  format: string,
): AsyncGenerator<Uint8Array> {
  let carry: Uint8Array = new Uint8Array(0); // an incomplete sequence at the end of the previous chunk
  let lines = 0; // newlines before the current chunk (and carry)
  for await (const chunk of chunks) {
    let body = chunk;
    if (carry.length > 0) {
      const need = sequenceLength(carry[0]!) - carry.length;
      const bridge = concat(carry, chunk.subarray(0, Math.max(0, need)));
      if (need > chunk.length) {
        carry = bridge; // still incomplete (a tiny chunk)
        yield chunk;
        continue;
      }
      if (!isUtf8(bridge)) throw invalid(bridge, lines, key, format);
      body = chunk.subarray(Math.max(0, need));
      carry = new Uint8Array(0);
    }
    const cut = completePrefix(body);
    if (!isUtf8(body.subarray(0, cut))) throw invalid(body, lines, key, format);
    carry = body.slice(cut);
    lines += countNewlines(body);
    yield chunk;
  }
  if (carry.length > 0) throw invalid(carry, lines, key, format);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function countNewlines(bytes: Uint8Array): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Offset of the first byte of `bytes` that is not part of a valid UTF-8 sequence (or its length). */
function firstInvalid(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes[i]!);
    if (n === 1) {
      if (bytes[i]! >= 0x80) return i;
      i++;
      continue;
    }
    if (i + n > bytes.length) return i;
    const second = bytes[i + 1]!;
    const lead = bytes[i]!;
    // Overlongs, surrogates and code points past U+10FFFF are excluded by the second byte's range.
    const lo = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const hi = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    if (second < lo || second > hi) return i;
    for (let k = 2; k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += n;
  }
  return bytes.length;
}

function invalid(bytes: Uint8Array, linesBefore: number, key: string, format: string): InputFormatError {
  const at = Math.min(firstInvalid(bytes), bytes.length - 1);
  const line = linesBefore + countNewlines(bytes.subarray(0, at)) + 1;
  const hex = Array.from(bytes.subarray(at, at + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new InputFormatError(
    key,
    `${key}: line ${line}: the ${format} text is not valid UTF-8 (bytes ${hex}). Convert the object to UTF-8, ` +
      'or declare its encoding (encoding "latin1" or "windows-1252") to have it converted',
    line,
  );
}
