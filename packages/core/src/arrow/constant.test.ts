import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Scalar } from '../protocol/scalar.js';
import { constantData, emptyBatch, nullData } from './constant.js';
import { decimalWords, fixtures, rowsOf } from '../../test/support/arrow-samples.js';

const ipc = (columns: arrow.Data[]): arrow.RecordBatch => {
  const fields = columns.map((d, i) => new arrow.Field(`c${i}`, d.type, true));
  const data = arrow.makeData({
    type: new arrow.Struct(fields),
    length: columns[0].length,
    nullCount: 0,
    children: columns,
  });
  const batch = new arrow.RecordBatch(new arrow.Schema(fields), data);
  return arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table([batch]))).batches[0];
};

describe('nullData', () => {
  for (const { name, data } of fixtures()) {
    it(`builds all-null ${name} columns`, () => {
      for (const n of [0, 1, 13]) {
        const out = nullData(data.type, n);
        expect(out.length).toBe(n);
        expect(out.nullCount).toBe(n);
        expect(rowsOf(out)).toEqual(new Array(n).fill(null));
      }
      const back = ipc([nullData(data.type, 13)]);
      expect(rowsOf(back.data.children[0])).toEqual(new Array(13).fill(null));
    });
  }

  it('builds an empty batch for any schema', () => {
    const fields = fixtures().map((f) => new arrow.Field(f.name, f.data.type, true));
    const batch = emptyBatch(new arrow.Schema(fields));
    expect(batch.numRows).toBe(0);
    expect(batch.numCols).toBe(fields.length);
    expect(arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table([batch]))).numRows).toBe(0);
  });
});

describe('constantData', () => {
  const cases: [string, arrow.DataType, Scalar, unknown][] = [
    ['int8', new arrow.Int8(), -5, -5],
    ['int16', new arrow.Int16(), 300, 300],
    ['int32', new arrow.Int32(), 2147483647, 2147483647],
    ['int64', new arrow.Int64(), -(2n ** 63n), `${-(2n ** 63n)}n`],
    ['int64 from number', new arrow.Int64(), 42, '42n'],
    ['uint64', new arrow.Uint64(), 2n ** 64n - 1n, `${2n ** 64n - 1n}n`],
    ['float32', new arrow.Float32(), 1.5, 1.5],
    ['float64 NaN', new arrow.Float64(), NaN, NaN],
    ['bool true', new arrow.Bool(), true, true],
    ['bool false', new arrow.Bool(), false, false],
    ['utf8', new arrow.Utf8(), 'héllo wörld', 'héllo wörld'],
    ['utf8 empty', new arrow.Utf8(), '', ''],
    ['largeutf8', new arrow.LargeUtf8(), 'x'.repeat(70), 'x'.repeat(70)],
    ['binary', new arrow.Binary(), Uint8Array.from([0, 255, 7]), 'bytes:0,255,7'],
    ['largebinary', new arrow.LargeBinary(), Uint8Array.from([1]), 'bytes:1'],
    ['fixedsizebinary', new arrow.FixedSizeBinary(2), Uint8Array.from([9, 8]), 'bytes:9,8'],
    ['decimal128', new arrow.Decimal(2, 38, 128), -12345n, `dec:${Array.from(decimalWords([-12345n], 128)).join(',')}`],
    [
      'decimal256',
      new arrow.Decimal(0, 76, 256),
      10n ** 70n,
      `dec:${Array.from(decimalWords([10n ** 70n], 256)).join(',')}`,
    ],
    ['date32', new arrow.DateDay(), 2932896, 2932896 * 86400000],
    ['date64', new arrow.DateMillisecond(), -1, '-86400000n'],
    ['timestamp s', new arrow.TimestampSecond(), -1n, '-1n'],
    ['timestamp ms', new arrow.TimestampMillisecond('UTC'), 1_500_999n, '1500n'],
    ['timestamp us', new arrow.TimestampMicrosecond(), 253402214400000000n, '253402214400000000n'],
    ['timestamp ns', new arrow.TimestampNanosecond('UTC'), 7n, '7000n'],
    ['time32', new arrow.TimeMillisecond(), 1000, 1000],
    ['time64', new arrow.TimeMicrosecond(), 5n, '5n'],
  ];
  for (const [name, type, value, expected] of cases) {
    it(`repeats a ${name} value`, () => {
      const out = constantData(type, value, 5);
      expect(out.length).toBe(5);
      expect(out.nullCount).toBe(0);
      expect(rowsOf(out)).toEqual(new Array(5).fill(expected));
      expect(rowsOf(ipc([out]).data.children[0])).toEqual(new Array(5).fill(expected));
    });
  }

  it('repeats a value inside a dictionary with one entry', () => {
    const out = constantData(new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()), 'p=1', 4);
    expect(out.dictionary!.length).toBe(1);
    expect(rowsOf(out)).toEqual(['p=1', 'p=1', 'p=1', 'p=1']);
  });

  it('turns a null value into a null column, also for nested types', () => {
    const struct = fixtures().find((f) => f.name === 'struct_of_list_of_map')!.data.type;
    expect(rowsOf(constantData(struct, null, 3))).toEqual([null, null, null]);
    expect(rowsOf(constantData(new arrow.Utf8(), null, 2))).toEqual([null, null]);
  });

  it('handles zero rows and large row counts', () => {
    expect(constantData(new arrow.Utf8(), 'abc', 0).length).toBe(0);
    const big = constantData(new arrow.Utf8(), 'abc', 100_000);
    expect((big.valueOffsets as Int32Array)[100_000]).toBe(300_000);
    expect(arrow.makeVector(big).get(99_999)).toBe('abc');
  });

  it('rejects values that do not fit the type', () => {
    expect(() => constantData(new arrow.Int32(), 'x', 1)).toThrow(InvalidArgumentError);
    expect(() => constantData(new arrow.Int8(), 300, 1)).toThrow(InvalidArgumentError);
    expect(() => constantData(new arrow.Int64(), 1.5, 1)).toThrow(InvalidArgumentError);
    expect(() => constantData(new arrow.Bool(), 1, 1)).toThrow(InvalidArgumentError);
    expect(() => constantData(new arrow.FixedSizeBinary(3), Uint8Array.from([1]), 1)).toThrow(InvalidArgumentError);
    const list = new arrow.List(new arrow.Field('item', new arrow.Int32()));
    expect(() => constantData(list, 1, 1)).toThrow(InvalidArgumentError);
  });
});
