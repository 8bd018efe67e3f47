import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { uuidToZ85, z85Decode, z85Encode, z85ToUuid } from './z85.js';

describe('z85', () => {
  it('matches the RFC 32 test vector', () => {
    const bytes = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    expect(z85Encode(bytes)).toBe('HelloWorld');
    expect(Array.from(z85Decode('HelloWorld'))).toEqual(Array.from(bytes));
  });

  it('round-trips random bytes, including the extremes', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) & 0xff;
    for (const len of [0, 4, 8, 64, 400]) {
      const bytes = Uint8Array.from({ length: len }, rnd);
      const text = z85Encode(bytes);
      expect(text).toHaveLength((len / 4) * 5);
      expect(Array.from(z85Decode(text))).toEqual(Array.from(bytes));
    }
    const ff = new Uint8Array(8).fill(0xff);
    expect(z85Encode(ff)).toBe('%nSc0%nSc0');
    expect(Array.from(z85Decode('%nSc0%nSc0'))).toEqual(Array.from(ff));
  });

  it('pads a short tail with zeros and trims it again on decode with a length', () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const text = z85Encode(bytes);
    expect(text).toHaveLength(10);
    expect(Array.from(z85Decode(text))).toEqual([1, 2, 3, 4, 5, 6, 0, 0]);
    expect(Array.from(z85Decode(text, 6))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("decodes the z85 crate's '#'-padded tail (corpus: cdf-table-with-dv v5)", () => {
    // Two tail bytes [03, 00] written as '##' + 3 digits; Spark's decoder would wrap instead.
    expect(Array.from(z85Decode('HelloWorld##093'))).toEqual([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b, 3, 0]);
    expect(Array.from(z85Decode('#0000'))).toEqual([0, 0, 0]);
    expect(Array.from(z85Decode('###1a'))).toEqual([95]);
  });

  it('rejects bad input', () => {
    expect(() => z85Decode('Hell')).toThrow(InvalidArgumentError);
    expect(() => z85Decode('Hell"')).toThrow(/invalid Z85 character/);
    expect(() => z85Decode('%nSc1')).toThrow(/exceeds 32 bits/); // 2^32
    expect(() => z85Decode('###%%')).toThrow(/exceeds 8 bits/);
    expect(() => z85Decode('HelloWorld', 3)).toThrow(InvalidArgumentError);
  });

  it('converts UUIDs as Delta names DV files (corpus: table-with-dv-small)', () => {
    // _delta_log says "vBn[lx{q8@P<9BNH/isA"; the file is deletion_vector_61d16c75-....bin
    expect(z85ToUuid('vBn[lx{q8@P<9BNH/isA')).toBe('61d16c75-6994-46b7-a15b-8b538852e50e');
    expect(uuidToZ85('61d16c75-6994-46b7-a15b-8b538852e50e')).toBe('vBn[lx{q8@P<9BNH/isA');
    // PROTOCOL.md example 1: prefix "ab" + UUID d2c639aa-...
    expect(z85ToUuid('^-aqEH.-t@S}K{vb[*k^')).toBe('d2c639aa-8816-431a-aaf6-d3fe2512ff61');
    expect(() => uuidToZ85('not-a-uuid')).toThrow(InvalidArgumentError);
  });
});
