import { test } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { LocalStore } from '@delta-serverless/core';
import { openParquetFile } from '../../packages/core/src/parquet/reader.js';
import { tempDirs } from './helpers.js';
const newDir = tempDirs('scratch');
test('duck', async () => {
  const dir = newDir();
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run(`COPY (SELECT 1::TINYINT AS id, '2024-01-31 12:34:56.789012345'::TIMESTAMP_NS AS tns, 200::UTINYINT AS u8, 60000::USMALLINT AS u16, 4000000000::UINTEGER AS u32, 18446744073709551615::UBIGINT AS u64, 170141183460469231731687303715884105727::HUGEINT AS h, '2024-01-31 12:34:56.789'::TIMESTAMP_MS AS tms, '2024-01-31 12:34:56.789+00'::TIMESTAMPTZ AS ttz) TO '${dir}/f.parquet' (FORMAT parquet)`);
  const r = await c.runAndReadAll(`SELECT name, type, logical_type, converted_type, scale, precision FROM parquet_schema('${dir}/f.parquet')`);
  console.log(r.getRowObjects());
  const f = await openParquetFile(new LocalStore(dir), 'f.parquet');
  console.log(f.arrowSchema().fields.map((x) => `${x.name}: ${String(x.type)}`));
  for await (const b of f.readBatches()) console.log(b.toArray().map((x) => x.toJSON()));
});
