/**
 * The read commands of the CLI (`scan`, `history`, `describe`) run in-process through
 * `main(argv, io)`: exact output on corpus tables and on tables written here, exit codes
 * and one-line errors.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli as run } from '../support/cli.js';
import { writeDeltaTable } from '@delta-serverless/core';
import { CORPUS } from '../support/corpus.js';
import { validatedDirs } from '../support/validate-written.js';

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

// Every table these tests write goes through the independent validator after the test.
const tempDir = validatedDirs(newTempDir).dir;

function newTempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-'));
  temps.push(d);
  return d;
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

interface Expected {
  version: number;
  columns: { name: string }[];
  rows: unknown[][];
  otherVersions?: Record<string, { rows: unknown[][] }>;
}

function expectedOf(rel: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(CORPUS, `${rel}.expected.json`), 'utf8')) as Expected;
}

function sorted<T>(rows: readonly T[]): T[] {
  return [...rows]
    .map((r) => JSON.stringify(r))
    .sort()
    .map((s) => JSON.parse(s) as T);
}

/** ndjson objects -> arrays in the expected column order (checks every row has exactly those keys). */
function asRows(ndjson: string, columns: readonly string[]): unknown[][] {
  return lines(ndjson).map((l) => {
    const obj = JSON.parse(l) as Record<string, unknown>;
    expect(Object.keys(obj)).toEqual(columns);
    return columns.map((c) => obj[c]);
  });
}

describe('scan --format ndjson prints the corpus encoding', () => {
  const tables = [
    'dat/basic_partitioned',
    'delta-golden/data-reader-primitives',
    'delta-golden/basic-decimal-table',
    'delta-golden/data-reader-nested-struct',
    'delta-golden/data-reader-map',
    'delta-golden/data-reader-array-primitives',
    'delta-golden/data-reader-timestamp_ntz',
    'delta-golden/table-with-columnmapping-mode-name',
    'delta-kernel-rs/table-with-dv-small',
  ];
  test.each(tables)('%s', async (rel) => {
    const expected = expectedOf(rel);
    const r = await run('scan', path.join(CORPUS, rel), '--format', 'ndjson');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const columns = expected.columns.map((c) => c.name);
    expect(sorted(asRows(r.out, columns))).toEqual(sorted(expected.rows));
  });
});

describe('scan options', () => {
  const basic = path.join(CORPUS, 'dat/basic_partitioned');

  test('--columns: only those keys, in that order', async () => {
    const r = await run('scan', basic, '--format', 'ndjson', '--columns', 'number,letter');
    expect(r.code).toBe(0);
    const expected = expectedOf('dat/basic_partitioned').rows.map((row) => [row[1], row[0]]);
    expect(sorted(asRows(r.out, ['number', 'letter']))).toEqual(sorted(expected));
  });

  test('--where filters rows (SQL-like)', async () => {
    const r = await run('scan', basic, '--format', 'ndjson', '--where', "letter = 'a' OR number >= 5");
    expect(r.code).toBe(0);
    const expected = expectedOf('dat/basic_partitioned').rows.filter(
      (row) => row[0] === 'a' || (row[1] as number) >= 5,
    );
    expect(expected.length).toBeGreaterThan(1);
    expect(sorted(asRows(r.out, ['letter', 'number', 'a_float']))).toEqual(sorted(expected));
  });

  test('--where on the null partition', async () => {
    const r = await run('scan', basic, '--format', 'ndjson', '--where', 'letter IS NULL', '--columns', 'letter,number');
    const expected = expectedOf('dat/basic_partitioned')
      .rows.filter((row) => row[0] === null)
      .map((row) => [row[0], row[1]]);
    expect(expected).toHaveLength(1);
    expect(asRows(r.out, ['letter', 'number'])).toEqual(expected);
  });

  test('--limit stops after n rows', async () => {
    const r = await run(
      'scan',
      path.join(CORPUS, 'delta-golden/basic-with-inserts-overwrite-restore'),
      '--format',
      'ndjson',
      '--limit',
      '7',
    );
    expect(r.code).toBe(0);
    expect(lines(r.out)).toHaveLength(7);
    const zero = await run('scan', basic, '--format', 'ndjson', '--limit', '0');
    expect(zero.out).toBe('');
  });

  test('--version reads an older version', async () => {
    const rel = 'delta-rs/simple_table';
    const r = await run('scan', path.join(CORPUS, rel), '--format', 'ndjson', '--version', '0');
    expect(r.code).toBe(0);
    expect(sorted(asRows(r.out, ['id']))).toEqual(sorted(expectedOf(rel).otherVersions!.v0!.rows));
    const latest = await run('scan', path.join(CORPUS, rel), '--format', 'ndjson');
    expect(sorted(asRows(latest.out, ['id']))).toEqual([[5], [7], [9]]);
  });

  test('--format csv: header, quoting of commas, quotes and newlines, empty cells for null', async () => {
    const dir = tempDir();
    await writeDeltaTable(
      dir,
      arrow.tableFromArrays({
        id: Int32Array.from([1, 2, 3, 4, 5]),
        s: ['plain', 'a,b', 'say "hi"', 'line1\nline2', null],
      }),
    );
    const r = await run('scan', dir, '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.out).toBe(['id,s', '1,plain', '2,"a,b"', '3,"say ""hi"""', '4,"line1\nline2"', '5,', ''].join('\n'));
  });

  test('--format csv on a corpus table with decimals and a limit', async () => {
    const r = await run(
      'scan',
      path.join(CORPUS, 'delta-golden/basic-decimal-table'),
      '--format',
      'csv',
      '--columns',
      'part',
      '--limit',
      '2',
    );
    expect(r.code).toBe(0);
    const out = lines(r.out);
    expect(out[0]).toBe('part');
    expect(out).toHaveLength(3);
    const parts = new Set(expectedOf('delta-golden/basic-decimal-table').rows.map((row) => String(row[0])));
    for (const v of out.slice(1)) expect(parts.has(v)).toBe(true);
  });

  test('--format table (the default): headers, rule, rows and a row count line', async () => {
    const r = await run('scan', basic);
    expect(r.code).toBe(0);
    const out = lines(r.out);
    expect(out[0]!.split('│').map((s) => s.trim())).toEqual(['letter', 'number', 'a_float']);
    expect(out[1]).toMatch(/^─+┼─+┼─+$/);
    expect(out).toHaveLength(2 + 6 + 1);
    expect(out[out.length - 1]).toBe('(6 rows)');
    expect(r.out).toContain('null');
    // Default limit 20 for the table format; the count line says how many rows there are.
    const many = await run('scan', path.join(CORPUS, 'delta-golden/basic-with-inserts-overwrite-restore'));
    expect(lines(many.out)).toHaveLength(2 + 20 + 1);
    expect(lines(many.out).at(-1)).toBe('(showing 20 of 200 rows; --limit N or --format csv for all)');
    const one = await run('scan', basic, '--limit', '1');
    expect(lines(one.out).at(-1)).toBe('(showing 1 of 6 rows; --limit N or --format csv for all)');
    const all = await run('scan', basic, '--limit', '6');
    expect(lines(all.out).at(-1)).toBe('(6 rows)');
  });
});

describe('history', () => {
  const rel = 'delta-golden/basic-with-inserts-deletes-checkpoint';

  test('text: a header and one line per commit, newest first', async () => {
    const r = await run('history', path.join(CORPUS, rel));
    expect(r.code).toBe(0);
    const out = lines(r.out);
    expect(out[0]).toMatch(/^version\s+timestamp \(UTC\)\s+operation\s+rows\s+files\s+parameters$/);
    expect(out[1]).toMatch(/^-+( +-+){5}$/);
    expect(out).toHaveLength(2 + 14);
    expect(out.slice(2).map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(
      Array.from({ length: 14 }, (_, i) => 13 - i),
    );
    // Parameters as key=value (no escaped JSON; empty partitionBy left out), row and file
    // counts from operationMetrics: DELETE removed 14 rows, rewrote 2 files into 1.
    expect(out[2]).toMatch(
      /^ +13 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +DELETE +-14 +\+1 -2 +predicate=\[\(id#\d+L >= 66\)\]$/,
    );
    expect(out[15]).toMatch(/^ +0 +\S+ \S+ +WRITE +\+10 +\+1 +mode=Append$/);
    // Numbers are right-aligned: the version column ends where its header does.
    expect(out[15]!.indexOf('0 ')).toBe('version'.length - 1);
  });

  test('--json: one object per commit with version, timestamp and the commitInfo', async () => {
    const r = await run('history', path.join(CORPUS, rel), '--json', '--limit', '3');
    expect(r.code).toBe(0);
    const entries = lines(r.out).map(
      (l) => JSON.parse(l) as { version: number; timestamp: number; operation: string; readVersion?: number },
    );
    expect(entries.map((e) => e.version)).toEqual([13, 12, 11]);
    expect(entries.map((e) => e.operation)).toEqual(['DELETE', 'WRITE', 'WRITE']);
    expect(entries[0]!.readVersion).toBe(12);
    for (const e of entries) expect(Number.isInteger(e.timestamp)).toBe(true);
  });
});

describe('describe', () => {
  const rel = 'delta-golden/dv-partitioned-with-checkpoint';

  test('text mentions protocol, features, partitioning, file count and schema', async () => {
    const r = await run('describe', path.join(CORPUS, rel));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^version\s+15$/m);
    expect(r.out).toMatch(/^protocol\s+reader 3, writer 7$/m);
    expect(r.out).toMatch(/^features\s+reader: deletionVectors\n\s+writer: deletionVectors$/m);
    expect(r.out).toMatch(/^partitioned\s+part$/m);
    const files = /^files\s+(\d+) files, \d+\.\d KiB$/m.exec(r.out);
    expect(files).not.toBeNull();
    expect(Number(files![1])).toBeGreaterThan(0);
    expect(r.out).toMatch(/^constraints\s+\(none\)$/m);
    expect(r.out).toContain('delta.enableDeletionVectors = true');
    expect(r.out).toMatch(
      /^schema\n {2}column +type +nullable\n {2}-+ +-+ +-+\n {2}part +integer +yes\n {2}col1 +integer +yes\n {2}col2 +string +yes\n$/m,
    );
  });

  test('an unpartitioned table says so', async () => {
    const r = await run('describe', path.join(CORPUS, 'delta-rs/simple_table'));
    expect(r.out).toMatch(/^partitioned\s+\(not partitioned\)$/m);
    expect(r.out).toMatch(/^files\s+5 files, /m);
    // Legacy protocols: the features their writer version implies.
    expect(r.out).toMatch(/^features\s+appendOnly, invariants \(implied by writer version 2\)$/m);
  });

  test('--json parses and carries the schema, protocol and files', async () => {
    const r = await run('describe', path.join(CORPUS, rel), '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out) as {
      version: number;
      protocol: { minReaderVersion: number; readerFeatures: string[] };
      partitionColumns: string[];
      numFiles: number;
      schema: { type: string; fields: { name: string; type: string; nullable: boolean }[] };
    };
    expect(info.version).toBe(15);
    expect(info.protocol.minReaderVersion).toBe(3);
    expect(info.protocol.readerFeatures).toEqual(['deletionVectors']);
    expect(info.partitionColumns).toEqual(['part']);
    expect(info.schema.type).toBe('struct');
    // The schema is printed in Delta's own JSON form (as in metaData.schemaString).
    expect(info.schema.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ['part', 'integer', true],
      ['col1', 'integer', true],
      ['col2', 'string', true],
    ]);
    const text = await run('describe', path.join(CORPUS, rel));
    expect(text.out).toContain(`files        ${info.numFiles} files, `);
  });

  test('--version describes an older version', async () => {
    const r = await run('describe', path.join(CORPUS, 'delta-rs/simple_table'), '--version', '0', '--json');
    const info = JSON.parse(r.out) as { version: number; numFiles: number };
    expect(info.version).toBe(0);
    expect(info.numFiles).toBe(6);
  });
});

describe('errors', () => {
  test('an unknown table: exit code 1 and one error line', async () => {
    const missing = path.join(tempDir(), 'no-such-table');
    for (const cmd of ['scan', 'history', 'describe']) {
      const r = await run(cmd, missing);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^error: no Delta table at file:\/\/\S+no-such-table: .+\n$/);
      expect(lines(r.err)).toHaveLength(1);
    }
  });

  test('bad flags and arguments: exit code 2', async () => {
    const basic = path.join(CORPUS, 'dat/basic_append');
    const bogus = await run('scan', basic, '--bogus');
    expect(bogus.code).toBe(2);
    expect(bogus.err.startsWith("error: unknown option '--bogus'\n")).toBe(true);
    expect(bogus.out).toBe('');
    expect((await run('scan', basic, '--format', 'xml')).code).toBe(2);
    expect((await run('scan')).code).toBe(2);
    expect((await run('frobnicate', basic)).code).toBe(2);
  });

  test('engine errors from options are one line with exit code 1', async () => {
    const basic = path.join(CORPUS, 'dat/basic_append');
    const cases: [string[], RegExp][] = [
      [
        ['scan', basic, '--limit', '-3'],
        /^error: --limit must be a whole number \(0 or more\) written in decimal digits \(got "-3"\)\n$/,
      ],
      [['scan', basic, '--version', '99'], /^error: version 99 does not exist .+the latest version is \d+\n$/],
      [
        ['scan', basic, '--columns', 'nope'],
        /^error: column "nope" is not in the table; columns are: letter, number, a_float\n$/,
      ],
      [
        ['scan', basic, '--timestamp', 'not a time'],
        /^error: --timestamp must be an ISO-8601 time .+ \(got "not a time"\)\n$/,
      ],
    ];
    for (const [argv, pattern] of cases) {
      const r = await run(...argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 1 });
      expect(r.err).toMatch(pattern);
      expect(lines(r.err)).toHaveLength(1);
    }
  });

  test('a filter that does not parse: exit code 1, the error points at the position', async () => {
    const r = await run('scan', path.join(CORPUS, 'dat/basic_append'), '--where', 'number >');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: cannot parse expression: .+ at position 9\n/);
  });
});
