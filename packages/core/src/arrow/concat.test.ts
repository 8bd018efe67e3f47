import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SchemaMismatchError } from '../errors.js';
import { combineChunks, concatBatches, concatData, sliceBatch } from './concat.js';
import { fixtures, rowsOf } from '../../test/support/arrow-samples.js';

function batchOf(columns: Record<string, arrow.Data>): arrow.RecordBatch {
  const fields = Object.entries(columns).map(([name, d]) => new arrow.Field(name, d.type, true));
  const data = arrow.makeData({
    type: new arrow.Struct(fields),
    length: Object.values(columns)[0].length,
    nullCount: 0,
    children: Object.values(columns),
  });
  return new arrow.RecordBatch(new arrow.Schema(fields), data);
}

describe('concatData', () => {
  for (const { name, data } of fixtures()) {
    it(`reassembles sliced chunks of ${name}`, () => {
      const chunks = [data.slice(0, 3), data.slice(3, 1), data.slice(4, 0), data.slice(4, 5)];
      const out = concatData(chunks);
      expect(out.length).toBe(9);
      expect(out.offset).toBe(0);
      expect(rowsOf(out)).toEqual(rowsOf(data));
      expect(out.nullCount).toBe(rowsOf(data).filter((v) => v === null).length);
    });

    it(`appends ${name} to itself`, () => {
      const out = concatData([data.slice(5, 4), data, data.slice(1, 2)]);
      expect(rowsOf(out)).toEqual([...rowsOf(data.slice(5, 4)), ...rowsOf(data), ...rowsOf(data.slice(1, 2))]);
    });
  }

  it('merges chunks with different dictionaries by shifting indices', () => {
    const type = () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8());
    const a = arrow.vectorFromArray(['x', 'y', null, 'x'], type()).data[0];
    const b = arrow.vectorFromArray(['z', 'x', 'z'], type()).data[0];
    const out = concatData([a, b.clone(a.type)]);
    expect(rowsOf(out)).toEqual(['x', 'y', null, 'x', 'z', 'x', 'z']);
    expect(out.dictionary!.length).toBe(4);
  });

  it('keeps one dictionary when the chunks share it', () => {
    const v = arrow.vectorFromArray(['x', 'y', null, 'x'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
    const d = v.data[0];
    const out = concatData([d.slice(2, 2), d.slice(0, 2)]);
    expect(out.dictionary).toBe(d.dictionary);
    expect(rowsOf(out)).toEqual([null, 'x', 'x', 'y']);
  });

  it('refuses mixed types and empty input without a type', () => {
    const [i8, i16] = fixtures();
    expect(() => concatData([i8.data, i16.data])).toThrow(SchemaMismatchError);
    expect(() => concatData([])).toThrow(InvalidArgumentError);
    expect(concatData([], new arrow.Utf8()).length).toBe(0);
  });

  it('combines the chunks of a vector into one Data', () => {
    const v = new arrow.Vector([
      arrow.vectorFromArray([1n, 2n], new arrow.Int64()).data[0],
      arrow.vectorFromArray([null, 4n], new arrow.Int64()).data[0],
    ]);
    const data = combineChunks(v);
    expect(rowsOf(data)).toEqual(['1n', '2n', null, '4n']);
  });
});

describe('concatBatches / sliceBatch', () => {
  const fx = fixtures();
  const all = batchOf(Object.fromEntries(fx.map((f) => [f.name, f.data])));

  it('concatenates batches into single-chunk columns that survive IPC', () => {
    const parts = [sliceBatch(all, 0, 4), sliceBatch(all, 4, 0), sliceBatch(all, 4, 5), all];
    const out = concatBatches(parts);
    expect(out.numRows).toBe(18);
    const back = arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table([out])));
    expect(back.batches.length).toBe(1);
    fx.forEach((f, c) => {
      expect(out.data.children[c].offset).toBe(0);
      expect(rowsOf(back.batches[0].data.children[c]), f.name).toEqual([...rowsOf(f.data), ...rowsOf(f.data)]);
    });
  });

  it('returns a single batch as is and builds an empty batch from a schema', () => {
    expect(concatBatches([all])).toBe(all);
    const empty = concatBatches([], all.schema);
    expect(empty.numRows).toBe(0);
    expect(empty.numCols).toBe(all.numCols);
    expect(() => concatBatches([])).toThrow(InvalidArgumentError);
  });

  it('refuses batches with different column counts', () => {
    const small = batchOf({ a: fx[0].data });
    expect(() => concatBatches([all, small])).toThrow(SchemaMismatchError);
  });

  it('slices without copying and checks bounds', () => {
    const s = sliceBatch(all, 2, 3);
    expect(s.numRows).toBe(3);
    expect(rowsOf(s.data.children[2])).toEqual(rowsOf(fx[2].data).slice(2, 5));
    expect(sliceBatch(all, 0, 9)).toBe(all);
    expect(() => sliceBatch(all, 8, 2)).toThrow(InvalidArgumentError);
  });
});
