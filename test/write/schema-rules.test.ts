/**
 * Tables no engine could use are refused before anything is written: partitioning by every
 * column (the data files would have no column: the Parquet writer used to fail with "produced
 * 0 rows but was given 1", leaving empty partition folders) and empty column names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DeltaTable, InvalidArgumentError, writeDeltaTable } from '@delta-serverless/core';
import { readInputStream } from '@delta-serverless/core/internal';
import { runCli as cli } from '../support/cli.js';
import { tempDirs } from './helpers.js';
import { validatedDirs } from '../support/validate-written.js';

// Every table these tests write goes through the independent validator after the test.
const newDir = validatedDirs(tempDirs('schema-rules')).dir;

const files = (dir: string) => (fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]) : []);

describe('partitioning by every column', () => {
  it('is refused up front by append (CLI and SDK) and create; no folder is left', async () => {
    const inputs = newDir();
    fs.writeFileSync(path.join(inputs, 'ab.csv'), 'a,b\n1,2\n');
    const dir = path.join(newDir(), 't');
    const r = await cli('append', dir, path.join(inputs, 'ab.csv'), '--partition-by', 'a,b');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/partitioning by every column \(a, b\) leaves the data files no column/);
    expect(files(dir)).toEqual([]);
    const data = arrow.tableFromArrays({ a: Int32Array.from([1]), b: ['x'] });
    await expect(writeDeltaTable(dir, data, { partitionBy: ['a', 'b'] })).rejects.toThrow(InvalidArgumentError);
    await expect(DeltaTable.create(dir, { schema: data.schema, partitionBy: ['b', 'a'] })).rejects.toThrow(
      /partitioning by every column/,
    );
    expect(files(dir)).toEqual([]);
    expect((await writeDeltaTable(dir, data, { partitionBy: ['b'] })).version).toBe(0);
  });
});

describe('empty column names', () => {
  it('are refused from NDJSON keys, Arrow fields and nested struct fields', async () => {
    const dir = path.join(newDir(), 't');
    const ndjson = readInputStream(
      (async function* () {
        yield Buffer.from('{"":1,"x":2}\n');
      })(),
      { format: 'ndjson', key: 'e.ndjson' },
    );
    await expect(writeDeltaTable(dir, ndjson)).rejects.toThrow(/column 1 has an empty name/);
    const top = arrow.tableFromArrays({ x: Int32Array.from([1]), '': Int32Array.from([2]) });
    await expect(writeDeltaTable(dir, top)).rejects.toThrow(/column 2 has an empty name/);
    const nested = new arrow.Table({
      s: arrow.vectorFromArray([{ '': 1 }], new arrow.Struct([new arrow.Field('', new arrow.Int32())])),
    });
    await expect(writeDeltaTable(dir, nested)).rejects.toThrow(/field 1 of s has an empty name/);
    await expect(DeltaTable.create(dir, { schema: top.schema })).rejects.toThrow(/empty name/);
    expect(files(dir)).toEqual([]);
  });
});
