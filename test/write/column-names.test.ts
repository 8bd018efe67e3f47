/**
 * Column names: unique regardless of case (from the SDK, CSV or NDJSON, at any depth, and
 * when schema evolution adds one), and without column mapping free of ` ,;{}()\n\t=`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DeltaTable, InvalidArgumentError, writeDeltaTable, type StructType } from '@delta-serverless/core';
import { readInputStream } from '@delta-serverless/core/internal';
import { batch, build, commitVersions, expectError, readSorted, tempDirs, validate } from './helpers.js';

const newDir = tempDirs('names');
const nothingCommitted = (dir: string) =>
  expect(fs.existsSync(path.join(dir, '_delta_log', '00000000000000000000.json'))).toBe(false);

async function* once(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

describe('names that differ only by case are refused', () => {
  test('from the SDK', async () => {
    const dir = newDir();
    await expectError(
      () => writeDeltaTable(dir, batch({ a: build.int([1]), A: build.int([2]) })),
      InvalidArgumentError,
      '"a" and "A"',
      'regardless of case',
    );
    nothingCommitted(dir);
  });

  test('from CSV and NDJSON input', async () => {
    for (const [format, text] of [
      ['csv', 'id,ID\n1,2\n'],
      ['ndjson', '{"id":1,"ID":2}\n'],
    ] as const) {
      const dir = newDir();
      await expectError(
        () => writeDeltaTable(dir, readInputStream(once(text), { format })),
        InvalidArgumentError,
        'differ only by case',
      );
      nothingCommitted(dir);
    }
  });

  test('in a nested struct, at create', async () => {
    const dir = newDir();
    const inner: StructType = {
      type: 'struct',
      fields: ['x', 'X'].map((name) => ({ name, type: { type: 'integer' }, nullable: true, metadata: {} })),
    };
    await expectError(
      () =>
        DeltaTable.create(dir, {
          schema: { type: 'struct', fields: [{ name: 's', type: inner, nullable: true, metadata: {} }] },
        }),
      InvalidArgumentError,
      '"x" and "X" in s',
    );
    nothingCommitted(dir);
  });

  test('when schema evolution would add one beside an existing column', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([1]) }));
    await expectError(
      () => writeDeltaTable(dir, batch({ id: build.int([2]), ID: build.int([3]) }), { schemaMode: 'merge' }),
      InvalidArgumentError,
      'differ only by case',
    );
    expect(commitVersions(dir)).toEqual([0]);
  });
});

describe('names with " ,;{}()\\n\\t=" need column mapping', () => {
  test('refused without column mapping, naming it', async () => {
    for (const name of ['my col', 'a,b', 'f(x)', 'k=v', 'x;y', 'tab\there']) {
      const dir = newDir();
      await expectError(
        () => writeDeltaTable(dir, batch({ [name]: build.int([1]) })),
        InvalidArgumentError,
        JSON.stringify(name),
        'delta.columnMapping.mode',
      );
      nothingCommitted(dir);
    }
  });

  test('accepted with column mapping, and read back', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ 'my col': build.int([1]), 'k=v': build.string(['x']) }), {
      properties: { 'delta.columnMapping.mode': 'name' },
    });
    await validate(dir);
    expect(await readSorted(dir, 'my col')).toEqual([{ 'my col': 1, 'k=v': 'x' }]);
  });

  test('a table another engine wrote with such names stays writable', async () => {
    // Names already in a table are its own; only new names are checked.
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([1]) }));
    const log = path.join(dir, '_delta_log', '00000000000000000000.json');
    fs.writeFileSync(log, fs.readFileSync(log, 'utf8').replace(/\\"name\\":\\"id\\"/, '\\"name\\":\\"the id\\"'));
    const t = await DeltaTable.open(dir);
    expect(t.snapshot.schema.fields[0]!.name).toBe('the id');
    const table = arrow.tableFromArrays({ 'the id': Int32Array.from([2]) });
    await t.append(table);
    expect(commitVersions(dir)).toEqual([0, 1]);
  });
});
