/**
 * Bundle the Lambda handlers with esbuild: one self-contained ESM file per function,
 * `<out>/<name>/index.mjs`, with parquet-wasm's `.wasm` and glue copied beside it.
 *
 *   pnpm bundle [--out dir] [--existing-only] [--sourcemap] [name...]
 *
 * No source map by default: the directory is deployed as it is, and Node uses a map only
 * with --enable-source-maps, which costs every cold start (infra/README.md). The build is
 * deterministic, so `--sourcemap` on the same commit gives the map of a deployed bundle, to
 * read a production stack trace locally.
 *
 * Workspace packages bundle from their TypeScript sources (`source` condition); nothing is
 * external but Node's builtins. The banner gives the ESM bundle a `require`, `__filename` and
 * `__dirname` for the CommonJS packages inside it (the AWS SDK). packages/core compiles
 * parquet-wasm's `parquet_wasm_bg.wasm` and imports its ESM glue (once per instance, under its
 * own URL: core/src/parquet/wasm.ts) from beside the module that loads them: here, beside
 * `index.mjs`, where both are copied (the glue as `parquet_wasm.mjs`, an ES module wherever it
 * lies). The glue is therefore not in the bundle.
 */
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_DIR, LAMBDA_ENTRIES } from '../infra/handlers.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WASM_FILE = 'parquet_wasm_bg.wasm';
const GLUE_FILE = 'parquet_wasm.js';
const GLUE_FILE_BESIDE = 'parquet_wasm.mjs';

// Names chosen so that no bundled module can declare them at top level.
const ESM_CJS_BANNER = [
  "import { createRequire as __dsCreateRequire } from 'node:module';",
  "import { fileURLToPath as __dsFileURLToPath } from 'node:url';",
  "import { dirname as __dsDirname } from 'node:path';",
  'const require = __dsCreateRequire(import.meta.url);',
  'const __filename = __dsFileURLToPath(import.meta.url);',
  'const __dirname = __dsDirname(__filename);',
].join('\n');

export interface LambdaEntry {
  name: string;
  /** Entry source file, absolute or relative to the repository root. */
  entry: string;
}

export interface BundleResult {
  name: string;
  outFile: string;
  bytes: number;
  /** Size of the copied parquet-wasm module, when the bundle includes the engine's Parquet loader. */
  wasmBytes?: number;
  /** Imports left to the runtime (only Node builtins). */
  externalImports: string[];
}

/** The handlers of infra/handlers.ts as bundle entries. */
export function defaultEntries(): LambdaEntry[] {
  return Object.entries(LAMBDA_ENTRIES).map(([name, entry]) => ({ name, entry }));
}

/** Bundle one entry into `<outRoot>/<name>/index.mjs` and copy parquet-wasm's module and glue beside it. */
export async function bundleLambda(
  entry: LambdaEntry,
  outRoot: string,
  opts: { sourcemap?: boolean } = {},
): Promise<BundleResult> {
  const outDir = join(outRoot, entry.name);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const outFile = join(outDir, 'index.mjs');
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [resolve(REPO_ROOT, entry.entry)],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    minify: true,
    sourcemap: opts.sourcemap ? 'linked' : false,
    sourcesContent: false,
    legalComments: 'linked',
    banner: { js: ESM_CJS_BANNER },
    metafile: true,
    logLevel: 'silent',
  });
  let wasmBytes: number | undefined;
  const wasmDir = parquetWasmDir(Object.keys(result.metafile.inputs));
  if (wasmDir) {
    await copyFile(join(wasmDir, WASM_FILE), join(outDir, WASM_FILE));
    await copyFile(join(wasmDir, GLUE_FILE), join(outDir, GLUE_FILE_BESIDE));
    wasmBytes = (await stat(join(wasmDir, WASM_FILE))).size;
  }
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const externalImports = [...new Set((output?.imports ?? []).filter((i) => i.external).map((i) => i.path))];
  return { name: entry.name, outFile, bytes: (await stat(outFile)).size, wasmBytes, externalImports };
}

/** Bundle several entries; with `existingOnly`, entries whose source is missing are skipped and listed. */
export async function bundleLambdas(opts: {
  outDir?: string;
  entries?: LambdaEntry[];
  existingOnly?: boolean;
  sourcemap?: boolean;
}): Promise<{ built: BundleResult[]; missing: string[] }> {
  const outRoot = resolve(REPO_ROOT, opts.outDir ?? BUNDLE_DIR);
  const built: BundleResult[] = [];
  const missing: string[] = [];
  for (const entry of opts.entries ?? defaultEntries()) {
    if (!existsSync(resolve(REPO_ROOT, entry.entry))) {
      if (!opts.existingOnly) {
        throw new Error(`handler source ${entry.entry} of lambda "${entry.name}" does not exist; write it first`);
      }
      missing.push(entry.name);
      continue;
    }
    built.push(await bundleLambda(entry, outRoot, { sourcemap: opts.sourcemap }));
  }
  return { built, missing };
}

/**
 * The directory of parquet-wasm's ESM build when the bundle took in the engine's Parquet loader
 * (core/src/parquet/wasm.ts), which loads the build's files at run time. No parquet-wasm build
 * may be bundled itself: its glue keeps one instance in module state, and a bundled copy could
 * not be replaced after a trap.
 */
function parquetWasmDir(inputs: string[]): string | undefined {
  const bundled = inputs.filter((p) => /(^|\/)parquet-wasm\/[^/]+\/parquet_wasm\.js$/.test(p));
  if (bundled.length > 0) {
    throw new Error(
      `bundle includes parquet-wasm builds ${bundled.join(', ')}; load it through @delta-serverless/core`,
    );
  }
  const loader = inputs.find((p) => /(^|\/)packages\/core\/(src\/parquet\/wasm\.ts|dist\/parquet\/wasm\.js)$/.test(p));
  if (!loader) return undefined;
  const core = dirname(dirname(dirname(resolve(REPO_ROOT, loader)))); // inputs are relative to absWorkingDir
  return dirname(createRequire(join(core, 'package.json')).resolve(`parquet-wasm/esm/${GLUE_FILE}`));
}

async function main(argv: string[]): Promise<void> {
  let outDir: string | undefined;
  let existingOnly = false;
  let sourcemap = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') outDir = argv[++i];
    else if (a === '--existing-only') existingOnly = true;
    else if (a === '--sourcemap') sourcemap = true;
    else names.push(a);
  }
  const all = defaultEntries();
  const unknown = names.filter((n) => !all.some((e) => e.name === n));
  if (unknown.length > 0)
    throw new Error(`unknown lambda ${unknown.join(', ')}; known: ${all.map((e) => e.name).join(', ')}`);
  const entries = names.length > 0 ? all.filter((e) => names.includes(e.name)) : all;
  const { built, missing } = await bundleLambdas({ outDir, entries, existingOnly, sourcemap });
  for (const b of built) {
    const wasm = b.wasmBytes !== undefined ? ` + ${kb(b.wasmBytes)} ${WASM_FILE}` : '';
    console.log(`${relative(REPO_ROOT, b.outFile)}  ${kb(b.bytes)}${wasm}`);
  }
  for (const m of missing) console.log(`skipped ${m}: handler source missing`);
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(0)} KiB`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
