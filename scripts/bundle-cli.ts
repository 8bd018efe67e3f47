/**
 * Bundle the CLI with esbuild: `packages/cli/dist/bundle/cli.mjs`, a small entry (commander and
 * the command definitions), and under `chunks/` what the commands import when they run: the
 * engine, the AWS SDK (only for s3:// tables), the local stack. parquet-wasm's `.wasm` and glue go
 * beside the chunk that loads them, as in the Lambda bundles. `packages/cli/bin/delta-serverless`
 * runs the entry.
 *
 *   pnpm bundle:cli        (run by `pnpm install` and `pnpm build`)
 *
 * Why a bundle: a CLI start from the compiled packages is mostly module loading (~900 files
 * resolved and read: 0.3-0.4 s). Why chunks: one 2 MB file costs ~0.3 s to compile and pulls in
 * every Node builtin it names (esbuild hoists those imports), even for `--help`.
 * bench/cli-startup.ts measures both against `node -e 0`. The embedded emulators of `dev`/`demo`
 * (fauxqs, dynalite) are loaded from node_modules at run time, as from source.
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ESM_CJS_BANNER, GLUE_FILE, GLUE_FILE_BESIDE, parquetWasmDir, REPO_ROOT, WASM_FILE } from './bundle-lambdas.js';

/** The CLI package's version, built into the bundle (`--version`). */
function cliPackageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string })
    .version;
}

export const CLI_BUNDLE_DIR = join(REPO_ROOT, 'packages/cli/dist/bundle');

export async function bundleCli(outDir = CLI_BUNDLE_DIR): Promise<{ outFile: string; bytes: number }> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { cli: join(REPO_ROOT, 'packages/cli/src/bin.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    // ESM builds where packages have them (the AWS SDK's dist-es): with code splitting, a
    // dynamically imported CommonJS module would reach its importer without named exports.
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    banner: { js: ESM_CJS_BANNER },
    define: { __DS_CLI_VERSION__: JSON.stringify(cliPackageVersion()) },
    metafile: true,
    logLevel: 'warning',
  });
  // core/src/parquet/wasm.ts compiles the .wasm and imports parquet-wasm's glue from beside its
  // own module: the chunk holding it.
  const wasmDir = parquetWasmDir(Object.keys(result.metafile.inputs));
  const loader = Object.entries(result.metafile.outputs).find(([, o]) =>
    Object.keys(o.inputs).some((i) => i.endsWith('packages/core/src/parquet/wasm.ts')),
  );
  if (wasmDir && loader) {
    const beside = join(REPO_ROOT, dirname(loader[0]));
    await copyFile(join(wasmDir, WASM_FILE), join(beside, WASM_FILE));
    await copyFile(join(wasmDir, GLUE_FILE), join(beside, GLUE_FILE_BESIDE));
  }
  const outFile = join(outDir, 'cli.mjs');
  return { outFile, bytes: (await stat(outFile)).size };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  bundleCli().then(
    (r) =>
      console.log(
        `delta-serverless CLI bundled in ${relative(REPO_ROOT, dirname(r.outFile))}/ (the command: packages/cli/bin/delta-serverless)`,
      ),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
