import { describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { DeltaTable, writeDeltaTable, batchToRows } from '@delta-serverless/core';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ds-smoke-'));
}

describe('write smoke', () => {
  test('create on first write, append, overwrite, read back', async () => {
    const dir = tmp();
    const t1 = arrow.tableFromArrays({ id: BigInt64Array.from([1n, 2n, 3n]), country: ['NZ', 'AU', 'NZ'], v: Float64Array.from([1.5, 2.5, 3.5]) });
    const r1 = await writeDeltaTable(dir, t1, { partitionBy: ['country'] });
    expect(r1.created).toBe(true);
    expect(r1.version).toBe(0);
    const table = await DeltaTable.open(dir);
    const r2 = await table.append(t1);
    expect(r2.version).toBe(1);
    const out = await table.toArrow();
    expect(out.numRows).toBe(6);
    const rows = batchToRows(out.batches[0]!, table.snapshot.schema);
    console.log(rows, fs.readdirSync(dir), fs.readFileSync(path.join(dir, '_delta_log/00000000000000000001.json'), 'utf8'));
    const r3 = await table.overwrite(t1, { replaceWhere: "country = 'NZ'", partitionBy: undefined } as never).catch((e) => e);
    console.log(r3 instanceof Error ? r3.message : r3.metrics);
    const filtered = await table.toArrow({ filter: "country = 'AU'" });
    expect(filtered.numRows).toBe(2);
    console.log(await table.history());
  });
});
