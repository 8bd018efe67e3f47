import { mulberry32 as mulberry } from '../../test/support/prng.js';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SchemaMismatchError } from '../errors.js';
import { decimalWords } from '../../test/support/arrow-samples.js';
import { compareStrings } from '../expr/scalar-ops.js';
import { truncateMaxString, truncateMinString } from './stats-strings.js';
import { createValueStats, formatTimestampMillis } from './stats-values.js';

const A32 = 'a'.repeat(32);
const MAXCP = '\u{10ffff}';

describe('string truncation (Delta Spark truncateMaxStringAgg / substring)', () => {
  it('keeps strings of at most 32 UTF-16 units whole', () => {
    expect(truncateMaxString(A32)).toBe(A32);
    expect(truncateMinString(A32)).toBe(A32);
    expect(truncateMaxString('')).toBe('');
  });

  it('appends DEL after an ASCII character below it, else U+10FFFF', () => {
    expect(truncateMaxString(`${A32}bcd`)).toBe(`${A32}\u007f`);
    expect(truncateMaxString(`${A32}\u007fx`)).toBe(`${A32}${MAXCP}`);
    expect(truncateMaxString(`${A32}é`)).toBe(`${A32}${MAXCP}`);
    expect(truncateMaxString(`${A32}\uffff`)).toBe(`${A32}${MAXCP}`);
    expect(truncateMaxString(`${A32}😀`)).toBe(`${A32}${MAXCP}`);
    expect(truncateMinString(`${A32}bcd`)).toBe(A32);
  });

  it('never splits a surrogate pair; min counts code points', () => {
    const s = `a${'😀'.repeat(20)}`; // 41 units: unit 31 starts a pair
    expect(truncateMaxString(s)).toBe(`a${'😀'.repeat(16)}${MAXCP}`);
    const emoji = '😀'.repeat(40); // 80 units, 40 code points
    expect(truncateMinString(emoji)).toBe('😀'.repeat(32));
    expect(truncateMaxString(emoji)).toBe(`${'😀'.repeat(16)}${MAXCP}`);
    expect(truncateMinString('😀'.repeat(20))).toBe('😀'.repeat(20)); // 20 code points: whole
  });

  it('grows the prefix past U+10FFFF, and gives up beyond 64 units', () => {
    expect(truncateMaxString(`${A32}${MAXCP.repeat(3)}b`)).toBe(`${A32}${MAXCP.repeat(3)}\u007f`);
    expect(truncateMaxString(`${A32}${MAXCP.repeat(3)}`)).toBe(`${A32}${MAXCP.repeat(3)}`); // ran off the end
    expect(truncateMaxString(`${A32}${MAXCP.repeat(20)}`)).toBeUndefined();
  });

  it('is an upper bound in code point order and a prefix-based lower bound', () => {
    const rnd = mulberry(7);
    const alphabet = ['a', 'z', '~', '\u007f', 'é', '\uffff', '😀', MAXCP, '\u0000'];
    for (let t = 0; t < 2000; t++) {
      const len = 20 + Math.floor(rnd() * 30);
      let s = '';
      while (s.length < len) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const max = truncateMaxString(s);
      if (max !== undefined) expect(compareStrings(s, max)).toBeLessThanOrEqual(0);
      expect(s.startsWith(truncateMinString(s))).toBe(true);
    }
  });
});

describe('timestamp text', () => {
  it('truncates down to milliseconds, with Z only for timestamp', () => {
    expect(formatTimestampMillis(1704103200123999n, true)).toBe('"2024-01-01T10:00:00.123Z"');
    expect(formatTimestampMillis(1704103200123999n, false)).toBe('"2024-01-01T10:00:00.123"');
    expect(formatTimestampMillis(-1n, true)).toBe('"1969-12-31T23:59:59.999Z"');
    expect(formatTimestampMillis(-62135596800000000n - 1000n, true)).toBe('"0000-12-31T23:59:59.999Z"');
    expect(formatTimestampMillis(-62167219200000000n - 1000n, true)).toBe('"-0001-12-31T23:59:59.999Z"');
    expect(formatTimestampMillis(253402300800000000n, false)).toBe('"10000-01-01T00:00:00.000"');
    expect(formatTimestampMillis(9223372036854775807n, true)).toBeUndefined();
  });
});

function validity(nulls: boolean[]): Uint8Array {
  const bm = new Uint8Array((nulls.length + 7) >> 3);
  nulls.forEach((isNull, i) => {
    if (!isNull) bm[i >> 3] |= 1 << (i & 7);
  });
  return bm;
}

const enc = new TextEncoder();
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('scans agree with a naive min/max (random data, nulls, sliced data)', () => {
  const rnd = mulberry(42);

  it('strings, in UTF-8 byte order', () => {
    const pieces = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'b', 'é', '😀', '\uffff', 'ab\u0000', 'name_', 'name_1'];
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(rnd() * 60);
      const values: (string | null)[] = [];
      for (let i = 0; i < n; i++) {
        if (rnd() < 0.15) values.push(null);
        else {
          let s = '';
          const k = Math.floor(rnd() * 4);
          for (let j = 0; j < k; j++) s += pieces[Math.floor(rnd() * pieces.length)];
          values.push(s.slice(0, 30)); // below the truncation length (may cut a pair: fine, encode replaces it)
        }
      }
      const vec = arrow.vectorFromArray(values, t % 2 ? new arrow.Utf8() : new arrow.LargeUtf8());
      const from = Math.floor(rnd() * n);
      const data = vec.data[0].slice(from, n - from);
      const expected = values
        .slice(from)
        .filter((v): v is string => v !== null)
        .map((v) => new TextDecoder().decode(enc.encode(v)))
        .sort(byteOrder);
      const st = createValueStats({ type: 'string' }, 's');
      st.update(data, data.nullCount ? data.nullBitmap! : null, data.offset);
      expect(st.min()).toBe(expected.length ? JSON.stringify(expected[0]) : undefined);
      expect(st.max()).toBe(expected.length ? JSON.stringify(expected[expected.length - 1]) : undefined);
    }
  });

  it('decimals (128 and 256 bit) and longs, exactly', () => {
    const big = (bits: number) => {
      const r = BigInt(Math.floor(rnd() * 2 ** 30)) * BigInt(Math.floor(rnd() * 2 ** 30));
      const shift = BigInt(Math.floor(rnd() * bits));
      const v = (r << shift) % (1n << BigInt(bits - 1));
      return rnd() < 0.5 ? -v : v;
    };
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(rnd() * 40);
      const nulls = Array.from({ length: n }, () => rnd() < 0.2);
      const bits = t % 3 === 0 ? 256 : 128;
      // Many near-equal values: they tie in the double approximation and need the exact compare.
      const base = big(bits - 8);
      const dec = Array.from({ length: n }, () => (rnd() < 0.5 ? base + BigInt(Math.floor(rnd() * 5)) : big(bits - 8)));
      const data = arrow.makeData({
        type: new arrow.Decimal(2, 38, bits),
        length: n,
        nullBitmap: validity(nulls),
        data: decimalWords(dec, bits as 128 | 256),
      });
      const valid = dec.filter((_, i) => !nulls[i]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const st = createValueStats({ type: 'decimal', precision: 38, scale: 2 }, 'd');
      st.update(data, data.nullCount ? data.nullBitmap! : null, 0);
      const text = (v: bigint) => {
        const s = (v < 0n ? -v : v).toString().padStart(3, '0');
        return `${v < 0n ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
      };
      expect(st.min()).toBe(valid.length ? text(valid[0]) : undefined);
      expect(st.max()).toBe(valid.length ? text(valid[valid.length - 1]) : undefined);

      const longs = Array.from({ length: n }, () => BigInt.asIntN(64, big(64)));
      const ld = arrow.makeData({
        type: new arrow.Int64(),
        length: n,
        nullBitmap: validity(nulls),
        data: BigInt64Array.from(longs),
      });
      const lv = longs.filter((_, i) => !nulls[i]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const ls = createValueStats({ type: 'long' }, 'l');
      ls.update(ld, ld.nullCount ? ld.nullBitmap! : null, 0);
      expect(ls.min()).toBe(lv.length ? String(lv[0]) : undefined);
      expect(ls.max()).toBe(lv.length ? String(lv[lv.length - 1]) : undefined);
    }
  });

  it('refuses Arrow data of another type', () => {
    const ints = arrow.vectorFromArray([1, 2], new arrow.Int32()).data[0];
    expect(() => createValueStats({ type: 'long' }, 'x').update(ints, null, 0)).toThrow(SchemaMismatchError);
    expect(() => createValueStats({ type: 'string' }, 'x').update(ints, null, 0)).toThrow(/column x/);
    const ts = arrow.makeData({ type: new arrow.TimestampMicrosecond(null), length: 1, data: new BigInt64Array(1) });
    expect(() => createValueStats({ type: 'timestamp' }, 'x').update(ts, null, 0)).toThrow(SchemaMismatchError);
    const dec = arrow.makeData({ type: new arrow.Decimal(3, 10, 128), length: 1, data: new Uint32Array(4) });
    expect(() => createValueStats({ type: 'decimal', precision: 10, scale: 2 }, 'x').update(dec, null, 0)).toThrow(
      SchemaMismatchError,
    );
  });
});
