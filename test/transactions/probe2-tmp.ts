import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { DeltaTable } from '@delta-serverless/core';
import { tempDir, rows, range } from '../support/txn-harness.js';
for (const interval of ['4', '100']) {
  const dir = path.join(tempDir('probe'), 't');
  const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int64()), new arrow.Field('p', new arrow.Utf8()), new arrow.Field('v', new arrow.Float64())]);
  const t = await DeltaTable.create(dir, { schema, partitionBy: ['p'], properties: { 'delta.checkpointInterval': interval } });
  await t.append(rows([1]));
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) await t.append(rows(range(i * 100, 5), (id) => (id % 2 ? 'a' : 'b')));
  console.log(interval, ((performance.now() - t0) / 20).toFixed(1), 'ms/append');
}
