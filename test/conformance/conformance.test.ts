/**
 * Every table of the conformance corpus reads as its expectation says (rows as multisets,
 * other versions, queries, change feeds, aggregates, log facts, schema, protocol, partition
 * columns and configuration, and negative tables failing with the error they name).
 * Documented exceptions live in exceptions.ts and the README.
 */
import * as fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { listCorpus, runTable } from './runner.js';
import type { Expected } from './expected.js';
import { CORPUS, corpusProblem } from '../support/corpus.js';

const corpus = CORPUS;

describe('conformance corpus', () => {
  test('the corpus is present', () => {
    expect(corpusProblem(corpus)).toBeUndefined();
    expect(listCorpus(corpus).length).toBeGreaterThanOrEqual(62);
  });

  for (const entry of fs.existsSync(corpus) ? listCorpus(corpus) : []) {
    test(entry.name, { timeout: 120_000 }, async () => {
      const expected = JSON.parse(fs.readFileSync(entry.expectedFile, 'utf8')) as Expected;
      const result = await runTable(entry.name, entry.tableDir, expected);
      expect(result.failures).toEqual([]);
      expect(result.checks).toBeGreaterThan(0);
    });
  }
});

describe('the runner fails when an expectation is not met', () => {
  const entry = (name: string) => listCorpus(corpus).find((e) => e.name === name)!;
  const load = (name: string) => JSON.parse(fs.readFileSync(entry(name).expectedFile, 'utf8')) as Expected;
  const run = (name: string, expected: Expected) => runTable(name, entry(name).tableDir, expected);

  test('deltaSchema, logInspection protocol, partition columns and configuration are compared', async () => {
    const name = 'delta-golden/table-with-columnmapping-mode-name';
    const good = load(name);
    const schema = good.deltaSchema as { fields: { name: string }[] };
    const renamed = { ...schema, fields: [{ ...schema.fields[0]!, name: 'Other' }, ...schema.fields.slice(1)] };
    const bad: Expected = {
      ...good,
      deltaSchema: renamed,
      logInspection: {
        protocol: { minReaderVersion: 3, minWriterVersion: 7 },
        partitionColumns: ['ByteType'],
        configuration: {},
      },
    };
    const r = await run(name, bad);
    expect(r.failures.join('\n')).toMatch(/deltaSchema/);
    expect(r.failures.join('\n')).toMatch(/protocol .*expected/);
    expect(r.failures.join('\n')).toMatch(/partitionColumns/);
    expect(r.failures.join('\n')).toMatch(/configuration/);
  });

  test('a negative table must fail with the error expectError names', async () => {
    const name = 'delta-golden/no-delta-log-folder';
    const r = await run(name, { ...load(name), expectError: 'unsupported protocol (minReaderVersion=99)' });
    expect(r.failures.join('\n')).toMatch(/expected UnsupportedFeatureError/);
    const unmapped = await run(name, { ...load(name), expectError: 'something else' });
    expect(unmapped.failures.join('\n')).toMatch(/not mapped/);
  });
});
