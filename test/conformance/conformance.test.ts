/**
 * Every table of the conformance corpus reads as its expectation says (rows as multisets,
 * other versions, queries, change feeds, aggregates, log facts, negative tables).
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
