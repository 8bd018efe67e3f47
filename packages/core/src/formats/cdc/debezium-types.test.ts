import { mulberry32 as rng } from '../../../test/support/prng.js';
import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  decodeConnectDecimal,
  decodeSemantic,
  isoFromMicros,
  semanticDecoders,
  semanticHints,
} from './debezium-types.js';

/** Kafka Connect's encoding of an unscaled value: BigInteger.toByteArray (two's complement, big-endian), base64. */
const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

const wrapper = (fields: object[]) => ({
  type: 'struct',
  fields: [
    { field: 'before', type: 'struct', optional: true, fields },
    { field: 'after', type: 'struct', optional: true, fields },
    { field: 'op', type: 'string' },
  ],
});

/** DuckDB prints `2023-11-14 22:13:20.1234` (trailing zeros dropped); ours is ISO with a zone. */
const norm = (s: string) => {
  const t = s.replace('T', ' ').replace(/Z$/, '');
  return t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t;
};

describe('Debezium semantic types', () => {
  it('decodes Connect decimals (hand-computed)', () => {
    expect(decodeConnectDecimal(b64([0x30, 0x39]), 2)).toBe('123.45'); // 12345
    expect(decodeConnectDecimal(b64([0xcf, 0xc7]), 2)).toBe('-123.45'); // -12345
    expect(decodeConnectDecimal(b64([0x01]), 3)).toBe('0.001');
    expect(decodeConnectDecimal(b64([0xff]), 3)).toBe('-0.001');
    expect(decodeConnectDecimal(b64([0x00, 0x80]), 0)).toBe('128');
    expect(decodeConnectDecimal(b64([0x80]), 0)).toBe('-128');
    expect(decodeConnectDecimal(b64([]), 2)).toBe('0.00');
    // 2^70 + 1 = 1180591620717411303425, 9 bytes
    expect(decodeConnectDecimal(b64([0x40, 0, 0, 0, 0, 0, 0, 0, 0x01]), 4)).toBe('118059162071741130.3425');
  });

  it('agrees with DuckDB on random decimals, dates and timestamps', async () => {
    const next = rng(41);
    const duck = await DuckDBInstance.create(':memory:', { threads: '1' });
    const c = await duck.connect();
    const one = async (sql: string) => String((await c.runAndReadAll(sql)).getRows()[0]![0]);
    for (let i = 0; i < 150; i++) {
      // A 64-bit unscaled value written by Node's own two's-complement writer, any scale.
      const unscaled =
        (BigInt(Math.floor(next() * 2 ** 31)) << 32n) * (next() < 0.5 ? -1n : 1n) +
        BigInt(Math.floor(next() * 2 ** 32));
      const scale = Math.floor(next() * 19);
      const buf = Buffer.alloc(8);
      buf.writeBigInt64BE(unscaled);
      const duckDecimal = await one(`SELECT CAST('${unscaled}e-${scale}' AS DECIMAL(38,${scale}))::VARCHAR`);
      expect(decodeConnectDecimal(buf.toString('base64'), scale)).toBe(duckDecimal);
      const days = Math.floor((next() - 0.5) * 2 * 200_000);
      expect(isoFromMicros(BigInt(days) * 86_400_000_000n, false).slice(0, 10)).toBe(
        await one(`SELECT (DATE '1970-01-01' + ${days})::VARCHAR`),
      );
      const us = BigInt(Math.floor((next() - 0.3) * 4e15));
      expect(norm(isoFromMicros(us, true))).toBe(norm(await one(`SELECT make_timestamp(${us}::BIGINT)::VARCHAR`)));
    }
    c.closeSync();
    duck.closeSync();
  });

  it('decodes the row fields the wrapper schema names, into the target column kinds', () => {
    const schema = wrapper([
      { field: 'id', type: 'int32' },
      {
        field: 'price',
        type: 'bytes',
        name: 'org.apache.kafka.connect.data.Decimal',
        parameters: { scale: '2', 'connect.decimal.precision': '10' },
      },
      { field: 'amount', type: 'struct', name: 'io.debezium.data.VariableScaleDecimal' },
      { field: 'born', type: 'int32', name: 'io.debezium.time.Date' },
      { field: 'd2', type: 'int32', name: 'org.apache.kafka.connect.data.Date' },
      { field: 'ms', type: 'int64', name: 'io.debezium.time.Timestamp' },
      { field: 'k', type: 'int64', name: 'org.apache.kafka.connect.data.Timestamp' },
      { field: 'us', type: 'int64', name: 'io.debezium.time.MicroTimestamp' },
      { field: 'ns', type: 'int64', name: 'io.debezium.time.NanoTimestamp' },
      { field: 'zoned', type: 'string', name: 'io.debezium.time.ZonedTimestamp' },
    ]);
    const target = new arrow.Schema([new arrow.Field('us', new arrow.TimestampMicrosecond(), true)]); // timestamp_ntz
    const row: Record<string, unknown> = {
      id: 1,
      price: b64([0x30, 0x39]),
      amount: { scale: 3, value: b64([0xcf, 0xc7]) },
      born: 19700,
      d2: -1,
      ms: 1700000000123,
      k: 0,
      us: 1700000000123456,
      ns: 1700000000123456789n,
      zoned: '2023-11-14T22:13:20.5+01:00',
    };
    decodeSemantic(row, semanticDecoders(schema, target));
    expect(row).toEqual({
      id: 1,
      price: '123.45',
      amount: '-12.345',
      born: '2023-12-09',
      d2: '1969-12-31',
      ms: '2023-11-14T22:13:20.123000Z',
      k: '1970-01-01T00:00:00.000000Z',
      us: '2023-11-14T22:13:20.123456', // the table column is timestamp_ntz
      ns: '2023-11-14T22:13:20.123456Z',
      zoned: '2023-11-14T22:13:20.5+01:00',
    });
    const hints = semanticHints(schema);
    expect(hints.map((f) => f.name)).toEqual(['id', 'price', 'amount', 'born', 'd2', 'ms', 'k', 'us', 'ns', 'zoned']);
    const price = hints[1]!.type as arrow.Decimal;
    expect([price.precision, price.scale]).toEqual([10, 2]);
    expect(hints.slice(3).map((f) => f.type.typeId)).toEqual([
      ...[arrow.Type.Date, arrow.Type.Date],
      ...Array<arrow.Type>(5).fill(arrow.Type.Timestamp),
    ]);
  });
});
