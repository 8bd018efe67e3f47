/**
 * The architecture rules of .dependency-cruiser.cjs (run by `pnpm lint`) catch what they are
 * for: each case plants a small source tree in a temporary directory and runs the same
 * `depcruise` command as the lint script on it.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const { CORE_LAYERS } = createRequire(import.meta.url)(CONFIG) as { CORE_LAYERS: string[] };

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A clean little tree: storage <- protocol <- log, aws on core's index. */
const BASE: Record<string, string> = {
  'packages/core/src/errors.ts': 'export class DeltaError extends Error {}\n',
  'packages/core/src/storage/store.ts': "import { DeltaError } from '../errors.js';\nexport const e = DeltaError;\n",
  'packages/core/src/protocol/actions.ts': "import { e } from '../storage/store.js';\nexport const a = e;\n",
  'packages/core/src/log/replay.ts': "import type { a } from '../protocol/actions.js';\nexport type R = typeof a;\n",
  'packages/core/src/index.ts': "export * from './log/replay.js';\n",
  'packages/aws/src/index.ts': "export type * from '../../core/src/index.js';\n",
};

/** Run the lint's depcruise on BASE plus `extra`; its exit code and report. */
async function cruise(extra: Record<string, string>): Promise<{ code: number; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-layers-'));
  dirs.push(dir);
  const files = {
    'tsconfig.check.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
    ...BASE,
    ...extra,
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [DEPCRUISE, 'packages', '--config', CONFIG, '--output-type', 'err-long'],
      { cwd: dir },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('architecture rules (.dependency-cruiser.cjs)', () => {
  it('pass a tree that follows the layers', async () => {
    const { code, out } = await cruise({});
    expect(out).toContain('no dependency violations found');
    expect(code).toBe(0);
  });

  // One tree with one planted break per rule (a cruise costs a few seconds).
  it('fail on an upward import (type-only too), a folder circle, a file circle, a folder with no layer, cross-package reaches', async () => {
    const { code, out } = await cruise({
      // upward, type-only
      'packages/core/src/storage/store.ts': "import type { R } from '../log/replay.js';\nexport type S = R;\n",
      // a circle between two folders
      'packages/core/src/expr/ast.ts': "import { a } from '../protocol/actions.js';\nexport const x = a;\n",
      'packages/core/src/protocol/properties.ts': "import { x } from '../expr/ast.js';\nexport const p = x;\n",
      // a circle between two files of one folder, type imports only
      'packages/core/src/log/a.ts': "import type { B } from './b.js';\nexport type A = B[];\n",
      'packages/core/src/log/b.ts': "import type { A } from './a.js';\nexport type B = A | number;\n",
      // a folder that is no layer
      'packages/core/src/misc/helper.ts': "import { a } from '../protocol/actions.js';\nexport const h = a;\n",
      // aws into core's files; core into aws
      'packages/aws/src/store.ts': "import { e } from '../../core/src/storage/store.js';\nexport const s = e;\n",
      'packages/core/src/storage/aws.ts': "import { s } from '../../../aws/src/store.js';\nexport const t = s;\n",
    });
    expect(code).not.toBe(0);
    expect(out).toContain('core-layer-storage: packages/core/src/storage/store.ts → packages/core/src/log/replay.ts');
    expect(out).toContain(
      'core-layer-protocol: packages/core/src/protocol/properties.ts → packages/core/src/expr/ast.ts',
    );
    expect(out).toMatch(/no-circular: packages\/core\/src\/log\/a\.ts →\s+packages\/core\/src\/log\/b\.ts →/);
    expect(out).toContain('core-folder-has-a-layer: packages/core/src/misc/helper.ts');
    expect(out).toContain('packages-import-core-by-name: packages/aws/src/store.ts');
    expect(out).toContain('package-layer-core: packages/core/src/storage/aws.ts');
  });

  it('docs/architecture.md lists the same layers in the same order', async () => {
    const doc = await readFile(join(ROOT, 'docs/architecture.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| \d+ \| `([a-z]+)\/` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(CORE_LAYERS);
  });
});
