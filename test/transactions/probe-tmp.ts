import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { DeltaTable } from '@delta-serverless/core';
import { tempDir } from '../support/txn-harness.js';
import { checkAfterCrash, startCrasher } from './crash-check.js';
const dir = path.join(tempDir('probe'), 't');
const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int64()), new arrow.Field('p', new arrow.Utf8()), new arrow.Field('v', new arrow.Float64())]);
await DeltaTable.create(dir, { schema, partitionBy: ['p'], properties: { 'delta.checkpointInterval': '5' } });
let next = startCrasher({ dir, mode: 'append', run: 0 });
for (let run = 0; run < 4; run++) {
  const t0 = Date.now();
  await next.run(500);
  const t1 = Date.now();
  next = startCrasher({ dir, mode: 'append', run: run + 1 });
  const c = await checkAfterCrash(dir, 'append', { checkData: false });
  const t2 = Date.now();
  console.log('run', t1 - t0, 'check', t2 - t1, c.version);
}
