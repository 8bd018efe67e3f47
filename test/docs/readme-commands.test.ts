/**
 * The README's command list is the CLI's: generated from the command definitions `--help`
 * prints (packages/cli/src/synopsis.ts), and this test fails when README.md is not up to date
 * (`pnpm readme:commands` rewrites it).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { main } from '@delta-serverless/cli';
import { commandSynopsis, withSynopsis } from '../../packages/cli/src/synopsis.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '../../README.md');

test('README.md lists every command with every flag, as --help does', () => {
  const readme = readFileSync(README, 'utf8');
  expect(readme, 'README.md is out of date: run `npx -y pnpm@9 readme:commands`').toBe(withSynopsis(readme));
});

test('the list has each command --help names, and each flag of its --help', async () => {
  const synopsis = commandSynopsis();
  let help = '';
  await main(['--help'], { out: (s) => (help += s), err: () => {} });
  const commands = [...help.split('Commands:')[1]!.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!);
  expect(commands.length).toBeGreaterThan(15);
  for (const c of commands.filter((c) => c !== 'help')) {
    expect(synopsis, c).toContain(`delta-serverless ${c} `);
    let own = '';
    await main([c, '--help'], { out: (s) => (own += s), err: () => {} });
    for (const [flag] of own.matchAll(/--[a-z][\w-]*/g))
      if (flag !== '--help' && flag !== '--storage-option' && !own.includes(`Commands:`))
        expect(synopsis, `${c} ${flag}`).toContain(flag);
  }
});
