import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../storage/local-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import { parseParquetFooter, readParquetMetadata } from './metadata.js';
import { bigEndianSigned, decodeStatistic, legacyStatsValid } from './stats.js';
import type { ParquetSchemaNode } from './types.js';
import { loadParquetWasm } from './wasm.js';
import { CORPUS } from '../../../../test/support/corpus.js';

const leaf = (props: Partial<ParquetSchemaNode>): ParquetSchemaNode => ({
  name: 'c',
  path: ['c'],
  repetition: 'OPTIONAL',
  maxRepetitionLevel: 0,
  children: [],
  ...props,
});
const le32 = (v: number) => new Uint8Array(Int32Array.of(v).buffer);
const le64 = (v: bigint) => new Uint8Array(BigInt64Array.of(v).buffer);

describe('decodeStatistic', () => {
  it('maps each physical/logical type to its Scalar', () => {
    expect(decodeStatistic(le32(-5), leaf({ physicalType: 'INT32' }), 'min')).toBe(-5);
    expect(decodeStatistic(le32(-5), leaf({ physicalType: 'INT32', logicalType: { type: 'DATE' } }), 'min')).toBe(-5);
    const dec32 = leaf({ physicalType: 'INT32', logicalType: { type: 'DECIMAL', precision: 9, scale: 2 } });
    expect(decodeStatistic(le32(-12345), dec32, 'min')).toBe(-12345n);
    expect(decodeStatistic(le64(-(2n ** 63n)), leaf({ physicalType: 'INT64' }), 'min')).toBe(-(2n ** 63n));
    const dec64 = leaf({ physicalType: 'INT64', convertedType: 'DECIMAL', precision: 18, scale: 6 });
    expect(decodeStatistic(le64(999999999999999999n), dec64, 'max')).toBe(999999999999999999n);
    const flba = leaf({
      physicalType: 'FIXED_LEN_BYTE_ARRAY',
      logicalType: { type: 'DECIMAL', precision: 38, scale: 0 },
    });
    expect(decodeStatistic(Uint8Array.of(0xff, 0xfe), flba, 'min')).toBe(-2n);
    expect(decodeStatistic(Uint8Array.of(1), leaf({ physicalType: 'BOOLEAN' }), 'max')).toBe(true);
    expect(decodeStatistic(new Uint8Array(Float32Array.of(1.5).buffer), leaf({ physicalType: 'FLOAT' }), 'min')).toBe(
      1.5,
    );
    expect(
      decodeStatistic(new Uint8Array(Float64Array.of(NaN).buffer), leaf({ physicalType: 'DOUBLE' }), 'min'),
    ).toBeUndefined();
    const utf8 = new TextEncoder().encode('ünï');
    expect(decodeStatistic(utf8, leaf({ physicalType: 'BYTE_ARRAY', convertedType: 'UTF8' }), 'min')).toBe('ünï');
    expect(decodeStatistic(utf8, leaf({ physicalType: 'BYTE_ARRAY' }), 'min')).toEqual(utf8);
    expect(
      decodeStatistic(utf8, leaf({ physicalType: 'BYTE_ARRAY', logicalType: { type: 'BSON' } }), 'min'),
    ).toBeUndefined();
    expect(decodeStatistic(new Uint8Array(12), leaf({ physicalType: 'INT96' }), 'min')).toBeUndefined();
  });

  it('converts timestamp units to microseconds, rounding bounds outwards', () => {
    const ts = (unit: 'MILLIS' | 'MICROS' | 'NANOS') =>
      leaf({ physicalType: 'INT64', logicalType: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit } });
    expect(decodeStatistic(le64(-7n), ts('MILLIS'), 'min')).toBe(-7000n);
    expect(decodeStatistic(le64(-7n), ts('MICROS'), 'min')).toBe(-7n);
    expect(decodeStatistic(le64(-1500n), ts('NANOS'), 'min')).toBe(-2n);
    expect(decodeStatistic(le64(-1500n), ts('NANOS'), 'max')).toBe(-1n);
    expect(decodeStatistic(le64(2500n), ts('NANOS'), 'max')).toBe(3n);
    expect(decodeStatistic(le64(5n), leaf({ physicalType: 'INT64', convertedType: 'TIMESTAMP_MILLIS' }), 'max')).toBe(
      5000n,
    );
  });

  it('gives no bound for types without a Delta Scalar (unsigned, time)', () => {
    expect(decodeStatistic(le32(-1), leaf({ physicalType: 'INT32', convertedType: 'UINT_32' }), 'min')).toBeUndefined();
    const time = leaf({ physicalType: 'INT64', logicalType: { type: 'TIME', isAdjustedToUTC: false, unit: 'MICROS' } });
    expect(decodeStatistic(le64(1n), time, 'min')).toBeUndefined();
    const u64 = leaf({ physicalType: 'INT64', logicalType: { type: 'INTEGER', bitWidth: 64, isSigned: false } });
    expect(decodeStatistic(le64(-1n), u64, 'max')).toBeUndefined();
  });

  it('trusts deprecated min/max only for signed numeric types', () => {
    expect(legacyStatsValid(leaf({ physicalType: 'INT64' }))).toBe(true);
    expect(legacyStatsValid(leaf({ physicalType: 'DOUBLE' }))).toBe(true);
    expect(legacyStatsValid(leaf({ physicalType: 'BYTE_ARRAY', convertedType: 'UTF8' }))).toBe(false);
    expect(legacyStatsValid(leaf({ physicalType: 'FIXED_LEN_BYTE_ARRAY', convertedType: 'DECIMAL' }))).toBe(false);
    expect(legacyStatsValid(leaf({ physicalType: 'INT32', convertedType: 'UINT_8' }))).toBe(false);
  });

  it('decodes big-endian two’s complement', () => {
    expect(bigEndianSigned(Uint8Array.of(0xff))).toBe(-1n);
    expect(bigEndianSigned(Uint8Array.of(0x00, 0x80))).toBe(128n);
    expect(bigEndianSigned(Uint8Array.of(0x80, 0, 0))).toBe(-8388608n);
    expect(bigEndianSigned(new Uint8Array(0))).toBe(0n);
  });
});

describe('footer parsing', () => {
  it('reads statistics of files written in other units (raw parquet-wasm, no normalization)', async () => {
    const pw = await loadParquetWasm();
    const tsVector = (type: arrow.Timestamp, values: bigint[]) =>
      arrow.makeVector(arrow.makeData({ type, length: values.length, data: BigInt64Array.from(values) }));
    const table = new arrow.Table({
      ms: tsVector(new arrow.TimestampMillisecond('UTC'), [-7n, 3n]),
      ns: tsVector(new arrow.TimestampNanosecond(), [-1500n, 2500n]),
      u: arrow.vectorFromArray([1, 4_000_000_000], new arrow.Uint32()),
      s: arrow.vectorFromArray(['b', 'a'], new arrow.Utf8()),
    });
    const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')));
    const md = parseParquetFooter(bytes);
    const cols = md.rowGroups[0]!.columns;
    expect(cols.get('ms')).toMatchObject({ min: -7000n, max: 3000n, nullCount: 0 });
    expect(cols.get('ns')).toMatchObject({ min: -2n, max: 3n });
    expect(cols.get('u')!.min).toBeUndefined();
    expect(cols.get('s')).toMatchObject({ min: 'a', max: 'b' });
    expect(md.leaves.find((l) => l.name === 'ns')!.logicalType).toEqual({
      type: 'TIMESTAMP',
      isAdjustedToUTC: false,
      unit: 'NANOS',
    });
    expect(md.keyValueMetadata.has('ARROW:schema')).toBe(true);
    expect(md.createdBy).toMatch(/parquet-rs/);
  });

  it('reads the footer with a single ranged read', async () => {
    const pw = await loadParquetWasm();
    const table = new arrow.Table({ x: arrow.makeVector(Float64Array.from({ length: 100_000 }, (_, i) => i + 1)) });
    const bytes = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')));
    const store = new MemoryStore();
    await store.put('f.parquet', bytes);
    const gets: string[] = [];
    const counting = Object.create(store) as MemoryStore;
    counting.get = async (path, range) => {
      gets.push(`${range?.start}-${range?.end}`);
      return store.get(path, range);
    };
    const md = await readParquetMetadata(counting, 'f.parquet', { size: bytes.length });
    expect(gets).toEqual([`${bytes.length - 65536}-${bytes.length}`]);
    expect(md.numRows).toBe(100_000);
    expect(md.rowGroups[0]!.columns.get('x')).toMatchObject({ min: 1, max: 100_000 });
  });

  it('exposes Parquet field ids (column mapping mode id) and nested paths of a Spark checkpoint', async () => {
    const corpus = new LocalStore(CORPUS);
    const md = await readParquetMetadata(
      corpus,
      'delta-golden/data-skipping-basic-stats-all-types-columnmapping-id/part-00000-45eafd89-d2ac-43ee-8ac3-c400d2bc828e-c000.snappy.parquet',
    );
    const asInt = md.leaves.find((l) => l.name === 'col-57160bcb-7e76-4076-bfcf-bd8f51835098')!;
    expect(asInt.fieldId).toBe(1);
    expect(asInt.physicalType).toBe('INT32');
    const cp = await readParquetMetadata(
      corpus,
      'delta-rs/delta-0.2.0/_delta_log/00000000000000000003.checkpoint.parquet',
    );
    expect(cp.int96Columns).toEqual(['commitInfo.timestamp']);
    const pv = cp.leaves.find((l) => l.path.join('.') === 'add.partitionValues.key_value.key')!;
    expect(pv.maxRepetitionLevel).toBe(1);
    expect(cp.rowGroups[0]!.columns.get('txn.version')).toMatchObject({ min: 0n, max: 0n, nullCount: 9 });
  });
});
