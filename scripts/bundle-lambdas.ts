/**
 * Bundle the Lambda handlers with esbuild: one self-contained ESM file per function,
 * `<out>/<name>/index.mjs`, with parquet-wasm's `.wasm` copied beside it.
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
 * `__dirname` for the CommonJS packages inside it (the AWS SDK). packages/core loads
 * parquet-wasm's ESM build and compiles `parquet_wasm_bg.wasm` from beside the module that
 * loads it (core/src/parquet/wasm.ts): here, beside `index.mjs`, where it is copied.
 */
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_DIR, LAMBDA_ENTRIES } from '../infra/handlers.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WASM_FILE = 'parquet_wasm_bg.wasm';

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
  /** Size of the copied parquet-wasm module, when the bundle includes parquet-wasm. */
  wasmBytes?: number;
  /** Imports left to the runtime (only Node builtins). */
  externalImports: string[];
}

/** The handlers of infra/handlers.ts as bundle entries. */
export function defaultEntries(): LambdaEntry[] {
  return Object.entries(LAMBDA_ENTRIES).map(([name, entry]) => ({ name, entry }));
}

/** Bundle one entry into `<outRoot>/<name>/index.mjs` and copy parquet-wasm's module beside it. */
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
  const wasmSource = parquetWasmModule(Object.keys(result.metafile.inputs));
  if (wasmSource) {
    await copyFile(wasmSource, join(outDir, WASM_FILE));
    wasmBytes = (await stat(wasmSource)).size;
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
 * The `.wasm` of the parquet-wasm build the bundle took in, from esbuild's input list. Only the
 * ESM build is expected: packages/core compiles its `.wasm` itself (core/src/parquet/wasm.ts).
 */
function parquetWasmModule(inputs: string[]): string | undefined {
  const pw = inputs.filter((p) => /(^|\/)parquet-wasm\/[^/]+\/parquet_wasm\.js$/.test(p));
  if (pw.length === 0) return undefined;
  const esmBuild = pw.find((p) => p.endsWith('parquet-wasm/esm/parquet_wasm.js'));
  if (!esmBuild || pw.length > 1) {
    throw new Error(`bundle includes parquet-wasm builds ${pw.join(', ')}; expected exactly its ESM build`);
  }
  return join(resolve(REPO_ROOT, dirname(esmBuild)), WASM_FILE); // inputs are relative to absWorkingDir
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
