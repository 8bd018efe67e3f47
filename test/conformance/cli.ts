/**
 * `pnpm conformance [corpus-dir] [filter]`: one line per table, then `N passed, N failed`.
 * Exit code 1 when any table fails.
 */
import * as path from 'node:path';
import { CORPUS, corpusProblem } from '../support/corpus.js';
import { runCorpus } from './runner.js';

const dir = process.argv[2] ? path.resolve(process.argv[2]) : CORPUS;
const filter = process.argv[3];
const problem = corpusProblem(dir);
if (problem) {
  process.stderr.write(`pnpm conformance: ${problem}\n`);
  process.exit(2);
}

const results = await runCorpus(
  dir,
  (r) => {
    const status = r.ok ? 'PASS' : 'FAIL';
    const note = r.notes.length ? `  (${r.notes.join('; ')})` : '';
    process.stdout.write(`${status}  ${r.table}  ${r.checks} checks, ${r.ms} ms${note}\n`);
    for (const f of r.failures) process.stdout.write(`        ${f.split('\n').slice(0, 6).join('\n        ')}\n`);
  },
  filter ? (n) => n.includes(filter) : undefined,
);
const passed = results.filter((r) => r.ok).length;
process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
process.exitCode = passed === results.length ? 0 : 1;
