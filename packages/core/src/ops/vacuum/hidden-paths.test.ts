import { describe, expect, it } from 'vitest';
import { hiddenPathFilter } from './hidden-paths.js';

describe('hiddenPathFilter', () => {
  const hidden = hiddenPathFilter(['_p', 'a:b']);
  it.each([
    ['_delta_log/00000000000000000000.json', true],
    ['_delta_log/_sidecars/x.parquet', true],
    ['.hidden/part-0.parquet', true],
    ['x=1/.part-0.parquet.crc', true],
    ['_SUCCESS', true],
    ['_tmp/part-0.parquet', true],
    ['_other=1/part-0.parquet', true],
    ['metadata/v1.metadata.json', true],
    ['part-0.parquet', false],
    ['x=1/y=2/part-0.parquet', false],
    ['_change_data/cdc-0.parquet', false],
    ['_change_data/x=1/cdc-0.parquet', false],
    ['_p=1/part-0.parquet', false],
    ['_p=1/_SUCCESS', true],
    ['a%3Ab=1/part-0.parquet', false],
    ['deletion_vector_11111111-2222-3333-4444-555555555555.bin', false],
  ])('%s -> %s', (key, expected) => {
    expect(hidden(key)).toBe(expected);
  });
});
