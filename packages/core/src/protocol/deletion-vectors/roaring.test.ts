import { describe, expect, it } from 'vitest';
import { CorruptDataError } from '../../errors.js';
import { parseRoaringBitmapArray, serializeRoaringBitmapArray } from './roaring.js';
import { z85Decode } from './z85.js';

const roundTrip = (rows: number[], runs = false): number[] =>
  Array.from(parseRoaringBitmapArray(serializeRoaringBitmapArray(rows, { runs })).rows);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('RoaringBitmapArray', () => {
  it('round-trips an empty set as magic + zero buckets', () => {
    const bytes = serializeRoaringBitmapArray([]);
    expect(hex(bytes)).toBe('d1d33964' + '0000000000000000');
    expect(parseRoaringBitmapArray(bytes).cardinality).toBe(0);
  });

  it('writes small sets byte-for-byte like Spark', () => {
    // Spark's bytes for rows {0, 9} (table-with-dv-small) and {0, 1, 4, 5} (cdf-table-with-dv, inline).
    expect(hex(serializeRoaringBitmapArray([9, 0]))).toBe(
      'd1d33964' + '0100000000000000' + '00000000' + '3a300000' + '01000000' + '00000100' + '10000000' + '00000900',
    );
    const spark = z85Decode('^Bg9^0rr910000000000iXQKl0rr91000935c8Xg000311onP9', 40);
    expect(hex(serializeRoaringBitmapArray([0, 1, 4, 5]))).toBe(hex(spark));
    expect(Array.from(parseRoaringBitmapArray(spark).rows)).toEqual([0, 1, 4, 5]);
  });

  it('round-trips small sets, unsorted input with duplicates', () => {
    expect(roundTrip([7, 3, 3, 65535, 65536, 1 << 20])).toEqual([3, 7, 65535, 65536, 1 << 20]);
  });

  it('uses a bitmap container above 4096 values', () => {
    const dense = Array.from({ length: 5000 }, (_, i) => i * 3); // 0..14997 in one container
    const bytes = serializeRoaringBitmapArray(dense);
    expect(bytes.length).toBe(12 + 4 + 8 + 4 + 4 + 8192);
    expect(roundTrip(dense)).toEqual(dense);
    const exactly4096 = Array.from({ length: 4096 }, (_, i) => 70000 + i * 2);
    expect(serializeRoaringBitmapArray(exactly4096).length).toBe(12 + 4 + 8 + 4 + 4 + 4096 * 2);
    expect(roundTrip(exactly4096)).toEqual(exactly4096);
    const full = Array.from({ length: 65536 }, (_, i) => 131072 + i);
    expect(roundTrip(full)).toEqual(full);
  });

  it('writes and reads run containers, with and without the offset header', () => {
    const runs = [
      ...Array.from({ length: 1000 }, (_, i) => 10 + i),
      5000,
      ...Array.from({ length: 300 }, (_, i) => 60000 + i),
    ];
    const bytes = serializeRoaringBitmapArray(runs, { runs: true });
    // cookie 12347 with 1 container: 4 + 1 flag byte + 4 header + (2 + 3 runs * 4) data; no offsets (< 4 containers)
    expect(bytes.length).toBe(12 + 4 + 4 + 1 + 4 + 2 + 12);
    expect(new DataView(bytes.buffer).getUint32(16, true)).toBe(12347);
    expect(roundTrip(runs, true)).toEqual(runs);
    // 5 containers, mixing runs and arrays: run cookie with the offset header
    const mixed = [...runs, 70000, 70005, 140000, ...Array.from({ length: 5000 }, (_, i) => 200000 + i), 300000];
    const mixedBytes = serializeRoaringBitmapArray(mixed, { runs: true });
    expect(new DataView(mixedBytes.buffer).getUint32(16, true) & 0xffff).toBe(12347);
    expect(roundTrip(mixed, true)).toEqual(mixed);
    expect(roundTrip(mixed, false)).toEqual(mixed);
  });

  it('round-trips row indexes at and beyond 2^32', () => {
    const big = [5, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 3 * 2 ** 32 + 65536 + 7, 2 ** 52 + 1];
    const bytes = serializeRoaringBitmapArray(big);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(4); // buckets 0, 1, 3, 2^20
    expect(roundTrip(big)).toEqual(big);
    expect(roundTrip(big, true)).toEqual(big);
  });

  it('refuses a wrong magic, as Spark refuses the stale PROTOCOL.md inline example', () => {
    // PROTOCOL.md "JSON Example 3" predates the portable format (big-endian magic 1681511376).
    const example = z85Decode('wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', 40);
    expect(() => parseRoaringBitmapArray(example, 'inline example')).toThrow(CorruptDataError);
    expect(() => parseRoaringBitmapArray(example, 'inline example')).toThrow(/inline example: bad bitmap magic/);
  });

  it('rejects truncated and trailing bytes', () => {
    const bytes = serializeRoaringBitmapArray([1, 2, 3]);
    expect(() => parseRoaringBitmapArray(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => parseRoaringBitmapArray(longer)).toThrow(/trailing/);
  });
});
