/**
 * Write the CLI's command list into README.md (between the `commands` markers) from the command
 * definitions, so the README and `--help` cannot drift apart.
 *
 *   pnpm readme:commands
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSynopsis } from '../packages/cli/src/synopsis.js';
import { REPO_ROOT } from './bundle-lambdas.js';

const file = join(REPO_ROOT, 'README.md');
const before = readFileSync(file, 'utf8');
const after = withSynopsis(before);
writeFileSync(file, after);
console.log(after === before ? 'README.md command list is up to date' : 'README.md command list rewritten');
