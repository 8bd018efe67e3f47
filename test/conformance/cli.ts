/**
 * `pnpm conformance [corpus-dir] [filter]`: one line per table, then `N passed, N failed`.
 * Exit code 1 when any table fails.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCorpus } from './runner.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] ?? path.join(here, '../../../shared/conformance'));
const filter = process.argv[3];

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
