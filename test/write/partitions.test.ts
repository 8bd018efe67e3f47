/**
 * Partitioned writes: every partition type incl. null, hostile values (Hive escaping of the
 * directory, URI encoding of add.path), files where the log says, values round-tripping,
 * multi-level partitions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable, type JsonValue } from '@delta-serverless/core';
import {
  actionsOf,
  batch,
  build,
  dataFiles,
  readSorted,
  statsOf,
  tempDirs,
  validate,
  type AddAction,
} from './helpers.js';

const newDir = tempDirs('partitions');
const enc = new TextEncoder();

interface Case {
  type: string;
  /** Column data: [v1, v2, null, v1] (rows 0..3). */
  column: arrow.Data;
  /** add.partitionValues strings of v1 and v2. */
  values: [string, string];
  /** Directory names (after `p=`) of v1 and v2. */
  dirs: [string, string];
  /** add.path prefixes (after `p=`) of v1 and v2. */
  paths: [string, string];
  /** Read-back (corpus encoding) of v1 and v2. */
  read: [JsonValue, JsonValue];
}

const CASES: Case[] = [
  {
    type: 'string',
    column: build.string(['NZ', 'AU', null, 'NZ']),
    values: ['NZ', 'AU'],
    dirs: ['NZ', 'AU'],
    paths: ['NZ', 'AU'],
    read: ['NZ', 'AU'],
  },
  {
    type: 'integer',
    column: build.int([5, -2147483648, null, 5]),
    values: ['5', '-2147483648'],
    dirs: ['5', '-2147483648'],
    paths: ['5', '-2147483648'],
    read: [5, -2147483648],
  },
  {
    type: 'long',
    column: build.long([2n ** 63n - 1n, -1n, null, 2n ** 63n - 1n]),
    values: ['9223372036854775807', '-1'],
    dirs: ['9223372036854775807', '-1'],
    paths: ['9223372036854775807', '-1'],
    read: ['9223372036854775807', -1],
  },
  {
    type: 'short',
    column: build.short([-32768, 7, null, -32768]),
    values: ['-32768', '7'],
    dirs: ['-32768', '7'],
    paths: ['-32768', '7'],
    read: [-32768, 7],
  },
  {
    type: 'byte',
    column: build.byte([-128, 127, null, -128]),
    values: ['-128', '127'],
    dirs: ['-128', '127'],
    paths: ['-128', '127'],
    read: [-128, 127],
  },
  {
    type: 'boolean',
    column: build.bool([true, false, null, true]),
    values: ['true', 'false'],
    dirs: ['true', 'false'],
    paths: ['true', 'false'],
    read: [true, false],
  },
  {
    type: 'date',
    column: build.date([19753, -1, null, 19753]),
    values: ['2024-01-31', '1969-12-31'],
    dirs: ['2024-01-31', '1969-12-31'],
    paths: ['2024-01-31', '1969-12-31'],
    read: ['2024-01-31', '1969-12-31'],
  },
  {
    type: 'timestamp',
    column: build.timestamp([1706704496789012n, -1n, null, 1706704496789012n]),
    values: ['2024-01-31T12:34:56.789012Z', '1969-12-31T23:59:59.999999Z'],
    dirs: ['2024-01-31T12%3A34%3A56.789012Z', '1969-12-31T23%3A59%3A59.999999Z'],
    paths: ['2024-01-31T12%253A34%253A56.789012Z', '1969-12-31T23%253A59%253A59.999999Z'],
    read: ['2024-01-31T12:34:56.789012Z', '1969-12-31T23:59:59.999999Z'],
  },
  {
    type: 'timestamp_ntz',
    column: build.timestampNtz([1706704496789012n, -1n, null, 1706704496789012n]),
    values: ['2024-01-31 12:34:56.789012', '1969-12-31 23:59:59.999999'],
    dirs: ['2024-01-31 12%3A34%3A56.789012', '1969-12-31 23%3A59%3A59.999999'],
    paths: ['2024-01-31%2012%253A34%253A56.789012', '1969-12-31%2023%253A59%253A59.999999'],
    read: ['2024-01-31T12:34:56.789012', '1969-12-31T23:59:59.999999'],
  },
  {
    type: 'decimal',
    column: build.decimal(10, 2, [12345n, -5n, null, 12345n]),
    values: ['123.45', '-0.05'],
    dirs: ['123.45', '-0.05'],
    paths: ['123.45', '-0.05'],
    read: ['123.45', '-0.05'],
  },
  {
    type: 'double',
    column: build.double([1.5, -0.25, null, 1.5]),
    values: ['1.5', '-0.25'],
    dirs: ['1.5', '-0.25'],
    paths: ['1.5', '-0.25'],
    read: [1.5, -0.25],
  },
  {
    type: 'binary',
    column: build.binary([enc.encode('abc'), enc.encode('x/y'), null, enc.encode('abc')]),
    values: ['abc', 'x/y'],
    dirs: ['abc', 'x%2Fy'],
    paths: ['abc', 'x%252Fy'],
    read: ['616263', '782f79'],
  },
];

const fileName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

describe('partition column types (incl. null)', () => {
  test.each(CASES.map((c) => [c.type, c] as const))('%s', async (_, c) => {
    const dir = newDir();
    await writeDeltaTable(
      dir,
      batch({ id: build.int([0, 1, 2, 3]), p: c.column, v: build.string(['a', 'b', 'c', 'd']) }),
      { partitionBy: ['p'] },
    );
    await validate(dir);

    const t = await DeltaTable.open(dir);
    expect(t.snapshot.partitionColumns).toEqual(['p']);
    expect(t.snapshot.schema.fields.find((f) => f.name === 'p')!.type.type).toBe(c.type);

    const adds = actionsOf<AddAction>(dir, 0, 'add');
    expect(adds).toHaveLength(3);
    const byValue = new Map(adds.map((a) => [a.partitionValues.p ?? null, a]));
    expect([...byValue.keys()].sort()).toEqual([...c.values, null].sort());
    expect(Object.keys(adds[0]!.partitionValues)).toEqual(['p']);

    const expectations: [string | null, string, string, number][] = [
      [c.values[0], `p=${c.dirs[0]}`, `p=${c.paths[0]}`, 2],
      [c.values[1], `p=${c.dirs[1]}`, `p=${c.paths[1]}`, 1],
      [null, 'p=__HIVE_DEFAULT_PARTITION__', 'p=__HIVE_DEFAULT_PARTITION__', 1],
    ];
    for (const [value, dirName, pathPrefix, rows] of expectations) {
      const add = byValue.get(value)!;
      expect(add.path).toBe(`${pathPrefix}/${fileName(add.path)}`);
      expect(
        fs.existsSync(path.join(dir, dirName, fileName(add.path))),
        `${dirName}/${fileName(add.path)} exists`,
      ).toBe(true);
      expect(fs.statSync(path.join(dir, dirName, fileName(add.path))).size).toBe(add.size);
      const st = statsOf(add);
      expect(st.numRecords).toBe(rows);
      expect(st.nullCount).toEqual({ id: 0, v: 0 }); // partition columns have no stats
    }
    // Nothing else on disk.
    expect(dataFiles(dir)).toEqual(expectations.map(([v, d]) => `${d}/${fileName(byValue.get(v)!.path)}`).sort());

    expect(await readSorted(dir, 'id')).toEqual([
      { id: 0, p: c.read[0], v: 'a' },
      { id: 1, p: c.read[1], v: 'b' },
      { id: 2, p: null, v: 'c' },
      { id: 3, p: c.read[0], v: 'd' },
    ]);
    // Partition pruning on the null partition and on a value.
    const nulls = await t.toArrow({ filter: 'p IS NULL' });
    expect(nulls.numRows).toBe(1);
    const notNull = await t.toArrow({ filter: 'p IS NOT NULL' });
    expect(notNull.numRows).toBe(3);
  });
});

describe('partition values the spec spells out', () => {
  test('binary values are one character per byte (0xFF survives), and read back byte for byte', async () => {
    const dir = newDir();
    const bytes = [Uint8Array.of(0x01, 0xff, 0x80), Uint8Array.of(0xc3), Uint8Array.of(0x61, 0x62)];
    await writeDeltaTable(dir, batch({ id: build.int([0, 1, 2]), p: build.binary(bytes) }), { partitionBy: ['p'] });
    await validate(dir);
    const values = actionsOf<AddAction>(dir, 0, 'add').map((a) => a.partitionValues.p);
    expect(values.sort()).toEqual(['\u0001\u00ff\u0080', '\u00c3', 'ab'].sort());
    expect(await readSorted(dir, 'id')).toEqual([
      { id: 0, p: '01ff80' },
      { id: 1, p: 'c3' },
      { id: 2, p: '6162' },
    ]);
    const t = await DeltaTable.open(dir);
    expect((await t.toArrow({ filter: "p = X'01FF80'" })).numRows).toBe(1);
  });

  test('a double -0.0 is written "-0.0" and reads back as -0.0', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([0]), p: build.double([-0]) }), { partitionBy: ['p'] });
    await validate(dir);
    expect(actionsOf<AddAction>(dir, 0, 'add').map((a) => a.partitionValues.p)).toEqual(['-0.0']);
    const rows = await (await DeltaTable.open(dir)).toArrow();
    expect(Object.is(rows.getChild('p')!.get(0), -0)).toBe(true);
  });
});

describe('hostile partition values', () => {
  const values = ['a=b', 'x/y', '11:11', '%', ' ', 'ünï 日本', '..', 'a%20b', 'q?#[]', 'back\\slash', "it's"];
  const dirs = [
    'a%3Db',
    'x%2Fy',
    '11%3A11',
    '%25',
    ' ',
    'ünï 日本',
    '..',
    'a%2520b',
    'q%3F%23%5B%5D',
    'back%5Cslash',
    'it%27s',
  ];

  test('directories are Hive-escaped, add.path is URI-encoded, values round-trip', async () => {
    const dir = newDir();
    const n = values.length;
    await writeDeltaTable(dir, batch({ id: build.int(values.map((_, i) => i)), p: build.string(values) }), {
      partitionBy: ['p'],
    });
    await validate(dir);

    const adds = actionsOf<AddAction>(dir, 0, 'add');
    expect(adds).toHaveLength(n);
    const expectedFiles: string[] = [];
    values.forEach((v, i) => {
      const add = adds.find((a) => a.partitionValues.p === v);
      expect(add, `add for ${JSON.stringify(v)}`).toBeDefined();
      const dirName = `p=${dirs[i]}`;
      // add.path is the directory name as a URI: decoding gives the directory back exactly.
      expect(decodeURIComponent(add!.path)).toBe(`${dirName}/${fileName(add!.path)}`);
      expect(fs.existsSync(path.join(dir, dirName, fileName(add!.path))), `${dirName} exists`).toBe(true);
      expectedFiles.push(`${dirName}/${fileName(add!.path)}`);
    });
    // The exact URI encodings of the ASCII cases (Hive %XX escaped again as %25XX).
    const pathOf = (v: string) => adds.find((a) => a.partitionValues.p === v)!.path;
    expect(pathOf('11:11')).toMatch(/^p=11%253A11\/part-[^/]+\.parquet$/);
    expect(pathOf('a=b')).toMatch(/^p=a%253Db\//);
    expect(pathOf('x/y')).toMatch(/^p=x%252Fy\//);
    expect(pathOf('%')).toMatch(/^p=%2525\//);
    expect(pathOf(' ')).toMatch(/^p=%20\//);
    expect(pathOf('..')).toMatch(/^p=\.\.\//);
    expect(pathOf('a%20b')).toMatch(/^p=a%252520b\//);
    expect(dataFiles(dir)).toEqual(expectedFiles.sort());

    const rows = await readSorted(dir, 'id');
    expect(rows).toEqual(values.map((v, i) => ({ id: i, p: v })));
    const t = await DeltaTable.open(dir);
    for (const v of ['11:11', '%', 'x/y', "it's"]) {
      const hit = await t.toArrow({ filter: `p = '${v.replace(/'/g, "''")}'` });
      expect(hit.numRows, v).toBe(1);
    }
  });

  test('a partition column whose name needs escaping', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ 'my%col:1': build.string(['x', 'y']), v: build.int([1, 2]) }), {
      partitionBy: ['my%col:1'],
    });
    await validate(dir);
    const adds = actionsOf<AddAction>(dir, 0, 'add');
    expect(
      adds.map((a) => a.partitionValues).sort((a, b) => String(a['my%col:1']).localeCompare(String(b['my%col:1']))),
    ).toEqual([{ 'my%col:1': 'x' }, { 'my%col:1': 'y' }]);
    expect(dataFiles(dir).map((f) => f.slice(0, f.indexOf('/')))).toEqual(['my%25col%3A1=x', 'my%25col%3A1=y']);
    expect(adds.every((a) => a.path.startsWith('my%2525col%253A1='))).toBe(true);
    expect(await readSorted(dir, 'v')).toEqual([
      { 'my%col:1': 'x', v: 1 },
      { 'my%col:1': 'y', v: 2 },
    ]);
  });

  test('an empty string partition value is stored as null (as Spark does)', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ id: build.int([0, 1, 2]), p: build.string(['', null, 'x']) }), {
      partitionBy: ['p'],
    });
    await validate(dir);
    const adds = actionsOf<AddAction>(dir, 0, 'add');
    // '' and null are the same partition: one file in __HIVE_DEFAULT_PARTITION__ with a null value.
    expect(adds.map((a) => a.partitionValues.p ?? '<null>').sort()).toEqual(['<null>', 'x']);
    expect(adds.find((a) => a.partitionValues.p !== 'x')!.partitionValues).toEqual({ p: null });
    expect(dataFiles(dir).map((f) => f.slice(0, f.indexOf('/')))).toEqual(['p=__HIVE_DEFAULT_PARTITION__', 'p=x']);
    expect(await readSorted(dir, 'id')).toEqual([
      { id: 0, p: null },
      { id: 1, p: null },
      { id: 2, p: 'x' },
    ]);
  });
});

describe('multi-level partitions', () => {
  test('two levels with nulls, appended over two commits', async () => {
    const dir = newDir();
    const b1 = batch({
      country: build.string(['NZ', 'NZ', 'AU', 'AU', null]),
      day: build.date([19753, 19754, 19753, null, 19753]),
      amount: build.long([1n, 2n, 3n, 4n, 5n]),
    });
    await writeDeltaTable(dir, b1, { partitionBy: ['country', 'day'] });
    const b2 = batch({
      country: build.string(['NZ', 'US']),
      day: build.date([19753, 0]),
      amount: build.long([6n, 7n]),
    });
    const t = await DeltaTable.open(dir);
    await t.append(b2);
    await validate(dir);

    expect(t.snapshot.partitionColumns).toEqual(['country', 'day']);
    const adds = [...actionsOf<AddAction>(dir, 0, 'add'), ...actionsOf<AddAction>(dir, 1, 'add')];
    expect(adds).toHaveLength(7);
    const dirsInLog = adds.map((a) => decodeURIComponent(a.path.slice(0, a.path.lastIndexOf('/')))).sort();
    expect(dirsInLog).toEqual([
      'country=AU/day=2024-01-31',
      'country=AU/day=__HIVE_DEFAULT_PARTITION__',
      'country=NZ/day=2024-01-31',
      'country=NZ/day=2024-01-31',
      'country=NZ/day=2024-02-01',
      'country=US/day=1970-01-01',
      'country=__HIVE_DEFAULT_PARTITION__/day=2024-01-31',
    ]);
    for (const a of adds) {
      expect(Object.keys(a.partitionValues)).toEqual(['country', 'day']);
      expect(fs.existsSync(path.join(dir, decodeURIComponent(a.path)))).toBe(true);
    }
    expect(adds.find((a) => a.partitionValues.country === null)!.partitionValues).toEqual({
      country: null,
      day: '2024-01-31',
    });
    expect(adds.find((a) => a.partitionValues.day === null)!.partitionValues).toEqual({ country: 'AU', day: null });

    expect(await readSorted(dir, 'amount')).toEqual([
      { country: 'NZ', day: '2024-01-31', amount: 1 },
      { country: 'NZ', day: '2024-02-01', amount: 2 },
      { country: 'AU', day: '2024-01-31', amount: 3 },
      { country: 'AU', day: null, amount: 4 },
      { country: null, day: '2024-01-31', amount: 5 },
      { country: 'NZ', day: '2024-01-31', amount: 6 },
      { country: 'US', day: '1970-01-01', amount: 7 },
    ]);
    const nz = await t.toArrow({ filter: "country = 'NZ' AND day = DATE '2024-01-31'" });
    expect(nz.numRows).toBe(2);
  });

  test('partitionBy on an existing table must match', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch({ a: build.string(['x']), b: build.int([1]) }), { partitionBy: ['a'] });
    const err = await writeDeltaTable(dir, batch({ a: build.string(['x']), b: build.int([1]) }), {
      partitionBy: ['b'],
    }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('partitioned by [a], not [b]');
    await validate(dir);
  });

  test('a partition column must be primitive and exist', async () => {
    const dir = newDir();
    const e1 = await writeDeltaTable(dir, batch({ a: build.int([1]) }), { partitionBy: ['nope'] }).catch(
      (e: unknown) => e,
    );
    expect((e1 as Error).message).toContain('partition column nope is not in the data');
    expect(fs.existsSync(path.join(dir, '_delta_log'))).toBe(false);
  });
});
