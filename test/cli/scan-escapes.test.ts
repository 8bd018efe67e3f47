/**
 * `scan` in table format shows control characters from the data escaped: a value holding an
 * ANSI escape sequence, a newline or a bidi override must not reach the terminal raw (it could
 * recolour, move the cursor, or reorder what is shown). ndjson is JSON-escaped already.
 */
import * as arrow from 'apache-arrow';
import { afterAll, expect, it } from 'vitest';
import { writeDeltaTable } from '@delta-serverless/core';
import { main } from '../../packages/cli/src/program.js';
import { removeTempDirs, tempDir as readTempDir } from '../read/support.js';
import { validatedDirs } from '../support/validate-written.js';

afterAll(removeTempDirs);
// Every table these tests write goes through the independent validator after the test.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

it('scan --format table escapes control characters in values and column names', async () => {
  const dir = tempDir('ds-escapes-');
  const evil = 'ok\u001b[2J\u001b]0;pwned\u0007\nline2\u202eevil\u009b';
  await writeDeltaTable(dir, arrow.tableFromArrays({ id: Int32Array.from([1]), ['na\u001bme']: [evil] }));
  let out = '';
  const code = await main(['scan', dir], { out: (s) => (out += s), err: () => undefined });
  expect(code).toBe(0);
  // eslint-disable-next-line no-control-regex
  expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  expect(out).toContain('ok\\x1b[2J\\x1b]0;pwned\\x07\\nline2\\u202eevil\\x9b');
  expect(out).toContain('na\\x1bme');
  expect(out.trim().split('\n')).toHaveLength(4); // header, rule, one row, count
});
