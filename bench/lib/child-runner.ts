/**
 * Parent side of fresh-process measurements. By default children run plain node on built
 * JavaScript: the engine from packages/core/dist (`pnpm build`) and bench/ transpiled to
 * bench/.data/js (type stripping only, done here with the TypeScript API). With `--source`
 * they run the TypeScript sources through tsx instead (slower module loading).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import type { ChildResult, Params, Runs } from './harness.js';
import { BENCH_DIR, JS_DIR, ROOT } from './paths.js';

export const RESULT_MARK = '@@RESULT ';

export type ChildMode = 'dist' | 'source';

/** Transpile bench/*.ts and bench/lib/*.ts to bench/.data/js (imports end in .js already). */
export function transpileBench(): void {
  for (const sub of ['', 'lib']) {
    const dir = join(BENCH_DIR, sub);
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.ts') || name.endsWith('.d.ts')) continue;
      const src = join(dir, name);
      const out = join(JS_DIR, sub, name.replace(/\.ts$/, '.js'));
      const js = ts.transpileModule(readFileSync(src, 'utf8'), {
        fileName: src,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      }).outputText;
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, js);
    }
  }
}

function newestMtime(dir: string, pick: (name: string) => boolean): { file: string; mtime: number } {
  let best = { file: '', mtime: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = newestMtime(p, pick);
      if (sub.mtime > best.mtime) best = sub;
    } else if (pick(entry.name)) {
      const m = statSync(p).mtimeMs;
      if (m > best.mtime) best = { file: p, mtime: m };
    }
  }
  return best;
}

/**
 * A warning when a package's dist is missing or older than its sources (children would time
 * stale code). Checks packages/core, plus the other packages named (e.g. 'aws' for S3 benchmarks).
 */
export function distStaleness(packages: readonly string[] = ['core']): string | undefined {
  for (const name of packages) {
    const pkg = join(ROOT, 'packages', name);
    if (!existsSync(join(pkg, 'dist/index.js')))
      return `packages/${name}/dist is missing: run \`pnpm build\` (or pass --source)`;
    const src = newestMtime(join(pkg, 'src'), (n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
    const dist = newestMtime(join(pkg, 'dist'), (n) => n.endsWith('.js'));
    if (src.mtime > dist.mtime + 1000) {
      return `packages/${name}/dist is older than ${relative(ROOT, src.file)}: run \`pnpm build\` first (or pass --source)`;
    }
  }
  return undefined;
}

/** node arguments that run bench/child.(js|ts) in the given mode. */
export function childCommand(mode: ChildMode): string[] {
  return mode === 'dist'
    ? ['--expose-gc', join(JS_DIR, 'child.js')]
    : ['--expose-gc', '--conditions=source', '--import', 'tsx', join(BENCH_DIR, 'child.ts')];
}

/** Run one child; resolves with the JSON it printed after RESULT_MARK. */
export function runChild(mode: ChildMode, bench: string, kind: 'fresh' | 'warm', payload: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...childCommand(mode), bench, kind, JSON.stringify(payload)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      for (const l of out.split('\n')) if (l && !l.startsWith(RESULT_MARK)) console.log(`  [child] ${l}`);
      if (code !== 0 || !line) {
        reject(new Error(`bench child ${bench} ${kind} ${JSON.stringify(payload).slice(0, 200)} exited with ${code}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARK.length)));
    });
  });
}

export async function runFresh(
  mode: ChildMode,
  bench: string,
  variants: readonly string[],
  params: Params,
  reps: number,
): Promise<Runs> {
  const runs: Runs = Object.fromEntries(variants.map((v) => [v, [] as ChildResult[]]));
  for (let r = 0; r < reps; r++) {
    // Alternate variants (rotating the start) so machine noise spreads over all of them.
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(r + k) % variants.length]!;
      process.stdout.write(`  fresh ${bench}/${v} rep ${r + 1}/${reps}...`);
      const res = (await runChild(mode, bench, 'fresh', { variant: v, params })) as ChildResult;
      process.stdout.write(` ${res.ms.toFixed(0)} ms\n`);
      runs[v]!.push(res);
    }
  }
  return runs;
}

export async function runWarm(
  mode: ChildMode,
  bench: string,
  variants: readonly string[],
  params: Params,
  reps: number,
): Promise<Runs> {
  process.stdout.write(`  warm ${bench} [${variants.join(', ')}] x${reps}...`);
  const runs = (await runChild(mode, bench, 'warm', { variants, params, reps })) as Runs;
  process.stdout.write(' done\n');
  return runs;
}
