import { describe, expect, it } from 'vitest';
import { InputFormatError } from '../errors.js';
import { prng } from '../../test/support/parquet-damage.js';
import { readInputStream } from './index.js';
import { utf8Text } from './encoding.js';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

async function* split(bytes: Uint8Array, sizes: () => number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length;) {
    const n = Math.max(1, sizes());
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

/** Random text: ASCII, newlines, 2-, 3- and 4-byte characters. */
function randomText(random: () => number, chars: number): string {
  const pool = ['a', 'z', ',', '\n', 'é', 'ß', '€', '中', '😀', '\u0800', '\uffff', '\u{10ffff}'];
  return Array.from({ length: chars }, () => pool[Math.floor(random() * pool.length)]!).join('');
}

describe('UTF-8 check of text input', () => {
  it('passes valid text through unchanged, however it is split (seeded)', async () => {
    const random = prng(5);
    for (let t = 0; t < 200; t++) {
      const bytes = Buffer.from(randomText(random, 1 + Math.floor(random() * 200)), 'utf8');
      const out = await collect(
        utf8Text(
          split(bytes, () => Math.floor(random() * 7)),
          'k',
          'CSV',
        ),
      );
      expect(Buffer.compare(out, bytes)).toBe(0);
    }
  });

  it('refuses invalid bytes naming the line, however the text is split (seeded, Node decoder as oracle)', async () => {
    const random = prng(6);
    const bad = [[0xe9], [0xc3], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff]];
    for (let t = 0; t < 300; t++) {
      const text = Buffer.from(randomText(random, 1 + Math.floor(random() * 100)), 'utf8');
      // Insert a bad sequence at a character boundary.
      const decoded = text.toString('utf8');
      const cut = Buffer.byteLength(decoded.slice(0, Math.floor(random() * decoded.length)), 'utf8');
      const bytes = Buffer.concat([text.subarray(0, cut), Buffer.from(bad[t % bad.length]!), text.subarray(cut)]);
      const replaced = bytes.toString('utf8'); // the oracle: where U+FFFD first appears
      const expectedLine = replaced.slice(0, replaced.indexOf('\ufffd')).split('\n').length;
      const err = await collect(
        utf8Text(
          split(bytes, () => Math.floor(random() * 9)),
          'in/x.csv',
          'CSV',
        ),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputFormatError);
      expect((err as InputFormatError).line, `case ${t}`).toBe(expectedLine);
      expect((err as Error).message).toMatch(
        new RegExp(`^in/x\\.csv: line ${expectedLine}: the CSV text is not valid UTF-8`),
      );
    }
  });

  it('a truncated sequence at the end is refused', async () => {
    const err = await collect(
      utf8Text(
        split(Buffer.from([0x61, 0x0a, 0xe2, 0x82]), () => 1),
        'k',
        'NDJSON',
      ),
    ).catch((e: unknown) => e);
    expect((err as InputFormatError).line).toBe(2);
  });
});

describe('CSV and NDJSON input with a declared encoding', () => {
  const latin1 = Buffer.from('id,name\n1,caf\xe9\n2,\x80uro\n', 'latin1');

  async function rows(bytes: Uint8Array, format: 'csv' | 'ndjson', encoding?: string): Promise<unknown[]> {
    const out: unknown[] = [];
    const source = (async function* () {
      yield bytes;
    })();
    for await (const b of readInputStream(source, { format, encoding, key: 'in/x' }))
      for (const r of b) out.push(r!.toJSON());
    return out;
  }

  it('UTF-8 (default) refuses caf\\xe9 naming line 2, as NDJSON does', async () => {
    await expect(rows(latin1, 'csv')).rejects.toThrow(
      /^in\/x: line 2: the CSV text is not valid UTF-8 \(bytes e9 0a 32 2c\)/,
    );
    const nd = Buffer.from('{"name":"ok"}\n{"name":"caf\xe9"}\n', 'latin1');
    await expect(rows(nd, 'ndjson')).rejects.toThrow(/^in\/x: line 2: the NDJSON text is not valid UTF-8/);
  });

  it('latin1 and windows-1252 are converted', async () => {
    expect(await rows(latin1, 'csv', 'latin1')).toEqual([
      { id: 1n, name: 'café' },
      { id: 2n, name: '\u0080uro' },
    ]);
    expect(await rows(latin1, 'csv', 'windows-1252')).toEqual([
      { id: 1n, name: 'café' },
      { id: 2n, name: '€uro' },
    ]);
    const nd = Buffer.from('{"name":"caf\xe9"}\n', 'latin1');
    expect(await rows(nd, 'ndjson', 'latin1')).toEqual([{ name: 'café' }]);
    await expect(rows(latin1, 'csv', 'ebcdic')).rejects.toThrow(
      /unknown text encoding "ebcdic"; use utf-8, latin1, windows-1252/,
    );
  });
});
