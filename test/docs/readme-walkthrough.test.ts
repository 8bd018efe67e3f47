/**
 * The README's command-line walkthrough, run as a new user would: a fresh clone of this
 * repository in a temporary folder, the README's set-up commands in it (install, then the PATH
 * line), and each `$` step of the walkthrough in another empty folder, its output (stdout and
 * stderr) checked against what the README shows. Times, table ids, sizes, durations and the
 * folder's path may differ; everything else must be as shown. The clone is of the committed
 * HEAD: commit before running this.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-walkthrough-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** The first fenced block of `lang` after `marker` in the README. */
function blockAfter(marker: string, lang: string): string[] {
  const at = README.indexOf(marker);
  expect(at, `README.md has "${marker}"`).toBeGreaterThanOrEqual(0);
  const open = README.indexOf('```' + lang + '\n', at);
  const close = README.indexOf('\n```', open + 1);
  return README.slice(open + lang.length + 4, close).split('\n');
}

interface Step {
  command: string;
  expected: string[];
}

/** `$ command` lines, each followed by the output it prints. */
function steps(lines: readonly string[]): Step[] {
  const out: Step[] = [];
  for (const line of lines) {
    if (line.startsWith('$ ')) out.push({ command: line.slice(2), expected: [] });
    else out.at(-1)!.expected.push(line);
  }
  return out;
}

/** What may differ between runs, replaced by placeholders. */
function normalize(text: string): string {
  return text
    .replace(/file:\/\/\/\S*?\/sales/g, 'file:///<dir>/sales')
    .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d+(\.\d+)? (B|KiB|MiB|GiB)\b/g, '<size>')
    .replace(/\d+\.\d+s\b/g, '<duration>')
    .replace(/ +$/gm, '');
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync('bash', ['-c', `${script} 2>&1`], { cwd, env, encoding: 'utf8', timeout: 300_000 });
}

test('the README walkthrough from a fresh clone, in another folder', { timeout: 600_000 }, () => {
  const clone = path.join(temp, 'delta-serverless');
  const cloned = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8' });
  expect(cloned.status, cloned.stderr).toBe(0);

  // The set-up, as the README says: install (which builds the command), then the PATH line.
  const setup = blockAfter('## Command line', 'sh').filter((l) => l && !l.startsWith('delta-serverless'));
  expect(setup.map((l) => l.replace(/\s+#.*$/, ''))).toEqual([
    'npx -y pnpm@9 install',
    'export PATH="$PWD/packages/cli/bin:$PATH"',
  ]);
  const install = bash(setup[0]!, clone);
  expect(install.status, install.stdout).toBe(0);
  expect(install.stdout).not.toMatch(/WARN.*Failed to create bin/);
  const pathLine = bash(`${setup[1]!}\nprintf %s "$PATH"`, clone);
  const env = { ...process.env, PATH: pathLine.stdout };

  const work = path.join(temp, 'work');
  fs.mkdirSync(work);
  const walkthrough = steps(blockAfter('A first table, from any folder', 'console'));
  expect(walkthrough.length).toBeGreaterThan(8);
  for (const { command, expected } of walkthrough) {
    const r = bash(command, work, env);
    const shown = expected.join('\n');
    expect(r.status, `${command}\n${r.stdout}`).toBe(shown.startsWith('error: ') ? 1 : 0);
    expect(normalize(r.stdout).trimEnd(), command).toBe(normalize(shown).trimEnd());
  }
});
